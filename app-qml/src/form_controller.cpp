#include "form_controller.h"

#include <QDir>
#include <QFile>

#include "doorstep/core/forms/definition_loader.h"
#include "doorstep/platform/location.h"
#include "worker_session.h"

namespace doorstep::app {

namespace {
QString value_text(const forms::Value& v) {
  if (std::holds_alternative<std::string>(v)) return QString::fromStdString(std::get<std::string>(v));
  if (std::holds_alternative<double>(v)) return QString::number(std::get<double>(v), 'g', 15);
  if (std::holds_alternative<bool>(v)) return std::get<bool>(v) ? QStringLiteral("OK") : QString();
  return {};
}
forms::Value from_record(const doorstep::Value& v) {
  if (std::holds_alternative<std::string>(v)) return std::get<std::string>(v);
  if (std::holds_alternative<std::int64_t>(v)) return static_cast<double>(std::get<std::int64_t>(v));
  if (std::holds_alternative<double>(v)) return std::get<double>(v);
  return {};
}
}  // namespace

// --- FormQuestionsModel ---

int FormQuestionsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QHash<int, QByteArray> FormQuestionsModel::roleNames() const {
  return {{PathRole, "path"},         {KindRole, "kind"},         {TypeRole, "type"},
          {LabelRole, "label"},       {HintRole, "hint"},         {AppearanceRole, "appearance"},
          {RelevantRole, "relevant"}, {RequiredRole, "required"}, {ReadOnlyRole, "readOnly"},
          {ProblemRole, "problem"},   {ValueRole, "value"},       {ChoicesRole, "choices"},
          {RepeatRole, "repeat"},     {InstanceRole, "instance"}};
}

QVariant FormQuestionsModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !session_) return {};
  const Row& r = rows_[static_cast<std::size_t>(index.row())];
  const forms::Question& q = session_->definition().questions[static_cast<std::size_t>(r.question)];
  auto state = [&]() -> std::optional<forms::QuestionState> {
    const QString path = r.kind == QLatin1String("question") ? r.path
                         : r.kind == QLatin1String("group")  ? QString::fromStdString(q.name)
                                                             : r.repeat;
    auto s = session_->state(path.toStdString());
    return s ? std::optional<forms::QuestionState>(*s) : std::nullopt;
  };
  switch (role) {
    case PathRole: return r.path;
    case KindRole: return r.kind;
    case TypeRole: return QString::fromLatin1(forms::to_string(q.type));
    case Qt::DisplayRole:
    case LabelRole:
      if (r.kind == QLatin1String("instance")) return tr("%1 %2").arg(QString::fromStdString(q.label)).arg(r.instance);
      return QString::fromStdString(q.label);
    case HintRole: return QString::fromStdString(q.hint);
    case AppearanceRole: return QString::fromStdString(q.appearance);
    case RepeatRole: return r.repeat;
    case InstanceRole: return r.instance;
    case RelevantRole: {
      auto s = state();
      return s ? s->relevant : false;
    }
    case RequiredRole: {
      auto s = state();
      return s && r.kind == QLatin1String("question") ? s->required : false;
    }
    case ReadOnlyRole: {
      auto s = state();
      return s ? s->read_only : true;
    }
    case ProblemRole: {
      if (auto it = input_errors_.find(r.path); it != input_errors_.end()) return it->second;
      auto s = state();
      if (!s || r.kind != QLatin1String("question")) return QString();
      if (!show_missing_ && std::holds_alternative<std::monostate>(s->value)) return QString();
      return QString::fromStdString(s->problem);
    }
    case ValueRole: {
      auto s = state();
      return s && r.kind == QLatin1String("question") ? value_text(s->value) : QString();
    }
    case ChoicesRole: {
      QVariantList out;
      if (q.type != forms::QuestionType::select_one && q.type != forms::QuestionType::select_multiple) return out;
      auto choices = session_->choices(r.path.toStdString());
      if (!choices) return out;
      for (const forms::Choice* c : *choices)
        out.push_back(QVariantMap{{"name", QString::fromStdString(c->name)}, {"label", QString::fromStdString(c->label)}});
      return out;
    }
    default: return {};
  }
}

