// Connectivity: whether the device can reach a network, and when that changes, so
// the app can say it is offline and sync when a connection returns (docs/design.md,
// "Sync"). NetworkConnectivity reads QNetworkInformation; ManualConnectivity is
// set by tests. QObjects: use them on the thread that created them (the UI thread).
#pragma once

#include <QObject>

namespace doorstep::platform {

class Connectivity : public QObject {
  Q_OBJECT
 public:
  using QObject::QObject;
  // True when a network is believed reachable. Not a promise that the hub answers:
  // sync still treats "unavailable" as a normal outcome.
  virtual bool online() const = 0;

 signals:
  void onlineChanged(bool online);
};

// The operating system's view (QNetworkInformation's reachability). Where no backend
// is available (some containers), it reports online and never changes, so sync is
// attempted and its own failures decide.
class NetworkConnectivity final : public Connectivity {
  Q_OBJECT
 public:
  explicit NetworkConnectivity(QObject* parent = nullptr);
  bool online() const override { return online_; }
  // Which backend answered ("networkmanager", "glib", ...); empty when none.
  QString backend() const { return backend_; }

 private:
  bool online_ = true;
  QString backend_;
};

// For tests and demos: online until set otherwise.
class ManualConnectivity final : public Connectivity {
  Q_OBJECT
 public:
  using Connectivity::Connectivity;
  bool online() const override { return online_; }
  void setOnline(bool online);

 private:
  bool online_ = true;
};

}  // namespace doorstep::platform
