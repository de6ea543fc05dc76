#include "report_controller.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include "doorstep/core/field_reports.h"
#include "doorstep/platform/camera.h"
#include "doorstep/platform/location.h"
#include "worker_session.h"

namespace doorstep::app {

ReportController::ReportController(WorkerSession& session, platform::LocationSource& location,
                                   platform::PhotoCamera& camera, QObject* parent)
    : QObject(parent), session_(session), location_(location), camera_(camera) {
  connect(&location_, &platform::LocationSource::fixed, this, [this](platform::Fix f) {
    if (!locating_) return;
    locating_ = false;
    place_ = Place{f.lat, f.lon, f.accuracy_m >= 0 ? std::optional<double>(f.accuracy_m) : std::nullopt};
    location_text_ = tr("%1, %2").arg(f.lat, 0, 'f', 5).arg(f.lon, 0, 'f', 5);
    if (f.accuracy_m >= 0) location_text_ += tr(" (within %1 m)").arg(qRound(f.accuracy_m));
    emit changed();
  });
  connect(&location_, &platform::LocationSource::failed, this, [this](const QString& reason) {
    if (!locating_) return;
    locating_ = false;
    location_text_ = tr("%1. Give the address instead.").arg(reason);
    emit changed();
  });
  connect(&camera_, &platform::PhotoCamera::captured, this, [this](const QString& file) {
    photos_.push_back({file, true});
    emit changed();
  });
  connect(&camera_, &platform::PhotoCamera::failed, this, [this](const QString& reason) { setError(reason); });
}

ReportController::~ReportController() { reset(); }

QStringList ReportController::categories() const {
  return {tr("fly-tipping"), tr("graffiti"), tr("abandoned vehicle"), tr("damaged street furniture"),
          tr("dog fouling"), tr("noise"), tr("other")};
}

QStringList ReportController::photos() const {
  QStringList out;
  for (const auto& p : photos_) out << QUrl::fromLocalFile(p.path).toString();
  return out;
}

bool ReportController::cameraAvailable() const { return camera_.available(); }

void ReportController::set(QString& field, const QString& v) {
  if (field == v) return;
  field = v;
  emit changed();
}

void ReportController::setError(const QString& e) {
  error_ = e;
  emit changed();
}

QString ReportController::incomingDir() const {
  Store* s = session_.store();
  return s ? QString::fromStdString((s->paths().dir / "incoming").string()) : QString();
}

void ReportController::useLocation() {
  locating_ = true;
  location_text_ = tr("Finding your location…");
  emit changed();
  location_.requestFix();
}

void ReportController::takePhoto() {
  if (session_.store() == nullptr) return;
  camera_.capture(incomingDir());
}

bool ReportController::addPhotoFile(const QUrl& file) {
  const QString path = file.isLocalFile() ? file.toLocalFile() : file.toString();
  auto type = photo_media_type(path.toStdString());
  if (!type) {
    setError(describe(type.error()));
    return false;
  }
  photos_.push_back({path, false});
  error_.clear();
  emit changed();
  return true;
}

void ReportController::removePhoto(int index) {
  if (index < 0 || index >= static_cast<int>(photos_.size())) return;
  if (photos_[static_cast<std::size_t>(index)].from_camera) QFile::remove(photos_[static_cast<std::size_t>(index)].path);
  photos_.erase(photos_.begin() + index);
  emit changed();
}

bool ReportController::submit() {
  Store* store = session_.store();
  if (store == nullptr) return false;
  if (category_.isEmpty()) {
    setError(tr("Choose a category"));
    return false;
  }
  if (!place_ && address_.trimmed().isEmpty()) {
    setError(tr("Give the place: use your location or type an address"));
    return false;
  }
  FieldReportInput in;
  in.category = category_.toStdString();
  in.description = description_.trimmed().toStdString();
  in.place = place_;
  in.address = address_.trimmed().toStdString();
  in.priority = priority_.toStdString();
  in.case_id = case_id_.toStdString();
  for (const auto& p : photos_) in.photos.emplace_back(p.path.toStdString());
  auto r = FieldReports(*store).create(in);
  if (!r) {
    setError(describe(r.error()));
    return false;
  }
  last_report_id_ = QString::fromStdString(r->report.id);
  reset();
  emit submitted(last_report_id_);
  emit localChange();
  return true;
}

void ReportController::removeLeftovers() {
  const QString dir = incomingDir();
  if (dir.isEmpty()) return;
  QDir d(dir);
  for (const QString& f : d.entryList(QDir::Files)) QFile::remove(d.filePath(f));
}

void ReportController::reset() {
  for (const auto& p : photos_)
    if (p.from_camera) QFile::remove(p.path);
  photos_.clear();
  category_.clear();
  description_.clear();
  address_.clear();
  priority_ = QStringLiteral("normal");
  case_id_.clear();
  place_.reset();
  locating_ = false;
  location_text_.clear();
  error_.clear();
  emit changed();
}

}  // namespace doorstep::app