void FormQuestionsModel::rebuild(forms::FormSession* session) {
  beginResetModel();
  session_ = session;
  rows_.clear();
  input_errors_.clear();
  if (session == nullptr) show_missing_ = false;
  if (session_ != nullptr) {
    const auto& qs = session_->definition().questions;
    for (int i = 0; i < static_cast<int>(qs.size()); ++i) {
      const forms::Question& q = qs[static_cast<std::size_t>(i)];
      if (q.repeat != -1 && q.type != forms::QuestionType::repeat) continue;  // emitted with their instance
      const QString name = QString::fromStdString(q.name);
      if (q.type == forms::QuestionType::group) {
        rows_.push_back({name, QStringLiteral("group"), {}, i, 0});
      } else if (q.type == forms::QuestionType::repeat) {
        rows_.push_back({name, QStringLiteral("repeat"), name, i, 0});
        const int n = session_->repeat_count(q.name);
        for (int k = 1; k <= n; ++k) {
          rows_.push_back({name, QStringLiteral("instance"), name, i, k});
          for (int c = i + 1; c < static_cast<int>(qs.size()) && qs[static_cast<std::size_t>(c)].repeat == i; ++c) {
            const forms::Question& child = qs[static_cast<std::size_t>(c)];
            if (child.is_container()) continue;
            rows_.push_back({QStringLiteral("%1[%2]/%3").arg(name).arg(k).arg(QString::fromStdString(child.name)),
                             QStringLiteral("question"), name, c, k});
          }
        }
        rows_.push_back({name, QStringLiteral("add"), name, i, 0});
      } else if (q.type != forms::QuestionType::calculate) {
        rows_.push_back({name, QStringLiteral("question"), {}, i, 0});
      }
    }
  }
  endResetModel();
  emit countChanged();
}

void FormQuestionsModel::refresh() {
  if (!rows_.empty()) emit dataChanged(index(0), index(rowCount() - 1));
}

// --- FormController ---

FormController::FormController(WorkerSession& session, platform::LocationSource& location, QObject* parent)
    : QObject(parent), session_ref_(session), location_(location) {
  const QDir dir(QStringLiteral(":/forms"));
  for (const QString& name : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
    QFile f(dir.filePath(name));
    if (!f.open(QIODevice::ReadOnly)) continue;
    const QByteArray text = f.readAll();
    auto load = forms::load_definition_json(std::string_view(text.constData(), static_cast<std::size_t>(text.size())));
    if (load.ok()) definitions_.push_back(load.definition);
  }
  connect(&location_, &platform::LocationSource::fixed, this, [this](platform::Fix f) {
    if (locating_path_.isEmpty()) return;
    const QString path = std::exchange(locating_path_, QString());
    answer(path, QStringLiteral("%1 %2 0 %3").arg(f.lat, 0, 'f', 6).arg(f.lon, 0, 'f', 6).arg(std::max(0.0, f.accuracy_m)));
  });
  connect(&location_, &platform::LocationSource::failed, this, [this](const QString& reason) {
    if (locating_path_.isEmpty()) return;
    model_.input_errors_[std::exchange(locating_path_, QString())] = reason;
    model_.refresh();
  });
}

FormController::~FormController() = default;

QVariantList FormController::forms() const {
  QVariantList out;
  for (const auto& d : definitions_)
    out.push_back(QVariantMap{{"formId", QString::fromStdString(d->form_id)},
                              {"title", QString::fromStdString(d->title)},
                              {"version", static_cast<qint64>(d->version)}});
  return out;
}

QString FormController::title() const {
  return session_ ? QString::fromStdString(session_->definition().title) : QString();
}

