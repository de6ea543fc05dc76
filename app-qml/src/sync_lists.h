// The sync page's lists, each read from the UI thread's Store on reload():
// ConflictModel (disagreements to settle side by side), QuarantineModel (changes the
// hub refused, with its reasons) and OutboxModel (changes waiting to be sent).
// Empty while locked. UI thread only.
#pragma once

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>
#include <vector>

namespace doorstep::app {

class WorkerSession;

// A list of rows of text, one QString per role: the shared shape of the three models.
class TextRowsModel : public QAbstractListModel {
  Q_OBJECT
  Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
  Q_PROPERTY(QString error READ error NOTIFY errorChanged)
 public:
  TextRowsModel(WorkerSession& session, QList<QByteArray> roles, QObject* parent);
  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;
  QString error() const { return error_; }
  Q_INVOKABLE void reload();
  void clear();

 signals:
  void countChanged();
  void errorChanged();

 protected:
  // Fills rows (one QStringList per row, in role order); returns an error text or "".
  virtual QString read(std::vector<QStringList>& rows) = 0;
  WorkerSession& session_;

 private:
  QList<QByteArray> roles_;
  std::vector<QStringList> rows_;
  QString error_;
};

class ConflictModel : public TextRowsModel {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("created by the app's wiring")
 public:
  // Roles from Qt::UserRole + 1: conflictId, about (the person), what (record and
  // field), keptValue, keptAuthor, otherValue, otherAuthor.
  explicit ConflictModel(WorkerSession& session, QObject* parent = nullptr);
  // choice: "kept" or "other". False (error set) on failure.
  Q_INVOKABLE bool resolve(const QString& conflictId, const QString& choice);

 signals:
  void localChange();

 protected:
  QString read(std::vector<QStringList>& rows) override;
};

class QuarantineModel : public TextRowsModel {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("created by the app's wiring")
 public:
  // Roles: what, reason, when.
  explicit QuarantineModel(WorkerSession& session, QObject* parent = nullptr);

 protected:
  QString read(std::vector<QStringList>& rows) override;
};

class OutboxModel : public TextRowsModel {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("created by the app's wiring")
 public:
  // Roles: what ("New case note", "Visit changed"), recordId.
  explicit OutboxModel(WorkerSession& session, QObject* parent = nullptr);

 protected:
  QString read(std::vector<QStringList>& rows) override;
};

// "case note", "visit", ... for a record type.
QString record_type_name(const std::string& type);

}  // namespace doorstep::app
