#include "doorstep/platform/connectivity.h"

#include <QNetworkInformation>

namespace doorstep::platform {

NetworkConnectivity::NetworkConnectivity(QObject* parent) : Connectivity(parent) {
  if (!QNetworkInformation::loadBackendByFeatures(QNetworkInformation::Feature::Reachability)) return;
  auto* info = QNetworkInformation::instance();
  if (info == nullptr) return;
  backend_ = info->backendName();
  auto reachable = [](QNetworkInformation::Reachability r) {
    // Unknown is treated as online: a wrong "offline" would stop sync for nothing.
    return r != QNetworkInformation::Reachability::Disconnected;
  };
  online_ = reachable(info->reachability());
  connect(info, &QNetworkInformation::reachabilityChanged, this, [this, reachable](auto r) {
    const bool now = reachable(r);
    if (now == online_) return;
    online_ = now;
    emit onlineChanged(online_);
  });
}

void ManualConnectivity::setOnline(bool online) {
  if (online == online_) return;
  online_ = online;
  emit onlineChanged(online_);
}

}  // namespace doorstep::platform
