#include "doorstep/platform/camera.h"

#include <QCamera>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImageCapture>
#include <QMediaCaptureSession>
#include <QMediaDevices>
#include <QTimer>
#include <QUuid>

namespace doorstep::platform {

namespace {
QString new_photo_path(const QString& dir, const QString& suffix) {
  QDir().mkpath(dir);
  return QDir(dir).filePath(QUuid::createUuid().toString(QUuid::WithoutBraces) + suffix);
}
}  // namespace

struct MultimediaCamera::Impl {
  std::unique_ptr<QCamera> camera;
  std::unique_ptr<QImageCapture> capture;
  QMediaCaptureSession session;
};

MultimediaCamera::MultimediaCamera(QObject* parent) : PhotoCamera(parent), impl_(std::make_unique<Impl>()) {
  if (QMediaDevices::videoInputs().isEmpty()) return;
  impl_->camera = std::make_unique<QCamera>(QMediaDevices::defaultVideoInput());
  impl_->capture = std::make_unique<QImageCapture>();
  impl_->session.setCamera(impl_->camera.get());
  impl_->session.setImageCapture(impl_->capture.get());
  connect(impl_->capture.get(), &QImageCapture::imageSaved, this, [this](int, const QString& file) {
    impl_->camera->stop();
    emit captured(file);
  });
  connect(impl_->capture.get(), &QImageCapture::errorOccurred, this,
          [this](int, QImageCapture::Error, const QString& message) {
            impl_->camera->stop();
            emit failed(tr("The photo was not taken: %1").arg(message));
          });
}

MultimediaCamera::~MultimediaCamera() = default;

bool MultimediaCamera::available() const { return impl_->camera != nullptr; }

void MultimediaCamera::capture(const QString& dir) {
  if (!available()) {
    QTimer::singleShot(0, this, [this] { emit failed(tr("This device has no camera")); });
    return;
  }
  impl_->camera->start();
  const QString path = new_photo_path(dir, QStringLiteral(".jpg"));
  // The camera needs a moment to start; capture once it says it is ready.
  auto go = [this, path] { impl_->capture->captureToFile(path); };
  if (impl_->capture->isReadyForCapture()) go();
  else {
    auto conn = std::make_shared<QMetaObject::Connection>();
    *conn = connect(impl_->capture.get(), &QImageCapture::readyForCaptureChanged, this, [conn, go](bool ready) {
      if (!ready) return;
      QObject::disconnect(*conn);
      go();
    });
  }
}

void StillFileCamera::capture(const QString& dir) {
  QTimer::singleShot(0, this, [this, dir] {
    const QString path = new_photo_path(dir, QLatin1Char('.') + QFileInfo(image_).suffix());
    if (image_.isEmpty() || !QFile::copy(image_, path)) emit failed(tr("This device has no camera"));
    else emit captured(path);
  });
}

}  // namespace doorstep::platform
