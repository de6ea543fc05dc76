// TimelineModel: one person's history (notes, visits, tasks, completions, field
// reports), newest first, with the person's details and warning markers above it
// (core's Timeline). Pages of 50 are fetched as the list scrolls (fetchMore).
// Opening a person records a "viewed" audit event. Empty while locked. UI thread only.
#pragma once

#include <QAbstractListModel>
#include <QStringList>
#include <QtQml/qqmlregistration.h>
#include <optional>
#include <vector>

#include "doorstep/core/timeline.h"

namespace doorstep::app {

class WorkerSession;

class TimelineModel : public QAbstractListModel {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("created by the app's wiring")
  Q_PROPERTY(QString personId READ personId NOTIFY personChanged)
  Q_PROPERTY(QString personName READ personName NOTIFY personChanged)
  Q_PROPERTY(QString dateOfBirth READ dateOfBirth NOTIFY personChanged)
  Q_PROPERTY(QString address READ address NOTIFY personChanged)
  Q_PROPERTY(QString phone READ phone NOTIFY personChanged)
  Q_PROPERTY(QStringList markers READ markers NOTIFY personChanged)
  Q_PROPERTY(QString caseId READ caseId NOTIFY personChanged)  // the open case new notes go to
  Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
  Q_PROPERTY(QString error READ error NOTIFY errorChanged)

 public:
  enum Role {
    KindRole = Qt::UserRole + 1,  // note, visit, task, task_completion, field_report
    EntryIdRole,
    CaseIdRole,
    AtRole,        // display time
    StatusRole,
    SummaryRole,
  };
  Q_ENUM(Role)

  static constexpr int kPageSize = 50;

  explicit TimelineModel(WorkerSession& session, QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;
  bool canFetchMore(const QModelIndex& parent) const override;
  void fetchMore(const QModelIndex& parent) override;

  QString personId() const { return person_id_; }
  QString personName() const { return name_; }
  QString dateOfBirth() const { return dob_; }
  QString address() const { return address_; }
  QString phone() const { return phone_; }
  QStringList markers() const { return markers_; }
  QString caseId() const { return case_id_; }
  QString error() const { return error_; }

  // Shows a person's timeline from the newest entry.
  Q_INVOKABLE void open(const QString& personId);
  // Re-reads the open person's first page (after a save or a sync).
  Q_INVOKABLE void reload();
  void clear();

 signals:
  void personChanged();
  void countChanged();
  void errorChanged();

 private:
  void setError(const QString& e);
  WorkerSession& session_;
  QString person_id_, name_, dob_, address_, phone_, case_id_, error_;
  QStringList markers_;
  std::vector<TimelineEntry> rows_;
  std::optional<std::string> next_cursor_;
  bool resetting_ = false;  // no re-entrant fetchMore from views reacting to a reset or insert
};

}  // namespace doorstep::app