bool FormController::open(const QString& formId, const QString& caseId) {
  close();
  Store* store = session_ref_.store();
  if (store == nullptr) return false;
  std::shared_ptr<const forms::FormDefinition> def;
  for (const auto& d : definitions_)
    if (QString::fromStdString(d->form_id) == formId) def = d;
  if (!def) {
    error_ = tr("This form is not on the device");
    emit progressChanged();
    return false;
  }
  auto now = [store] { return store->clock().now_ms(); };
  const int offset = QDateTime::currentDateTime().offsetFromUtc() / 60;
  model_.show_missing_ = false;
  if (auto it = drafts_.find({def->form_id, caseId}); it != drafts_.end()) {
    auto resumed = forms::FormSession::from_draft(def, it->second, now, offset);
    if (resumed) session_.emplace(std::move(*resumed));
  }
  if (!session_) {
    forms::FormSession::Prefill prefill;
    if (auto c = store->get("case", caseId.toStdString()); c && *c) {
      for (const auto& [k, v] : (*c)->fields) prefill["case." + k] = from_record(v);
      if (auto p = store->get("person", (*c)->text("person_id")); p && *p)
        for (const auto& [k, v] : (*p)->fields) prefill["person." + k] = from_record(v);
    }
    session_.emplace(forms::FormSession::start(def, prefill, now, offset));
  }
  case_id_ = caseId;
  error_.clear();
  problems_.clear();
  first_problem_path_.clear();
  status_.clear();
  model_.rebuild(&*session_);
  updateProgress();
  emit openChanged();
  return true;
}

void FormController::answer(const QString& path, const QString& value) {
  if (!session_) return;
  const forms::Question* q = nullptr;
  const QString name = path.section(QLatin1Char('/'), -1);
  q = session_->definition().find(name.toStdString());
  forms::Value v = value.toStdString();
  if (value.trimmed().isEmpty()) v = forms::Value{};
  else if (q && (q->type == forms::QuestionType::integer || q->type == forms::QuestionType::decimal)) {
    bool ok = false;
    const double d = QLocale::c().toDouble(value.trimmed(), &ok);
    if (ok) v = d;
  }
  auto st = session_->answer(path.toStdString(), v);
  if (!st.ok()) model_.input_errors_[path] = describe(st.error());
  else model_.input_errors_.erase(path);
  model_.refresh();
  updateProgress();
}

void FormController::answerWithLocation(const QString& path) {
  locating_path_ = path;
  location_.requestFix();
}

void FormController::addRepeat(const QString& repeat) {
  if (!session_) return;
  auto r = session_->add_repeat(repeat.toStdString());
  if (!r) error_ = describe(r.error());
  model_.rebuild(&*session_);
  updateProgress();
}

void FormController::removeRepeat(const QString& repeat, int instance) {
  if (!session_) return;
  auto st = session_->remove_repeat(repeat.toStdString(), instance);
  if (!st.ok()) error_ = describe(st.error());
  model_.rebuild(&*session_);
  updateProgress();
}

bool FormController::submit() {
  if (!session_) return false;
  auto result = session_->submit();
  model_.show_missing_ = true;
  model_.refresh();
  problems_.clear();
  first_problem_path_.clear();
  if (!result.ok()) {
    for (const auto& p : result.problems) {
      const forms::Question* q = session_->definition().find(QString::fromStdString(p.path).section('/', -1).toStdString());
      problems_ << QStringLiteral("%1: %2").arg(q ? QString::fromStdString(q->label) : QString::fromStdString(p.path),
                                                QString::fromStdString(p.message));
    }
    if (!result.problems.empty()) first_problem_path_ = QString::fromStdString(result.problems.front().path);
    status_ = tr("%n question(s) need attention", nullptr, static_cast<int>(result.problems.size()));
    updateProgress();
    return false;
  }
  last_submission_ = QString::fromStdString(result.submission->to_json().dump());
  drafts_.erase({session_->definition().form_id, case_id_});
  status_ = tr("Complete. The form is checked and ready.");
  updateProgress();
  emit submitted(case_id_, last_submission_);
  return true;
}

void FormController::close() {
  if (session_) drafts_[{session_->definition().form_id, case_id_}] = session_->to_draft();
  model_.rebuild(nullptr);
  session_.reset();
  case_id_.clear();
  problems_.clear();
  status_.clear();
  error_.clear();
  locating_path_.clear();
  updateProgress();
  emit openChanged();
}

void FormController::clear() {
  model_.rebuild(nullptr);
  session_.reset();
  drafts_.clear();
  case_id_.clear();
  problems_.clear();
  status_.clear();
  error_.clear();
  locating_path_.clear();
  updateProgress();
  emit openChanged();
}

void FormController::updateProgress() {
  answered_ = total_ = 0;
  if (session_)
    for (const auto& s : session_->progress()) {
      answered_ += s.answered;
      total_ += s.questions;
    }
  emit progressChanged();
}

}  // namespace doorstep::app
