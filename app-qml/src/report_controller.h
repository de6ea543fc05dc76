// ReportController: a warden's report of an issue in the street (category, place,
// description, priority, photos). Photos come from the camera (platform PhotoCamera)
// into <store>/incoming/, or from a chosen file on a desktop; submitting encrypts
// them into the blob store with the report in one step (core's FieldReports) and
// deletes the camera's plaintext files. UI thread only.
#pragma once

#include <QObject>
#include <QStringList>
#include <QUrl>
#include <QtQml/qqmlregistration.h>
#include <optional>

#include "doorstep/core/visits.h"

namespace doorstep::platform {
class LocationSource;
class PhotoCamera;
}

namespace doorstep::app {

class WorkerSession;

class ReportController : public QObject {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("created by the app's wiring")
  Q_PROPERTY(QStringList categories READ categories CONSTANT)
  Q_PROPERTY(QStringList priorities READ priorities CONSTANT)
  Q_PROPERTY(QString category READ category WRITE setCategory NOTIFY changed)
  Q_PROPERTY(QString description READ description WRITE setDescription NOTIFY changed)
  Q_PROPERTY(QString address READ address WRITE setAddress NOTIFY changed)
  Q_PROPERTY(QString priority READ priority WRITE setPriority NOTIFY changed)
  Q_PROPERTY(QString caseId READ caseId WRITE setCaseId NOTIFY changed)
  Q_PROPERTY(QStringList photos READ photos NOTIFY changed)  // file URLs, for thumbnails
  Q_PROPERTY(bool cameraAvailable READ cameraAvailable CONSTANT)
  Q_PROPERTY(bool hasLocation READ hasLocation NOTIFY changed)
  Q_PROPERTY(bool locating READ locating NOTIFY changed)
  Q_PROPERTY(QString locationText READ locationText NOTIFY changed)
  Q_PROPERTY(QString error READ error NOTIFY changed)
  Q_PROPERTY(QString lastReportId READ lastReportId NOTIFY changed)

 public:
  ReportController(WorkerSession& session, platform::LocationSource& location, platform::PhotoCamera& camera,
                   QObject* parent = nullptr);
  ~ReportController() override;

  QStringList categories() const;
  QStringList priorities() const { return {"low", "normal", "high", "urgent"}; }
  QString category() const { return category_; }
  void setCategory(const QString& v) { set(category_, v); }
  QString description() const { return description_; }
  void setDescription(const QString& v) { set(description_, v); }
  QString address() const { return address_; }
  void setAddress(const QString& v) { set(address_, v); }
  QString priority() const { return priority_; }
  void setPriority(const QString& v) { set(priority_, v); }
  QString caseId() const { return case_id_; }
  void setCaseId(const QString& v) { set(case_id_, v); }
  QStringList photos() const;
  bool cameraAvailable() const;
  bool hasLocation() const { return place_.has_value(); }
  bool locating() const { return locating_; }
  QString locationText() const { return location_text_; }
  QString error() const { return error_; }
  QString lastReportId() const { return last_report_id_; }

  Q_INVOKABLE void useLocation();
  Q_INVOKABLE void takePhoto();
  // A photo chosen from the file system (desktop); not deleted after submitting.
  Q_INVOKABLE bool addPhotoFile(const QUrl& file);
  Q_INVOKABLE void removePhoto(int index);
  // Writes the report and its photos. False with error (and nothing written) on failure.
  Q_INVOKABLE bool submit();
  // Empties the form, deleting camera photos not yet submitted.
  Q_INVOKABLE void reset();
  // Deletes plain photo files a crash left in <store>/incoming/ (called at unlock):
  // case data is never left unencrypted on the device.
  void removeLeftovers();

 signals:
  void changed();
  void submitted(const QString& reportId);
  void localChange();

 private:
  struct Photo {
    QString path;
    bool from_camera = false;
  };
  void set(QString& field, const QString& v);
  void setError(const QString& e);
  QString incomingDir() const;
  WorkerSession& session_;
  platform::LocationSource& location_;
  platform::PhotoCamera& camera_;
  QString category_, description_, address_, priority_ = QStringLiteral("normal"), case_id_, location_text_,
      error_, last_report_id_;
  std::vector<Photo> photos_;
  std::optional<Place> place_;
  bool locating_ = false;
};

}  // namespace doorstep::app
