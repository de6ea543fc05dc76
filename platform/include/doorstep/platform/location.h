// Location: one position fix on request, for a visit check-in or a field report.
// PositioningLocation uses Qt Positioning (GPS, network); FixedLocation answers
// with a set place or a set failure, for tests and desktops without a source.
// QObjects: use them on the thread that created them (the UI thread).
#pragma once

#include <QObject>
#include <QString>
#include <memory>

namespace doorstep::platform {

struct Fix {
  double lat = 0;        // WGS84 degrees
  double lon = 0;
  double accuracy_m = -1;  // metres; negative when the source gave none
};

class LocationSource : public QObject {
  Q_OBJECT
 public:
  using QObject::QObject;
  // False when the device has no position source at all (the UI then hides the button).
  virtual bool available() const = 0;
  // Asks for one fix. Exactly one of fixed() or failed() follows, later (never from
  // inside this call). A second request while one is waiting is folded into it.
  virtual void requestFix() = 0;

 signals:
  void fixed(doorstep::platform::Fix fix);
  void failed(const QString& reason);  // for a person: "location is switched off", ...
};

class PositioningLocation final : public LocationSource {
  Q_OBJECT
 public:
  // timeout_ms: how long to wait for a fix before failed().
  explicit PositioningLocation(QObject* parent = nullptr, int timeout_ms = 20000);
  ~PositioningLocation() override;
  bool available() const override;
  void requestFix() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class FixedLocation final : public LocationSource {
  Q_OBJECT
 public:
  using LocationSource::LocationSource;
  bool available() const override { return true; }
  void requestFix() override;
  void setFix(const Fix& fix) { fix_ = fix; reason_.clear(); }
  void setFailure(const QString& reason) { reason_ = reason; }

 private:
  Fix fix_{51.4613, -2.5873, 15};
  QString reason_;
};

}  // namespace doorstep::platform

Q_DECLARE_METATYPE(doorstep::platform::Fix)
