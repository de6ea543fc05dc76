// CaseloadModel: the worker's open cases with person, next visit and warning
// markers, narrowed by a search as the worker types (core's Caseload, FTS4).
// Reads through the UI thread's Store; empty while locked. UI thread only.
#pragma once

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>
#include <vector>

#include "doorstep/core/caseload.h"

namespace doorstep::app {

class WorkerSession;

class CaseloadModel : public QAbstractListModel {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("created by the app's wiring")
  Q_PROPERTY(QString search READ search WRITE setSearch NOTIFY searchChanged)
  Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
  Q_PROPERTY(QString error READ error NOTIFY errorChanged)

 public:
  enum Role {
    CaseIdRole = Qt::UserRole + 1,
    PersonIdRole,
    PersonNameRole,
    KindRole,
    TitleRole,
    MarkersRole,     // QStringList
    NextVisitRole,   // "Thu 26 Nov, 10:00" or ""
    LastVisitRole,
    OverdueRole,     // bool: statutory visit interval passed
  };
  Q_ENUM(Role)

  explicit CaseloadModel(WorkerSession& session, QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;

  QString search() const { return search_; }
  void setSearch(const QString& s);
  QString error() const { return error_; }

  Q_INVOKABLE void reload();
  void clear();

 signals:
  void searchChanged();
  void countChanged();
  void errorChanged();

 private:
  WorkerSession& session_;
  QString search_, error_;
  std::vector<CaseloadEntry> rows_;
};

// "Thu 26 Nov, 10:00" in local time for an ISO 8601 timestamp; "" for "".
QString display_time(const std::string& iso);
QString display_time(const QString& iso);

}  // namespace doorstep::app
