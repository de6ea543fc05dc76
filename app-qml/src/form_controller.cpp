#include "form_controller.h"

#include <QDateTime>

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

CaseForms* FormController::caseForms() {
  Store* store = session_ref_.store();
  if (store == nullptr) return nullptr;
  if (!case_forms_ || case_forms_store_ != store) {
    case_forms_ = std::make_unique<CaseForms>(*store);
    case_forms_store_ = store;
  }
  return case_forms_.get();
}

void FormController::reloadForms() {
  QVariantList next;
  if (CaseForms* cf = caseForms()) {
    if (auto list = cf->available()) {
      for (const AvailableForm& f : *list)
        next.push_back(QVariantMap{{"formId", QString::fromStdString(f.form_id)},
                                   {"title", QString::fromStdString(f.title)},
                                   {"version", static_cast<qint64>(f.version)}});
    }
  }
  if (next == forms_) return;
  forms_ = next;
  emit formsChanged();
}

QString FormController::title() const {
  return open_ ? QString::fromStdString(open_->draft.title) : QString();
}

bool FormController::open(const QString& formId, const QString& caseId) {
  close();
  CaseForms* cf = caseForms();
  if (cf == nullptr) return false;
  auto fail = [this](const Error& e) {
    error_ = describe(e);
    emit progressChanged();
    return false;
  };
  std::optional<Result<OpenForm>> opened;
  auto drafts = cf->drafts(caseId.toStdString());
  if (!drafts) return fail(drafts.error());
  for (const FormDraft& d : *drafts)
    if (d.form_id == formId.toStdString()) opened.emplace(cf->resume(d.id));
  if (!opened) opened.emplace(cf->start(caseId.toStdString(), formId.toStdString()));
  if (!*opened) return fail(opened->error());
  open_.emplace(std::move(**opened));
  case_id_ = caseId;
  error_.clear();
  problems_.clear();
  first_problem_path_.clear();
  status_.clear();
  version_note_ = open_->draft.latest_version > open_->draft.version
                      ? tr("Started on version %1; version %2 has since been published. This form stays on version %1.")
                            .arg(open_->draft.version)
                            .arg(open_->draft.latest_version)
                      : QString();
  model_.show_missing_ = false;
  model_.rebuild(&open_->session);
  updateProgress();
  emit openChanged();
  return true;
}

void FormController::saveDraft() {
  CaseForms* cf = caseForms();
  if (!open_ || cf == nullptr) return;
  auto st = cf->save(open_->draft.id, open_->session);
  if (!st.ok()) error_ = describe(st.error());
}

void FormController::answer(const QString& path, const QString& value) {
  if (!open_) return;
  forms::FormSession& session = open_->session;
  const QString name = path.section(QLatin1Char('/'), -1);
  const forms::Question* q = session.definition().find(name.toStdString());
  forms::Value v = value.toStdString();
  if (value.trimmed().isEmpty()) v = forms::Value{};
  else if (q && (q->type == forms::QuestionType::integer || q->type == forms::QuestionType::decimal)) {
    bool ok = false;
    const double d = QLocale::c().toDouble(value.trimmed(), &ok);
    if (ok) v = d;
  }
  auto st = session.answer(path.toStdString(), v);
  if (!st.ok()) model_.input_errors_[path] = describe(st.error());
  else model_.input_errors_.erase(path);
  saveDraft();
  model_.refresh();
  updateProgress();
}

void FormController::attachPhoto(const QString& path, const QUrl& file) {
  CaseForms* cf = caseForms();
  if (!open_ || cf == nullptr) return;
  const QString local = file.isLocalFile() ? file.toLocalFile() : file.toString();
  afterPicture(path, cf->attach_picture_file(open_->session, path.toStdString(), local.toStdString()));
}

