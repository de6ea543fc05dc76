// FormController and FormQuestionsModel: filling in one form (docs/design.md, "Forms")
// with core's FormSession. The model is the form's questions flattened in survey
// order (group headings, repeat instances with their questions, an "add another" row),
// each with its label, hint, answer, choices, relevance, required flag and problem;
// rows stay put while answers change (relevance hides, never removes), and only adding
// or removing a repeat instance resets the model. Everything goes through core's
// CaseForms: the forms offered are the form_definition records the hub published, a
// form being filled in is a form_draft in the encrypted store (saved after each
// answer, resumed on the version it was started on), and finishing writes the
// form_submission and its save_to edits in one transaction, queued to sync. UI thread only.
#pragma once

#include <QAbstractListModel>
#include <QUrl>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "doorstep/core/case_forms.h"
#include "doorstep/core/forms/session.h"

namespace doorstep::platform {
class LocationSource;
}

namespace doorstep::app {

class WorkerSession;

class FormQuestionsModel : public QAbstractListModel {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("owned by FormController")
  Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

 public:
  enum Role {
    PathRole = Qt::UserRole + 1,  // "name" or "repeat[2]/name"
    KindRole,         // "question", "group", "repeat", "instance", "add"
    TypeRole,         // XLSForm type: "text", "integer", "select_one", ...
    LabelRole,
    HintRole,
    AppearanceRole,
    RelevantRole,
    RequiredRole,
    ReadOnlyRole,
    ProblemRole,      // "" or the message for the worker
    ValueRole,        // the answer as text ("" when none)
    ChoicesRole,      // [{name, label}] offered now (choice_filter applied)
    RepeatRole,       // the repeat's name (repeat, instance, add rows and their questions)
    InstanceRole,     // 1-based instance number (instance rows and their questions)
  };
  Q_ENUM(Role)

  explicit FormQuestionsModel(QObject* parent = nullptr) : QAbstractListModel(parent) {}
  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;

 signals:
  void countChanged();

 private:
  friend class FormController;
  struct Row {
    QString path, kind, repeat;
    int question = -1;  // index into the definition's questions
    int instance = 0;
  };
  void rebuild(forms::FormSession* session);
  void refresh();  // every row's state may have changed (relevance, problems, calculations)
  forms::FormSession* session_ = nullptr;
  std::vector<Row> rows_;
  std::map<QString, QString> input_errors_;  // answers refused by type, by path
  // "Needs an answer" shows only once the worker has tried to finish: an empty form
  // is not a page of red.
  bool show_missing_ = false;
};

class FormController : public QObject {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("created by the app's wiring")
  Q_PROPERTY(QVariantList forms READ forms NOTIFY formsChanged)  // [{formId, title, version}]
  Q_PROPERTY(FormQuestionsModel* questions READ questions CONSTANT)
  Q_PROPERTY(QString title READ title NOTIFY openChanged)
  Q_PROPERTY(QString caseId READ caseId NOTIFY openChanged)
  Q_PROPERTY(bool isOpen READ isOpen NOTIFY openChanged)
  Q_PROPERTY(int answered READ answered NOTIFY progressChanged)
  Q_PROPERTY(int total READ total NOTIFY progressChanged)
  Q_PROPERTY(QStringList problems READ problems NOTIFY progressChanged)  // after a failed submit
  Q_PROPERTY(QString firstProblemPath READ firstProblemPath NOTIFY progressChanged)
  Q_PROPERTY(QString status READ status NOTIFY progressChanged)
  Q_PROPERTY(QString error READ error NOTIFY progressChanged)
  Q_PROPERTY(QString versionNote READ versionNote NOTIFY openChanged)  // "" or why an older version is used

 public:
  FormController(WorkerSession& session, platform::LocationSource& location, QObject* parent = nullptr);
  ~FormController() override;

  QVariantList forms() const { return forms_; }
  QString versionNote() const { return version_note_; }
  FormQuestionsModel* questions() { return &model_; }
  QString title() const;
  QString caseId() const { return case_id_; }
  bool isOpen() const { return open_.has_value(); }
  int answered() const { return answered_; }
  int total() const { return total_; }
  QStringList problems() const { return problems_; }
  QString firstProblemPath() const { return first_problem_path_; }
  QString status() const { return status_; }
  QString error() const { return error_; }

  // Re-reads the forms the device holds (after unlock and after a sync).
  void reloadForms();
  // Opens a form about a case, resuming the case's draft of it if there is one (on the
  // version it was started on); a new one starts with save_to questions filled from
  // the person's and case's records.
  Q_INVOKABLE bool open(const QString& formId, const QString& caseId);
  // Stores an answer (text; numbers as text too). A refused answer shows at the question.
  Q_INVOKABLE void answer(const QString& path, const QString& value);
  // Answers a geopoint question with the location source's next fix.
  Q_INVOKABLE void answerWithLocation(const QString& path);
  // Answers an image question with a photo file (a chosen file's URL or a local path):
  // its bytes go into the store's encrypted blob store and the answer names them. A
  // refused file (missing, not a picture, too large) shows at the question.
  Q_INVOKABLE void attachPhoto(const QString& path, const QUrl& file);
  // Answers a signature question with a drawing as a PNG "data:image/png;base64,…" URL
  // (Canvas.toDataURL), kept like a photo.
  Q_INVOKABLE void attachSignature(const QString& path, const QString& pngDataUrl);
  Q_INVOKABLE void addRepeat(const QString& repeat);
  Q_INVOKABLE void removeRepeat(const QString& repeat, int instance);
  // Checks everything; true when the form is complete and valid.
  Q_INVOKABLE bool submit();
  // Closes the form; its draft stays in the store.
  Q_INVOKABLE void close();
  // Deletes the open form's draft and closes it.
  Q_INVOKABLE void discard();
  // Closes the form and forgets the list (lock).
  void clear();

  // The submission of the last successful submit(), as JSON text.
  QString lastSubmission() const { return last_submission_; }

 signals:
  void openChanged();
  void progressChanged();
  void formsChanged();
  void submitted(const QString& caseId, const QString& submissionJson);
  void localChange();  // a submission (and its save_to edits) waits to be sent

 private:
  void updateProgress();
  void saveDraft();
  void afterPicture(const QString& path, const Status& st);
  WorkerSession& session_ref_;
  platform::LocationSource& location_;
  std::unique_ptr<CaseForms> case_forms_;  // over the unlocked store; reset on lock
  Store* case_forms_store_ = nullptr;
  std::optional<OpenForm> open_;
  FormQuestionsModel model_;
  QVariantList forms_;
  QString case_id_, status_, error_, first_problem_path_, last_submission_, locating_path_, version_note_;
  QStringList problems_;
  int answered_ = 0, total_ = 0;
  CaseForms* caseForms();
};

}  // namespace doorstep::app
