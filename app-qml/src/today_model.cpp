#include "today_model.h"

#include <QDateTime>
#include <algorithm>
#include <map>

#include "caseload_model.h"
#include "doorstep/core/caseload.h"
#include "doorstep/core/visits.h"
#include "worker_session.h"

namespace doorstep::app {

TodayModel::TodayModel(WorkerSession& session, QObject* parent) : QAbstractListModel(parent), session_(session) {
  tick_.setInterval(30'000);
  connect(&tick_, &QTimer::timeout, this, [this] {
    for (int i = 0; i < rowCount(); ++i)
      if (rows_[static_cast<std::size_t>(i)].section == QLatin1String("under_way"))
        emit dataChanged(index(i), index(i), {MinutesLeftRole});
  });
}

int TodayModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int TodayModel::underWay() const {
  int n = 0;
  for (const auto& r : rows_) n += r.section == QLatin1String("under_way");
  return n;
}

QVariant TodayModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const Row& r = rows_[static_cast<std::size_t>(index.row())];
  switch (role) {
    case Qt::DisplayRole:
    case PersonNameRole: return r.person_name;
    case SectionRole: return r.section;
    case VisitIdRole: return r.visit_id;
    case CaseIdRole: return r.case_id;
    case PersonIdRole: return r.person_id;
    case PurposeRole: return r.purpose;
    case TimeRole: return r.time;
    case StatusRole: return r.status;
    case MinutesLeftRole: {
      if (r.expected_end_ms == 0 || session_.store() == nullptr) return 0;
      const qint64 now = session_.store()->clock().now_ms();
      const qint64 diff = r.expected_end_ms - now;
      return static_cast<int>(diff >= 0 ? diff / 60'000 : -((-diff + 59'999) / 60'000));
    }
    default: return {};
  }
}

QHash<int, QByteArray> TodayModel::roleNames() const {
  return {{SectionRole, "section"},   {VisitIdRole, "visitId"},       {CaseIdRole, "caseId"},
          {PersonIdRole, "personId"}, {PersonNameRole, "personName"}, {PurposeRole, "purpose"},
          {TimeRole, "time"},         {MinutesLeftRole, "minutesLeft"}, {StatusRole, "status"}};
}

void TodayModel::reload() {
  Store* store = session_.store();
  if (store == nullptr) return clear();
  std::vector<Row> next, done;
  QString err;
  auto fail = [&](const Error& e) { err = describe(e); };

  std::map<std::string, CaseloadEntry> cases;
  if (auto list = Caseload(*store).list("", 100000)) {
    for (auto& e : *list) cases.emplace(e.case_id, std::move(e));
  } else {
    fail(list.error());
  }
  auto row_for = [&](const Record& v, const char* section) {
    Row r;
    r.section = QString::fromLatin1(section);
    r.visit_id = QString::fromStdString(v.id);
    r.case_id = QString::fromStdString(v.text("case_id"));
    if (auto it = cases.find(v.text("case_id")); it != cases.end()) {
      r.person_id = QString::fromStdString(it->second.person_id);
      r.person_name = QString::fromStdString(it->second.person_name);
    }
    r.purpose = QString::fromStdString(v.text("purpose"));
    r.status = QString::fromStdString(v.text("status"));
    return r;
  };

  if (auto under = store->list("visit", "status", "under_way", 1000)) {
    for (const Record& v : *under) {
      if (v.deleted || cases.find(v.text("case_id")) == cases.end()) continue;
      Row r = row_for(v, "under_way");
      r.time = display_time(v.text("checked_in_at"));
      if (auto end = parse_timestamp(v.text("expected_end"))) r.expected_end_ms = *end;
      next.push_back(std::move(r));
    }
  } else {
    fail(under.error());
  }

  const qint64 now = store->clock().now_ms();
  const QDateTime local = QDateTime::fromMSecsSinceEpoch(now).toLocalTime();
  const QDateTime start(local.date(), QTime(0, 0));
  const QDateTime end = start.addDays(1);
  if (auto due = Visits(*store).between(format_timestamp(start.toMSecsSinceEpoch()),
                                        format_timestamp(end.toMSecsSinceEpoch()))) {
    for (const Record& v : *due) {
      if (v.deleted || v.text("status") == "under_way") continue;
      const bool planned = v.text("status") == "planned";
      Row r = row_for(v, planned ? "due" : "done");
      r.time = display_time(v.text(planned ? "planned_start" : "checked_out_at"));
      if (r.time.isEmpty()) r.time = display_time(v.text("planned_start"));
      (planned ? next : done).push_back(std::move(r));
    }
  } else {
    fail(due.error());
  }

  for (const auto& [id, e] : cases) {
    if (!e.visit_overdue) continue;
    Row r;
    r.section = QStringLiteral("overdue");
    r.case_id = QString::fromStdString(e.case_id);
    r.person_id = QString::fromStdString(e.person_id);
    r.person_name = QString::fromStdString(e.person_name);
    r.purpose = tr("Statutory visit overdue");
    r.time = e.last_visit ? display_time(*e.last_visit) : tr("never visited");
    next.push_back(std::move(r));
  }
  auto first_overdue = std::find_if(next.begin(), next.end(), [](const Row& r) { return r.section == QLatin1String("overdue"); });
  std::stable_sort(first_overdue, next.end(), [](const Row& a, const Row& b) { return a.person_name < b.person_name; });
  for (auto& r : done) next.push_back(std::move(r));

  beginResetModel();
  rows_ = std::move(next);
  endResetModel();
  emit countChanged();
  if (underWay() > 0) tick_.start();
  else tick_.stop();
  if (err != error_) {
    error_ = err;
    emit errorChanged();
  }
}

void TodayModel::clear() {
  tick_.stop();
  if (rows_.empty()) return;
  beginResetModel();
  rows_.clear();
  endResetModel();
  emit countChanged();
}

}  // namespace doorstep::app
