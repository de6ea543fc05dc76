// SyncController: when and how the device syncs (docs/design.md, "Sync"), as the sync
// page and the header show it. Runs passes on its own QThread through SyncWorker,
// which holds the sync thread's own Store; the UI never waits for a pass. Triggers:
// after unlock, a few seconds after a local change, when connectivity returns, on a
// timer, and "Sync now"; failures back off with jitter (client::Backoff). Counts of
// what is waiting come from the UI thread's Store. A QObject of the UI thread.
#pragma once

#include <QObject>
#include <QThread>
#include <QTimer>
#include <QtQml/qqmlregistration.h>
#include <memory>

#include "doorstep/client/sync_engine.h"
#include "doorstep/core/secure_key.h"
#include "doorstep/core/store.h"

namespace doorstep::platform {
class Connectivity;
}

namespace doorstep::app {

class SyncWorker;
class WorkerSession;

class SyncController : public QObject {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("created by the app's wiring")
  Q_PROPERTY(State state READ state NOTIFY stateChanged)
  Q_PROPERTY(bool online READ online NOTIFY stateChanged)
  Q_PROPERTY(QString statusText READ statusText NOTIFY stateChanged)  // one line for the header and the page
  Q_PROPERTY(QString phase READ phase NOTIFY progressChanged)
  Q_PROPERTY(qint64 records READ records NOTIFY progressChanged)
  Q_PROPERTY(int pending READ pending NOTIFY countsChanged)
  Q_PROPERTY(int drafts READ drafts NOTIFY countsChanged)
  Q_PROPERTY(int quarantined READ quarantined NOTIFY countsChanged)
  Q_PROPERTY(int conflicts READ conflicts NOTIFY countsChanged)
  Q_PROPERTY(QString lastSync READ lastSync NOTIFY countsChanged)
  Q_PROPERTY(QString lastResult READ lastResult NOTIFY stateChanged)

 public:
  enum class State { Stopped, Idle, Syncing, Offline, Failed };
  Q_ENUM(State)

  struct Timing {
    int after_change_ms = 4000;        // a local change is sent this long after the last one
    int periodic_ms = 15 * 60 * 1000;  // a pass at least this often while unlocked
  };

  SyncController(WorkerSession& session, platform::Connectivity& connectivity, StoreOptions options,
                 QObject* parent = nullptr);
  ~SyncController() override;
  void setTiming(Timing t) { timing_ = t; }

  State state() const { return state_; }
  bool online() const;
  QString statusText() const;
  QString phase() const { return phase_; }
  qint64 records() const { return records_; }
  int pending() const { return pending_; }
  int drafts() const { return drafts_; }
  int quarantined() const { return quarantined_; }
  int conflicts() const { return conflicts_; }
  QString lastSync() const { return last_sync_; }
  QString lastResult() const { return last_result_; }

  Q_INVOKABLE void syncNow();
  // Something was written that should go to the hub soon.
  void localChange();
  // Re-reads the counts from the UI thread's store.
  Q_INVOKABLE void refreshCounts();

  // Wired to WorkerSession::unlocked / aboutToLock.
  void start(const QString& storeDir, std::shared_ptr<const SecretString> pin);
  void stop();

 signals:
  void stateChanged();
  void progressChanged();
  void countsChanged();
  // A pass ended and pulled or pushed something: models re-read.
  void synced();
  // The office retired this device or reported it lost; the store has been erased.
  // message says so in plain words, with what was sent and what went with it.
  void wiped(const QString& message);
  // The office retired this device and sync has sent everything it holds: the UI's
  // screens must let go of the store now (WorkerSession::beginOfficeErase).
  void erasing();
  // The erase that erasing() began did not happen this time (the last push failed).
  void eraseHeld(const QString& message);

 private:
  void setState(State s);
  void schedule(int ms);
  void onPassFinished(int generation, int error_code, const QString& message, const QVariantMap& summary, bool was_wiped);
  // On the sync thread: has the UI thread emit erasing() and waits (at most 15 s)
  // until it has.
  bool closeScreensForErase(int generation);
  WorkerSession& session_;
  platform::Connectivity& connectivity_;
  Timing timing_;
  QThread thread_;
  SyncWorker* worker_ = nullptr;  // lives on thread_; deleted when it finishes
  int generation_ = 0;
  int erasing_generation_ = -1;  // the pass that closed the screens for an erase
  bool open_ = false;          // the worker's store is open for this generation
  bool running_ = false;       // a pass is in progress
  bool again_ = false;         // another pass was asked for during this one
  State state_ = State::Stopped;
  QString phase_, last_sync_, last_result_, error_;
  qint64 records_ = 0;
  int pending_ = 0, drafts_ = 0, quarantined_ = 0, conflicts_ = 0;
  QTimer debounce_, periodic_, retry_;
  client::Backoff backoff_;
};

}  // namespace doorstep::app
