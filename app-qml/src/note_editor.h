// NoteEditor: writing one case note. The text is saved as a draft (encrypted, on
// the device only) a moment after each change and when the editor closes or the app
// locks, so nothing typed is lost; "Save note" finalises it (immutable, queued to
// sync). Reopening a case resumes its latest draft. UI thread only.
#pragma once

#include <QObject>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

namespace doorstep::app {

class WorkerSession;

class NoteEditor : public QObject {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("created by the app's wiring")
  Q_PROPERTY(QString caseId READ caseId NOTIFY changed)
  Q_PROPERTY(QString draftId READ draftId NOTIFY changed)
  Q_PROPERTY(QString body READ body WRITE setBody NOTIFY bodyChanged)
  Q_PROPERTY(QString category READ category WRITE setCategory NOTIFY changed)
  Q_PROPERTY(bool restricted READ restricted WRITE setRestricted NOTIFY changed)
  Q_PROPERTY(QString savedText READ savedText NOTIFY changed)  // "Draft saved 10:42", ...
  Q_PROPERTY(QString error READ error NOTIFY changed)
  Q_PROPERTY(QStringList categories READ categories CONSTANT)

 public:
  static constexpr int kAutosaveMs = 1500;

  explicit NoteEditor(WorkerSession& session, QObject* parent = nullptr);

  QString caseId() const { return case_id_; }
  QString draftId() const { return draft_id_; }
  QString body() const { return body_; }
  void setBody(const QString& b);
  QString category() const { return category_; }
  void setCategory(const QString& c);
  bool restricted() const { return restricted_; }
  void setRestricted(bool r);
  QString savedText() const { return saved_text_; }
  QString error() const { return error_; }
  QStringList categories() const;

  // Starts a note on a case, resuming the case's latest draft if there is one.
  Q_INVOKABLE void start(const QString& caseId);
  // Saves the draft now (if anything changed). False with error on failure.
  Q_INVOKABLE bool saveDraft();
  // Finalises the note: it can no longer change and is sent on the next sync.
  Q_INVOKABLE bool finalise();
  // Deletes the draft (it never left the device) and empties the editor.
  Q_INVOKABLE void discard();
  // Saves the draft and forgets the text (lock, leaving the page).
  Q_INVOKABLE void close();

 signals:
  void changed();
  void bodyChanged();
  void noteSaved(const QString& caseId);  // a final note was written
  void localChange();                      // something to sync was written

 private:
  void setError(const QString& e);
  WorkerSession& session_;
  QString case_id_, draft_id_, body_, category_, saved_text_, error_;
  bool restricted_ = false;
  bool dirty_ = false;
  QTimer autosave_;
};

}  // namespace doorstep::app
