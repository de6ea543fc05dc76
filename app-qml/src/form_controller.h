// FormController and FormQuestionsModel: filling in one form (DESIGN.md section 7)
// with core's FormSession. The model is the form's questions flattened in survey
// order (group headings, repeat instances with their questions, an "add another" row),
// each with its label, hint, answer, choices, relevance, required flag and problem;
// rows stay put while answers change (relevance hides, never removes), and only adding
// or removing a repeat instance resets the model. Definitions are the forms shipped
// with the app (share/forms, compiled in as :/forms/). Drafts are kept in memory per
// form and case until the app locks. UI thread only.
#pragma once

#include <QAbstractListModel>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

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
  Q_PROPERTY(QVariantList forms READ forms CONSTANT)  // [{formId, title, version}]
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

 public:
  FormController(WorkerSession& session, platform::LocationSource& location, QObject* parent = nullptr);
  ~FormController() override;

  QVariantList forms() const;
  FormQuestionsModel* questions() { return &model_; }
  QString title() const;
  QString caseId() const { return case_id_; }
  bool isOpen() const { return session_.has_value(); }
  int answered() const { return answered_; }
  int total() const { return total_; }
  QStringList problems() const { return problems_; }
  QString firstProblemPath() const { return first_problem_path_; }
  QString status() const { return status_; }
  QString error() const { return error_; }

  // Opens a form about a case, resuming its draft if one is kept; fields with save_to
  // start from the person's or case's record.
  Q_INVOKABLE bool open(const QString& formId, const QString& caseId);
  // Stores an answer (text; numbers as text too). A refused answer shows at the question.
  Q_INVOKABLE void answer(const QString& path, const QString& value);
  // Answers a geopoint question with the location source's next fix.
  Q_INVOKABLE void answerWithLocation(const QString& path);
  Q_INVOKABLE void addRepeat(const QString& repeat);
  Q_INVOKABLE void removeRepeat(const QString& repeat, int instance);
  // Checks everything; true when the form is complete and valid.
  Q_INVOKABLE bool submit();
  // Keeps the draft (in memory, until lock) and closes the form.
  Q_INVOKABLE void close();
  // Forgets every draft and the open form (lock).
  void clear();

  // The submission of the last successful submit(), as JSON text.
  QString lastSubmission() const { return last_submission_; }

 signals:
  void openChanged();
  void progressChanged();
  void submitted(const QString& caseId, const QString& submissionJson);

 private:
  void updateProgress();
  WorkerSession& session_ref_;
  platform::LocationSource& location_;
  std::vector<std::shared_ptr<const forms::FormDefinition>> definitions_;
  std::optional<forms::FormSession> session_;
  FormQuestionsModel model_;
  QString case_id_, status_, error_, first_problem_path_, last_submission_, locating_path_;
  QStringList problems_;
  int answered_ = 0, total_ = 0;
  std::map<std::pair<std::string, QString>, nlohmann::json> drafts_;  // (form_id, case) -> draft
};

}  // namespace doorstep::app
