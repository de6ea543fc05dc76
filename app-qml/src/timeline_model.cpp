#include "timeline_model.h"

#include "caseload_model.h"
#include "worker_session.h"

namespace doorstep::app {

TimelineModel::TimelineModel(WorkerSession& session, QObject* parent) : QAbstractListModel(parent), session_(session) {}

int TimelineModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant TimelineModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const TimelineEntry& e = rows_[static_cast<std::size_t>(index.row())];
  switch (role) {
    case Qt::DisplayRole:
    case SummaryRole: return QString::fromStdString(e.summary);
    case KindRole: return QString::fromStdString(e.kind);
    case EntryIdRole: return QString::fromStdString(e.id);
    case CaseIdRole: return QString::fromStdString(e.case_id);
    case AtRole: return display_time(e.at);
    case StatusRole: return QString::fromStdString(e.status);
    default: return {};
  }
}

QHash<int, QByteArray> TimelineModel::roleNames() const {
  return {{KindRole, "kind"}, {EntryIdRole, "entryId"}, {CaseIdRole, "caseId"},
          {AtRole, "at"},     {StatusRole, "status"},   {SummaryRole, "summary"}};
}

bool TimelineModel::canFetchMore(const QModelIndex& parent) const {
  return !parent.isValid() && !resetting_ && next_cursor_.has_value() && session_.store() != nullptr;
}

void TimelineModel::fetchMore(const QModelIndex& parent) {
  if (!canFetchMore(parent)) return;
  auto page = Timeline(*session_.store()).page(person_id_.toStdString(), *next_cursor_, kPageSize);
  if (!page) return setError(describe(page.error()));
  next_cursor_ = page->next_cursor;
  if (page->entries.empty()) return;
  const int first = rowCount();
  resetting_ = true;
  beginInsertRows({}, first, first + static_cast<int>(page->entries.size()) - 1);
  for (auto& e : page->entries) rows_.push_back(std::move(e));
  endInsertRows();
  resetting_ = false;
  emit countChanged();
}

void TimelineModel::open(const QString& personId) {
  person_id_ = personId;
  reload();
}

void TimelineModel::reload() {
  Store* store = session_.store();
  if (store == nullptr || person_id_.isEmpty()) return clear();
  auto page = Timeline(*store).page(person_id_.toStdString(), "", kPageSize);
  if (!page) {
    setError(describe(page.error()));
    return;
  }
  setError({});
  const Record& p = page->person;
  name_ = QString::fromStdString(p.text("name"));
  dob_ = QString::fromStdString(p.text("date_of_birth"));
  address_ = QString::fromStdString(p.text("address"));
  phone_ = QString::fromStdString(p.text("phone"));
  markers_.clear();
  for (const auto& m : page->markers) markers_ << QString::fromStdString(m);
  case_id_.clear();
  if (auto cases = store->list("case", "person_id", person_id_.toStdString())) {
    for (const Record& c : *cases)
      if (c.text("status") == "open" && !c.deleted) {
        case_id_ = QString::fromStdString(c.id);
        break;
      }
  }
  emit personChanged();
  resetting_ = true;
  beginResetModel();
  rows_ = std::move(page->entries);
  next_cursor_ = page->next_cursor;
  endResetModel();
  resetting_ = false;
  emit countChanged();
}

void TimelineModel::clear() {
  const bool had = !rows_.empty() || !person_id_.isEmpty();
  resetting_ = true;
  beginResetModel();
  rows_.clear();
  next_cursor_.reset();
  endResetModel();
  resetting_ = false;
  person_id_.clear();
  name_.clear();
  dob_.clear();
  address_.clear();
  phone_.clear();
  case_id_.clear();
  markers_.clear();
  if (had) {
    emit personChanged();
    emit countChanged();
  }
}

void TimelineModel::setError(const QString& e) {
  if (e == error_) return;
  error_ = e;
  emit errorChanged();
}

}  // namespace doorstep::app
