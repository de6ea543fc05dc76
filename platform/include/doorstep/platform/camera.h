// Camera: takes one still photo into a file, for a field report. The file is
// plaintext only until the report imports it into the encrypted blob store, which
// then deletes it (the app's report controller does both). MultimediaCamera uses Qt
// Multimedia's default camera; StillFileCamera copies a set image, for tests and for
// machines without a camera. QObjects: use them on the thread that created them.
#pragma once

#include <QObject>
#include <QString>
#include <memory>

namespace doorstep::platform {

class PhotoCamera : public QObject {
  Q_OBJECT
 public:
  using QObject::QObject;
  // False when there is no camera (desktops): the UI offers "choose a file" instead.
  virtual bool available() const = 0;
  // Takes a photo into a new JPEG file under dir. Exactly one of captured() or
  // failed() follows, later.
  virtual void capture(const QString& dir) = 0;

 signals:
  void captured(const QString& file);
  void failed(const QString& reason);
};

class MultimediaCamera final : public PhotoCamera {
  Q_OBJECT
 public:
  explicit MultimediaCamera(QObject* parent = nullptr);
  ~MultimediaCamera() override;
  bool available() const override;
  void capture(const QString& dir) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class StillFileCamera final : public PhotoCamera {
  Q_OBJECT
 public:
  // image: the file each capture copies (a JPEG or PNG); empty = unavailable.
  explicit StillFileCamera(QString image, QObject* parent = nullptr) : PhotoCamera(parent), image_(std::move(image)) {}
  bool available() const override { return !image_.isEmpty(); }
  void capture(const QString& dir) override;

 private:
  QString image_;
};

}  // namespace doorstep::platform
