// VisitController: one visit on the visit page. Check in (where the worker is, if
// the location source gives a fix, and when they expect to leave: the lone-worker
// timer), check out with an outcome, or record no access. Offers only what the
// visit's status allows (core's visit_transition_allowed). UI thread only.
#pragma once

#include <QObject>
#include <QTimer>
#include <QtQml/qqmlregistration.h>
#include <optional>

#include "doorstep/core/visits.h"

namespace doorstep::platform {
class LocationSource;
struct Fix;
}

namespace doorstep::app {

class WorkerSession;

class VisitController : public QObject {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("created by the app's wiring")
  Q_PROPERTY(QString visitId READ visitId NOTIFY changed)
  Q_PROPERTY(QString caseId READ caseId NOTIFY changed)
  Q_PROPERTY(QString personId READ personId NOTIFY changed)
  Q_PROPERTY(QString personName READ personName NOTIFY changed)
  Q_PROPERTY(QString purpose READ purpose NOTIFY changed)
  Q_PROPERTY(QString status READ status NOTIFY changed)
  Q_PROPERTY(QString plannedStart READ plannedStart NOTIFY changed)
  Q_PROPERTY(QString checkedInAt READ checkedInAt NOTIFY changed)
  Q_PROPERTY(QString expectedEnd READ expectedEnd NOTIFY changed)
  Q_PROPERTY(int minutesLeft READ minutesLeft NOTIFY tick)
  Q_PROPERTY(QString outcome READ outcome NOTIFY changed)
  Q_PROPERTY(QString locationText READ locationText NOTIFY locationChanged)
  Q_PROPERTY(bool locating READ locating NOTIFY locationChanged)
  Q_PROPERTY(bool canCheckIn READ canCheckIn NOTIFY changed)
  Q_PROPERTY(bool canCheckOut READ canCheckOut NOTIFY changed)
  Q_PROPERTY(bool canRecordNoAccess READ canRecordNoAccess NOTIFY changed)
  Q_PROPERTY(QString error READ error NOTIFY changed)

 public:
  VisitController(WorkerSession& session, platform::LocationSource& location, QObject* parent = nullptr);

  QString visitId() const { return id_; }
  QString caseId() const { return text("case_id"); }
  QString personId() const { return person_id_; }
  QString personName() const { return person_name_; }
  QString purpose() const { return text("purpose"); }
  QString status() const { return text("status"); }
  QString plannedStart() const;
  QString checkedInAt() const;
  QString expectedEnd() const;
  int minutesLeft() const;
  QString outcome() const { return text("outcome"); }
  QString locationText() const { return location_text_; }
  bool locating() const { return locating_; }
  bool canCheckIn() const;
  bool canCheckOut() const;
  bool canRecordNoAccess() const;
  QString error() const { return error_; }

  // Shows a visit; asks for a location fix if it may be checked in.
  Q_INVOKABLE void open(const QString& visitId);
  Q_INVOKABLE void refreshLocation();
  // Checks in now, expecting to leave in expectedMinutes (the lone-worker timer).
  Q_INVOKABLE bool checkIn(int expectedMinutes);
  Q_INVOKABLE bool checkOut(const QString& outcome);
  Q_INVOKABLE bool recordNoAccess(const QString& reason);
  void clear();

 signals:
  void changed();
  void tick();
  void locationChanged();
  void visitChanged(const QString& visitId);  // a check-in/out or no access was written
  void localChange();

 private:
  QString text(const char* field) const;
  bool finish(Result<Record> r);
  WorkerSession& session_;
  platform::LocationSource& location_;
  QString id_, person_id_, person_name_, location_text_, error_;
  std::optional<Record> visit_;
  std::optional<Place> place_;
  bool locating_ = false;
  QTimer tick_;
};

}  // namespace doorstep::app
