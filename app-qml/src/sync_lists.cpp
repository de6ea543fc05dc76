#include "sync_lists.h"

#include <nlohmann/json.hpp>

#include "caseload_model.h"
#include "doorstep/core/conflicts.h"
#include "worker_session.h"

namespace doorstep::app {

QString record_type_name(const std::string& type) {
  if (type == "case_note") return QObject::tr("case note");
  if (type == "field_report") return QObject::tr("field report");
  if (type == "task_completion") return QObject::tr("task done");
  if (type == "attachment") return QObject::tr("photo");
  return QString::fromStdString(type);
}

namespace {
QString value_text(const std::string& json_text) {
  auto j = nlohmann::json::parse(json_text, nullptr, false);
  if (j.is_discarded()) return QString::fromStdString(json_text);
  if (j.is_string()) return QString::fromStdString(j.get<std::string>());
  if (j.is_null()) return QObject::tr("(empty)");
  return QString::fromStdString(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}
QString person_for_case(Store& store, const std::string& case_id) {
  if (case_id.empty()) return {};
  auto c = store.get("case", case_id);
  if (!c || !*c) return {};
  auto p = store.get("person", (*c)->text("person_id"));
  return p && *p ? QString::fromStdString((*p)->text("name")) : QString();
}
}  // namespace

TextRowsModel::TextRowsModel(WorkerSession& session, QList<QByteArray> roles, QObject* parent)
    : QAbstractListModel(parent), session_(session), roles_(std::move(roles)) {}

int TextRowsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant TextRowsModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const QStringList& row = rows_[static_cast<std::size_t>(index.row())];
  const int column = role == Qt::DisplayRole ? 0 : role - Qt::UserRole - 1;
  if (column < 0 || column >= row.size()) return {};
  return row[column];
}

QHash<int, QByteArray> TextRowsModel::roleNames() const {
  QHash<int, QByteArray> names;
  for (int i = 0; i < roles_.size(); ++i) names.insert(Qt::UserRole + 1 + i, roles_[i]);
  return names;
}

void TextRowsModel::reload() {
  std::vector<QStringList> next;
  QString err;
  if (session_.store() != nullptr) err = read(next);
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

void TextRowsModel::clear() {
  if (rows_.empty()) return;
  beginResetModel();
  rows_.clear();
  endResetModel();
  emit countChanged();
}

ConflictModel::ConflictModel(WorkerSession& session, QObject* parent)
    : TextRowsModel(session, {"conflictId", "about", "what", "keptValue", "keptAuthor", "otherValue", "otherAuthor"},
                    parent) {}

QString ConflictModel::read(std::vector<QStringList>& rows) {
  Store& store = *session_.store();
  auto list = Conflicts(store).open();
  if (!list) return describe(list.error());
  for (const Record& c : *list) {
    rows.push_back({QString::fromStdString(c.id), person_for_case(store, c.text("case_id")),
                    tr("%1: %2").arg(record_type_name(c.text("record_type")), QString::fromStdString(c.text("field"))),
                    value_text(c.text("kept_value")), QString::fromStdString(c.text("kept_author")),
                    value_text(c.text("other_value")), QString::fromStdString(c.text("other_author"))});
  }
  return {};
}

bool ConflictModel::resolve(const QString& conflictId, const QString& choice) {
  Store* store = session_.store();
  if (store == nullptr) return false;
  auto r = Conflicts(*store).resolve(conflictId.toStdString(), choice.toStdString());
  if (!r) return false;
  reload();
  emit localChange();
  return true;
}

QuarantineModel::QuarantineModel(WorkerSession& session, QObject* parent)
    : TextRowsModel(session, {"what", "reason", "when"}, parent) {}

QString QuarantineModel::read(std::vector<QStringList>& rows) {
  auto list = session_.store()->list("quarantine", "", "", 100000);
  if (!list) return describe(list.error());
  for (const Record& q : *list)
    rows.push_back({record_type_name(q.text("record_type")), QString::fromStdString(q.text("reason")),
                    display_time(q.text("quarantined_at"))});
  return {};
}

OutboxModel::OutboxModel(WorkerSession& session, QObject* parent) : TextRowsModel(session, {"what", "recordId"}, parent) {}

QString OutboxModel::read(std::vector<QStringList>& rows) {
  auto ops = session_.store()->outbox(1000);
  if (!ops) return describe(ops.error());
  for (const auto& op : *ops) {
    const QString type = record_type_name(op.record_type);
    QString what = op.action == "create" ? tr("New %1").arg(type)
                   : op.action == "delete" ? tr("%1 removed").arg(type)
                                           : tr("%1 changed").arg(type);
    what[0] = what[0].toUpper();
    rows.push_back({what, QString::fromStdString(op.record_id)});
  }
  return {};
}

}  // namespace doorstep::app
