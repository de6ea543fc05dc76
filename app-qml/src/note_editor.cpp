#include "note_editor.h"

#include <QTime>

#include "doorstep/core/case_notes.h"
#include "worker_session.h"

namespace doorstep::app {

NoteEditor::NoteEditor(WorkerSession& session, QObject* parent) : QObject(parent), session_(session) {
  autosave_.setSingleShot(true);
  autosave_.setInterval(kAutosaveMs);
  connect(&autosave_, &QTimer::timeout, this, [this] { (void)saveDraft(); });
}

QStringList NoteEditor::categories() const {
  return {tr("home visit"), tr("phone call"), tr("meeting"), tr("observation"), tr("other")};
}

void NoteEditor::setBody(const QString& b) {
  if (b == body_) return;
  body_ = b;
  dirty_ = true;
  emit bodyChanged();
  autosave_.start();
}

void NoteEditor::setCategory(const QString& c) {
  if (c == category_) return;
  category_ = c;
  dirty_ = true;
  autosave_.start();
  emit changed();
}

void NoteEditor::setRestricted(bool r) {
  if (r == restricted_) return;
  restricted_ = r;
  dirty_ = true;
  autosave_.start();
  emit changed();
}

void NoteEditor::setError(const QString& e) {
  error_ = e;
  emit changed();
}

void NoteEditor::start(const QString& caseId) {
  close();
  case_id_ = caseId;
  Store* store = session_.store();
  if (store != nullptr) {
    if (auto drafts = CaseNotes(*store).drafts()) {
      const Record* latest = nullptr;
      for (const Record& d : *drafts)
        if (d.text("case_id") == caseId.toStdString() && (!latest || d.text("written_at") > latest->text("written_at")))
          latest = &d;
      if (latest != nullptr) {
        draft_id_ = QString::fromStdString(latest->id);
        body_ = QString::fromStdString(latest->text("body"));
        category_ = QString::fromStdString(latest->text("category"));
        restricted_ = latest->text("visibility") == "restricted";
        saved_text_ = tr("Draft resumed");
      }
    }
  }
  error_.clear();
  emit bodyChanged();
  emit changed();
}

bool NoteEditor::saveDraft() {
  autosave_.stop();
  Store* store = session_.store();
  if (!dirty_ || store == nullptr || case_id_.isEmpty()) return true;
  if (body_.trimmed().isEmpty()) return true;  // nothing worth keeping yet
  NoteInput in{case_id_.toStdString(), body_.toStdString(), category_.toStdString(),
               restricted_ ? "restricted" : "normal"};
  auto r = CaseNotes(*store).save_draft(in, draft_id_.toStdString());
  if (!r) {
    setError(describe(r.error()));
    return false;
  }
  draft_id_ = QString::fromStdString(r->id);
  dirty_ = false;
  saved_text_ = tr("Draft saved %1").arg(QLocale().toString(QTime::currentTime(), QStringLiteral("HH:mm")));
  error_.clear();
  emit changed();
  return true;
}

bool NoteEditor::finalise() {
  Store* store = session_.store();
  if (store == nullptr) return false;
  if (body_.trimmed().isEmpty()) {
    setError(tr("Write the note first"));
    return false;
  }
  if (!saveDraft()) return false;
  auto r = CaseNotes(*store).finalise(draft_id_.toStdString());
  if (!r) {
    setError(describe(r.error()));
    return false;
  }
  const QString case_id = case_id_;
  draft_id_.clear();
  body_.clear();
  category_.clear();
  restricted_ = false;
  dirty_ = false;
  saved_text_ = tr("Note saved");
  error_.clear();
  emit bodyChanged();
  emit changed();
  emit noteSaved(case_id);
  emit localChange();
  return true;
}

void NoteEditor::discard() {
  autosave_.stop();
  if (Store* store = session_.store(); store != nullptr && !draft_id_.isEmpty()) {
    auto st = CaseNotes(*store).discard_draft(draft_id_.toStdString());
    if (!st.ok()) return setError(describe(st.error()));
  }
  draft_id_.clear();
  body_.clear();
  category_.clear();
  restricted_ = false;
  dirty_ = false;
  saved_text_.clear();
  error_.clear();
  emit bodyChanged();
  emit changed();
}

void NoteEditor::close() {
  (void)saveDraft();
  autosave_.stop();
  case_id_.clear();
  draft_id_.clear();
  body_.clear();
  category_.clear();
  restricted_ = false;
  dirty_ = false;
  saved_text_.clear();
  error_.clear();
  emit bodyChanged();
  emit changed();
}

}  // namespace doorstep::app