void FormController::attachSignature(const QString& path, const QString& pngDataUrl) {
  CaseForms* cf = caseForms();
  if (!open_ || cf == nullptr) return;
  const QString prefix = QStringLiteral("data:image/png;base64,");
  const QByteArray png = pngDataUrl.startsWith(prefix)
                             ? QByteArray::fromBase64(pngDataUrl.mid(prefix.size()).toLatin1())
                             : QByteArray();
  afterPicture(path, cf->attach_picture(open_->session, path.toStdString(), png.toStdString()));
}

void FormController::afterPicture(const QString& path, const Status& st) {
  if (!st.ok()) model_.input_errors_[path] = describe(st.error());
  else model_.input_errors_.erase(path);
  saveDraft();
  model_.refresh();
  updateProgress();
}

void FormController::answerWithLocation(const QString& path) {
  locating_path_ = path;
  location_.requestFix();
}

void FormController::addRepeat(const QString& repeat) {
  if (!open_) return;
  auto r = open_->session.add_repeat(repeat.toStdString());
  if (!r) error_ = describe(r.error());
  saveDraft();
  model_.rebuild(&open_->session);
  updateProgress();
}

void FormController::removeRepeat(const QString& repeat, int instance) {
  if (!open_) return;
  auto st = open_->session.remove_repeat(repeat.toStdString(), instance);
  if (!st.ok()) error_ = describe(st.error());
  saveDraft();
  model_.rebuild(&open_->session);
  updateProgress();
}

bool FormController::submit() {
  CaseForms* cf = caseForms();
  if (!open_ || cf == nullptr) return false;
  model_.show_missing_ = true;
  problems_.clear();
  first_problem_path_.clear();
  auto outcome = cf->submit(open_->draft.id, open_->session);
  model_.refresh();
  if (!outcome) {
    error_ = describe(outcome.error());
    updateProgress();
    return false;
  }
  if (!outcome->ok()) {
    for (const auto& p : outcome->problems) {
      const forms::Question* q =
          open_->session.definition().find(QString::fromStdString(p.path).section('/', -1).toStdString());
      problems_ << QStringLiteral("%1: %2").arg(q ? QString::fromStdString(q->label) : QString::fromStdString(p.path),
                                                QString::fromStdString(p.message));
    }
    if (!outcome->problems.empty()) first_problem_path_ = QString::fromStdString(outcome->problems.front().path);
    status_ = tr("%n question(s) need attention", nullptr, static_cast<int>(outcome->problems.size()));
    updateProgress();
    return false;
  }
  last_submission_ = QString::fromStdString(outcome->submission->id);
  error_.clear();
  status_ = tr("Finished. The form is saved and is sent on the next sync.");
  const QString case_id = case_id_;
  // The draft is gone with the submission: the page shows the outcome, nothing to resume.
  model_.rebuild(nullptr);
  open_.reset();
  updateProgress();
  emit openChanged();
  emit submitted(case_id, last_submission_);
  emit localChange();
  return true;
}

void FormController::close() {
  saveDraft();
  model_.rebuild(nullptr);
  open_.reset();
  case_id_.clear();
  problems_.clear();
  error_.clear();
  locating_path_.clear();
  version_note_.clear();
  updateProgress();
  emit openChanged();
}

void FormController::discard() {
  if (CaseForms* cf = caseForms(); cf != nullptr && open_) {
    auto st = cf->discard(open_->draft.id);
    if (!st.ok()) error_ = describe(st.error());
  }
  model_.rebuild(nullptr);
  open_.reset();
  close();
}

void FormController::clear() {
  close();
  status_.clear();
  case_forms_.reset();
  case_forms_store_ = nullptr;
  if (!forms_.isEmpty()) {
    forms_.clear();
    emit formsChanged();
  }
}

void FormController::updateProgress() {
  answered_ = total_ = 0;
  if (open_)
    for (const auto& s : open_->session.progress()) {
      answered_ += s.answered;
      total_ += s.questions;
    }
  emit progressChanged();
}

}  // namespace doorstep::app
