#include "visit_controller.h"

#include "caseload_model.h"
#include "doorstep/platform/location.h"
#include "worker_session.h"

namespace doorstep::app {

VisitController::VisitController(WorkerSession& session, platform::LocationSource& location, QObject* parent)
    : QObject(parent), session_(session), location_(location) {
  tick_.setInterval(30'000);
  connect(&tick_, &QTimer::timeout, this, &VisitController::tick);
  connect(&location_, &platform::LocationSource::fixed, this, [this](platform::Fix f) {
    if (!locating_) return;
    locating_ = false;
    place_ = Place{f.lat, f.lon, f.accuracy_m >= 0 ? std::optional<double>(f.accuracy_m) : std::nullopt};
    location_text_ = f.accuracy_m >= 0 ? tr("Location found (within %1 m)").arg(qRound(f.accuracy_m))
                                       : tr("Location found");
    emit locationChanged();
  });
  connect(&location_, &platform::LocationSource::failed, this, [this](const QString& reason) {
    if (!locating_) return;
    locating_ = false;
    place_.reset();
    location_text_ = tr("%1. You can check in without it.").arg(reason);
    emit locationChanged();
  });
}

QString VisitController::text(const char* field) const {
  return visit_ ? QString::fromStdString(visit_->text(field)) : QString();
}
QString VisitController::plannedStart() const { return display_time(text("planned_start")); }
QString VisitController::checkedInAt() const { return display_time(text("checked_in_at")); }
QString VisitController::expectedEnd() const { return display_time(text("expected_end")); }

int VisitController::minutesLeft() const {
  if (!visit_ || session_.store() == nullptr) return 0;
  auto end = parse_timestamp(visit_->text("expected_end"));
  if (!end) return 0;
  const qint64 diff = *end - session_.store()->clock().now_ms();
  return static_cast<int>(diff >= 0 ? diff / 60'000 : -((-diff + 59'999) / 60'000));
}

bool VisitController::canCheckIn() const { return visit_ && visit_transition_allowed(visit_->text("status"), "check_in"); }
bool VisitController::canCheckOut() const { return visit_ && visit_transition_allowed(visit_->text("status"), "check_out"); }
bool VisitController::canRecordNoAccess() const {
  return visit_ && visit_transition_allowed(visit_->text("status"), "no_access");
}

void VisitController::open(const QString& visitId) {
  clear();
  Store* store = session_.store();
  if (store == nullptr) return;
  auto v = store->get("visit", visitId.toStdString());
  if (!v || !*v) {
    error_ = v ? tr("This visit is no longer on the device") : describe(v.error());
    emit changed();
    return;
  }
  id_ = visitId;
  visit_ = **v;
  if (auto c = store->get("case", visit_->text("case_id")); c && *c) {
    person_id_ = QString::fromStdString((*c)->text("person_id"));
    if (auto p = store->get("person", (*c)->text("person_id")); p && *p)
      person_name_ = QString::fromStdString((*p)->text("name"));
  }
  if (status() == QLatin1String("under_way")) tick_.start();
  emit changed();
  emit tick();
  if (canCheckIn()) refreshLocation();
}

void VisitController::refreshLocation() {
  if (!location_.available()) {
    location_text_ = tr("This device has no location source. You can check in without it.");
    emit locationChanged();
    return;
  }
  locating_ = true;
  location_text_ = tr("Finding your location…");
  emit locationChanged();
  location_.requestFix();
}

bool VisitController::finish(Result<Record> r) {
  if (!r) {
    error_ = describe(r.error());
    emit changed();
    return false;
  }
  visit_ = *r;
  error_.clear();
  if (status() == QLatin1String("under_way")) tick_.start();
  else tick_.stop();
  emit changed();
  emit tick();
  emit visitChanged(id_);
  emit localChange();
  return true;
}

bool VisitController::checkIn(int expectedMinutes) {
  Store* store = session_.store();
  if (store == nullptr || !visit_) return false;
  if (expectedMinutes <= 0) {
    error_ = tr("Say when you expect to leave");
    emit changed();
    return false;
  }
  VisitCheckIn in;
  in.place = place_;
  in.expected_end = format_timestamp(store->clock().now_ms() + qint64(expectedMinutes) * 60'000);
  return finish(Visits(*store).check_in(id_.toStdString(), in));
}

bool VisitController::checkOut(const QString& outcome) {
  Store* store = session_.store();
  if (store == nullptr || !visit_) return false;
  if (outcome.trimmed().isEmpty()) {
    error_ = tr("Write what happened on the visit");
    emit changed();
    return false;
  }
  return finish(Visits(*store).check_out(id_.toStdString(), outcome.trimmed().toStdString()));
}

bool VisitController::recordNoAccess(const QString& reason) {
  Store* store = session_.store();
  if (store == nullptr || !visit_) return false;
  if (reason.trimmed().isEmpty()) {
    error_ = tr("Say why there was no access");
    emit changed();
    return false;
  }
  return finish(Visits(*store).no_access(id_.toStdString(), reason.trimmed().toStdString()));
}

void VisitController::clear() {
  tick_.stop();
  id_.clear();
  person_id_.clear();
  person_name_.clear();
  visit_.reset();
  place_.reset();
  locating_ = false;
  location_text_.clear();
  error_.clear();
  emit changed();
  emit locationChanged();
}

}  // namespace doorstep::app
