#include "caseload_model.h"

#include <QDateTime>

#include "worker_session.h"

namespace doorstep::app {

QString display_time(const QString& iso) {
  if (iso.isEmpty()) return {};
  QDateTime t = QDateTime::fromString(iso, Qt::ISODateWithMs);
  if (!t.isValid()) t = QDateTime::fromString(iso, Qt::ISODate);
  if (!t.isValid()) return iso;
  return QLocale().toString(t.toLocalTime(), QStringLiteral("ddd d MMM, HH:mm"));
}
QString display_time(const std::string& iso) { return display_time(QString::fromStdString(iso)); }

CaseloadModel::CaseloadModel(WorkerSession& session, QObject* parent) : QAbstractListModel(parent), session_(session) {}

int CaseloadModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant CaseloadModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const CaseloadEntry& e = rows_[static_cast<std::size_t>(index.row())];
  switch (role) {
    case Qt::DisplayRole:
    case PersonNameRole: return QString::fromStdString(e.person_name);
    case CaseIdRole: return QString::fromStdString(e.case_id);
    case PersonIdRole: return QString::fromStdString(e.person_id);
    case KindRole: return QString::fromStdString(e.kind);
    case TitleRole: return QString::fromStdString(e.title);
    case MarkersRole: {
      QStringList m;
      for (const auto& s : e.markers) m << QString::fromStdString(s);
      return m;
    }
    case NextVisitRole: return e.next_visit ? display_time(*e.next_visit) : QString();
    case LastVisitRole: return e.last_visit ? display_time(*e.last_visit) : QString();
    case OverdueRole: return e.visit_overdue;
    default: return {};
  }
}

QHash<int, QByteArray> CaseloadModel::roleNames() const {
  return {{CaseIdRole, "caseId"},     {PersonIdRole, "personId"},   {PersonNameRole, "personName"},
          {KindRole, "kind"},         {TitleRole, "title"},         {MarkersRole, "markers"},
          {NextVisitRole, "nextVisit"}, {LastVisitRole, "lastVisit"}, {OverdueRole, "overdue"}};
}

void CaseloadModel::setSearch(const QString& s) {
  if (s == search_) return;
  search_ = s;
  emit searchChanged();
  reload();
}

void CaseloadModel::reload() {
  std::vector<CaseloadEntry> next;
  QString err;
  if (Store* store = session_.store()) {
    auto list = Caseload(*store).list(search_.toStdString());
    if (list) next = std::move(*list);
    else err = describe(list.error());
  }
  const int before = rowCount();
  beginResetModel();
  rows_ = std::move(next);
  endResetModel();
  if (before != rowCount()) emit countChanged();
  if (err != error_) {
    error_ = err;
    emit errorChanged();
  }
}

void CaseloadModel::clear() {
  search_.clear();
  emit searchChanged();
  if (rows_.empty()) return;
  beginResetModel();
  rows_.clear();
  endResetModel();
  emit countChanged();
}

}  // namespace doorstep::app
