// SyncWorker: the sync thread's side. Lives on SyncController's QThread, owns that
// thread's own Store connection (docs/design.md, "The app") and its transport, and runs one
// SyncEngine pass when asked. Results go back as queued signals; nothing here
// touches the UI thread's Store or objects. Every method runs on the sync thread.
#pragma once

#include <QObject>
#include <QString>
#include <QVariantMap>
#include <atomic>
#include <functional>
#include <memory>

#include "doorstep/client/curl_transport.h"
#include "doorstep/client/sync_engine.h"
#include "doorstep/core/secure_key.h"
#include "doorstep/core/store.h"

namespace doorstep::app {

class SyncWorker : public QObject {
  Q_OBJECT
 public:
  // close_others: called on the sync thread when the office retired this device and
  // everything has been pushed, before the store is erased. It must have the UI
  // thread close its own connection to the store, wait for that (not forever), and
  // return whether it happened; false erases nothing this pass.
  SyncWorker(StoreOptions options, std::function<bool(int generation)> close_others)
      : options_(options), close_others_(std::move(close_others)) {}
  ~SyncWorker() override;

  // Opens the thread's own connection (Argon2id again, off the UI thread). pin is
  // dropped when this returns. generation tags every signal that follows.
  void open(const QString& dir, std::shared_ptr<const SecretString> pin, int generation);
  // Locks and closes the connection (after any pass in progress has ended).
  void close();
  // One pass: push, pull, purge, blobs. Emits passFinished.
  void runPass(int generation);

 signals:
  void opened(int generation, bool ok, const QString& error);
  void progress(int generation, const QString& phase, qint64 records);
  // summary: pushed, conflicts, rejected, pulled, purged, blobs_up, blobs_down, and
  // after an erase retired, unsent_erased, quarantine_erased, drafts_erased,
  // receipt_sent; error_code: 0 on success, else ErrorCode; wiped: the office retired
  // this device or reported it lost, and its store has been erased.
  void passFinished(int generation, int error_code, const QString& message, const QVariantMap& summary, bool wiped);

 private:
  StoreOptions options_;
  std::function<bool(int)> close_others_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<client::CurlTransport> transport_;
  std::unique_ptr<client::SyncEngine> engine_;  // made at the first pass after open()
  int engine_generation_ = -1;
};

}  // namespace doorstep::app
