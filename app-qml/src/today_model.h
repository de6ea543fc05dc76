// TodayModel: the worker's day. Visits under way first, each with its lone-worker
// timer (minutes to the expected end given at check-in; negative once overdue),
// then visits planned for today, then cases whose statutory visit is overdue, then
// today's visits already finished (completed, no access, cancelled).
// The timer roles refresh every 30 seconds. Empty while locked. UI thread only.
#pragma once

#include <QAbstractListModel>
#include <QTimer>
#include <QtQml/qqmlregistration.h>
#include <vector>

namespace doorstep::app {

class WorkerSession;

class TodayModel : public QAbstractListModel {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("created by the app's wiring")
  Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
  Q_PROPERTY(int underWay READ underWay NOTIFY countChanged)
  Q_PROPERTY(QString error READ error NOTIFY errorChanged)

 public:
  enum Role {
    SectionRole = Qt::UserRole + 1,  // "under_way", "due", "overdue", "done"
    VisitIdRole,                     // "" for an overdue statutory visit with none planned
    CaseIdRole,
    PersonIdRole,
    PersonNameRole,
    PurposeRole,
    TimeRole,          // planned start (due), check-in time (under way), last visit (overdue)
    MinutesLeftRole,   // under way: minutes until the expected end; negative = past it
    StatusRole,
  };
  Q_ENUM(Role)

  explicit TodayModel(WorkerSession& session, QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;

  int underWay() const;
  QString error() const { return error_; }

  Q_INVOKABLE void reload();
  void clear();

 signals:
  void countChanged();
  void errorChanged();

 private:
  struct Row {
    QString section, visit_id, case_id, person_id, person_name, purpose, time, status;
    qint64 expected_end_ms = 0;
  };
  WorkerSession& session_;
  std::vector<Row> rows_;
  QString error_;
  QTimer tick_;
};

}  // namespace doorstep::app
