#include "doorstep/platform/location.h"

#include <QGeoPositionInfoSource>
#include <QTimer>

namespace doorstep::platform {

struct PositioningLocation::Impl {
  QGeoPositionInfoSource* source = nullptr;  // owned by the QObject parent
  int timeout_ms = 20000;
  bool waiting = false;
};

PositioningLocation::PositioningLocation(QObject* parent, int timeout_ms)
    : LocationSource(parent), impl_(std::make_unique<Impl>()) {
  impl_->timeout_ms = timeout_ms;
  impl_->source = QGeoPositionInfoSource::createDefaultSource(this);
  if (impl_->source == nullptr) return;
  connect(impl_->source, &QGeoPositionInfoSource::positionUpdated, this, [this](const QGeoPositionInfo& info) {
    if (!impl_->waiting) return;
    impl_->waiting = false;
    Fix f;
    f.lat = info.coordinate().latitude();
    f.lon = info.coordinate().longitude();
    if (info.hasAttribute(QGeoPositionInfo::HorizontalAccuracy))
      f.accuracy_m = info.attribute(QGeoPositionInfo::HorizontalAccuracy);
    emit fixed(f);
  });
  connect(impl_->source, &QGeoPositionInfoSource::errorOccurred, this, [this](QGeoPositionInfoSource::Error e) {
    if (!impl_->waiting) return;
    impl_->waiting = false;
    switch (e) {
      case QGeoPositionInfoSource::AccessError: emit failed(tr("Doorstep may not use your location")); break;
      case QGeoPositionInfoSource::UpdateTimeoutError: emit failed(tr("No location fix yet; try outside")); break;
      default: emit failed(tr("Location is not available")); break;
    }
  });
}

PositioningLocation::~PositioningLocation() = default;

bool PositioningLocation::available() const { return impl_->source != nullptr; }

void PositioningLocation::requestFix() {
  if (impl_->source == nullptr) {
    QTimer::singleShot(0, this, [this] { emit failed(tr("This device has no location source")); });
    return;
  }
  if (impl_->waiting) return;
  impl_->waiting = true;
  impl_->source->requestUpdate(impl_->timeout_ms);
}

void FixedLocation::requestFix() {
  QTimer::singleShot(0, this, [this] {
    if (reason_.isEmpty()) emit fixed(fix_);
    else emit failed(reason_);
  });
}

}  // namespace doorstep::platform
