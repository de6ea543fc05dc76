#include "sync_controller.h"

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "caseload_model.h"
#include "doorstep/platform/connectivity.h"
#include "sync_worker.h"
#include "worker_session.h"

namespace doorstep::app {

SyncController::SyncController(WorkerSession& session, platform::Connectivity& connectivity, StoreOptions options,
                               QObject* parent)
    : QObject(parent), session_(session), connectivity_(connectivity) {
  thread_.setObjectName(QStringLiteral("doorstep-sync"));
  worker_ = new SyncWorker(options, [this](int generation) { return closeScreensForErase(generation); });
  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  connect(worker_, &SyncWorker::opened, this, [this](int gen, bool ok, const QString& error) {
    if (gen != generation_) return;
    open_ = ok;
    if (!ok) {
      last_result_ = tr("Sync could not open the store: %1").arg(error);
      return setState(State::Failed);
    }
    syncNow();  // after unlock
  });
  connect(worker_, &SyncWorker::progress, this, [this](int gen, const QString& phase, qint64 records) {
    if (gen != generation_) return;
    phase_ = phase;
    records_ = records;
    emit progressChanged();
  });
  connect(worker_, &SyncWorker::passFinished, this, &SyncController::onPassFinished);
  thread_.start();

  debounce_.setSingleShot(true);
  connect(&debounce_, &QTimer::timeout, this, &SyncController::syncNow);
  retry_.setSingleShot(true);
  connect(&retry_, &QTimer::timeout, this, &SyncController::syncNow);
  connect(&periodic_, &QTimer::timeout, this, &SyncController::syncNow);
  connect(&connectivity_, &platform::Connectivity::onlineChanged, this, [this](bool online) {
    emit stateChanged();
    if (!open_) return;
    if (online) {
      backoff_.succeeded();  // a new network: try at once, not after the old backoff
      syncNow();
    } else if (!running_) {
      setState(State::Offline);
    }
  });
}

bool SyncController::closeScreensForErase(int generation) {
  struct Handshake {
    std::mutex m;
    std::condition_variable cv;
    bool done = false;
  };
  auto h = std::make_shared<Handshake>();
  // Dropped unrun if this object goes first; the wait then ends by its timeout.
  QMetaObject::invokeMethod(
      this,
      [this, h, generation] {
        erasing_generation_ = generation;
        emit erasing();  // the UI's store is closed when this returns
        std::lock_guard<std::mutex> g(h->m);
        h->done = true;
        h->cv.notify_all();
      },
      Qt::QueuedConnection);
  std::unique_lock<std::mutex> l(h->m);
  return h->cv.wait_for(l, std::chrono::seconds(15), [&] { return h->done; });
}

SyncController::~SyncController() {
  thread_.quit();
  thread_.wait();
}

bool SyncController::online() const { return connectivity_.online(); }

QString SyncController::statusText() const {
  switch (state_) {
    case State::Stopped: return {};
    case State::Syncing: return tr("Syncing…");
    case State::Offline: return tr("Offline. Your work is saved on this device.");
    case State::Failed: return last_result_;
    case State::Idle: return last_sync_.isEmpty() ? tr("Not synced yet") : tr("Synced %1").arg(last_sync_);
  }
  return {};
}

void SyncController::setState(State s) {
  if (s == state_) {
    emit stateChanged();  // the text may have changed
    return;
  }
  state_ = s;
  emit stateChanged();
}

void SyncController::start(const QString& storeDir, std::shared_ptr<const SecretString> pin) {
  ++generation_;
  open_ = false;
  running_ = false;
  again_ = false;
  backoff_.succeeded();
  last_result_.clear();
  setState(connectivity_.online() ? State::Idle : State::Offline);
  refreshCounts();
  const int gen = generation_;
  QMetaObject::invokeMethod(worker_, [w = worker_, storeDir, pin, gen] { w->open(storeDir, pin, gen); },
                            Qt::QueuedConnection);
  periodic_.start(timing_.periodic_ms);
}

void SyncController::stop() {
  ++generation_;  // results of a pass still running are dropped
  open_ = false;
  running_ = false;
  debounce_.stop();
  periodic_.stop();
  retry_.stop();
  QMetaObject::invokeMethod(worker_, [w = worker_] { w->close(); }, Qt::QueuedConnection);
  pending_ = drafts_ = quarantined_ = conflicts_ = 0;
  last_sync_.clear();
  last_result_.clear();
  phase_.clear();
  records_ = 0;
  emit countsChanged();
  emit progressChanged();
  setState(State::Stopped);
}

void SyncController::localChange() {
  refreshCounts();
  if (open_) debounce_.start(timing_.after_change_ms);
}

void SyncController::syncNow() {
  if (!open_) return;
  debounce_.stop();
  retry_.stop();
  if (!connectivity_.online()) return setState(State::Offline);
  if (running_) {
    again_ = true;
    return;
  }
  running_ = true;
  phase_.clear();
  records_ = 0;
  emit progressChanged();
  setState(State::Syncing);
  const int gen = generation_;
  QMetaObject::invokeMethod(worker_, [w = worker_, gen] { w->runPass(gen); }, Qt::QueuedConnection);
}

void SyncController::onPassFinished(int generation, int error_code, const QString& message, const QVariantMap& summary,
                                    bool was_wiped) {
  const bool erasing = generation == erasing_generation_;
  if (erasing) erasing_generation_ = -1;
  const auto n = [&](const char* k) { return summary.value(QLatin1String(k)).toLongLong(); };
  if (was_wiped) {
    // Told even when the screens closed during the pass (a retire closes them first).
    const auto count = [](qint64 k, const QString& one, const QString& many) { return k == 1 ? one : many.arg(k); };
    QString text;
    if (summary.value(QStringLiteral("retired")).toBool()) {
      text = n("pushed") > 0
                 ? tr("Your council retired this device. It sent the hub the %1 waiting, then everything on it was "
                      "erased.")
                       .arg(count(n("pushed"), tr("1 change"), tr("%1 changes")))
                 : tr("Your council retired this device. Nothing was waiting to be sent, and everything on it has "
                      "been erased.");
    } else {
      text = tr("Your council reported this device lost, so everything on it was erased.");
      if (n("unsent_erased") > 0)
        text += QLatin1Char(' ') + count(n("unsent_erased"), tr("1 change not yet sent was erased with it."),
                                         tr("%1 changes not yet sent were erased with it."));
    }
    if (n("quarantine_erased") > 0)
      text += QLatin1Char(' ') + count(n("quarantine_erased"), tr("1 change the hub had refused was erased with it."),
                                       tr("%1 changes the hub had refused were erased with it."));
    if (n("drafts_erased") > 0)
      text += QLatin1Char(' ') + count(n("drafts_erased"), tr("1 unfinished draft was erased with it."),
                                       tr("%1 unfinished drafts were erased with it."));
    if (generation == generation_) {
      running_ = false;
      open_ = false;
      phase_.clear();
      emit progressChanged();
      last_result_ = text;
      setState(State::Failed);
    }
    emit wiped(text);
    return;
  }
  if (erasing)
    emit eraseHeld(tr("Your council has retired this device, but what it holds could not all be sent yet (%1). "
                      "Nothing was erased; unlock to try again.")
                       .arg(message.isEmpty() ? tr("no answer") : message));
  if (generation != generation_) return;
  running_ = false;
  phase_.clear();
  emit progressChanged();
  if (error_code != 0) {
    const auto code = static_cast<ErrorCode>(error_code);
    const qint64 wait = backoff_.failed();
    if (code == ErrorCode::unavailable) {
      last_result_ = tr("Can't reach the hub. Your work is saved on this device; trying again in %n minute(s).",
                        nullptr, int(std::max<qint64>(1, (wait + 59'999) / 60'000)));
    } else if (code == ErrorCode::unauthorised) {
      last_result_ = tr("The hub did not accept this device: %1").arg(message);
    } else {
      last_result_ = message;
    }
    retry_.start(static_cast<int>(std::max<qint64>(wait, 1000)));
    setState(State::Failed);
  } else {
    backoff_.succeeded();
    last_result_ = tr("Sent %1, received %2").arg(n("pushed")).arg(n("pulled"));
    if (n("conflicts") > 0) last_result_ += tr(", %n conflict(s) to look at", nullptr, int(n("conflicts")));
    if (n("rejected") > 0) last_result_ += tr(", %n refused (see below)", nullptr, int(n("rejected")));
    refreshCounts();
    setState(State::Idle);
    emit synced();
  }
  if (again_) {
    again_ = false;
    syncNow();
  }
}

void SyncController::refreshCounts() {
  Store* store = session_.store();
  if (store == nullptr) return;
  auto i = store->info();
  if (!i) return;
  pending_ = static_cast<int>(i->pending_operations);
  drafts_ = static_cast<int>(i->drafts);
  quarantined_ = static_cast<int>(i->quarantined);
  conflicts_ = static_cast<int>(i->open_conflicts);
  last_sync_ = i->last_sync ? display_time(*i->last_sync) : QString();
  emit countsChanged();
  if (state_ == State::Idle) emit stateChanged();
}

}  // namespace doorstep::app
