// SyncEngine: one sync pass of a device store with doorstep-server (docs/design.md,
// "Sync"): blobs up, push until the outbox is empty, pull until complete (each
// page one transaction, cursor in the same transaction, no outbox echo), purge cases
// that left scope, blobs down. Small parts with one job each (session, pusher,
// puller, blob transfer, scope purge) under this coordinator, which owns their state.
//
// The office's instructions (docs/architecture.md): a lost device (410 "revoked")
// erases its store at once; a retired one (a token or push answer with "retire", or
// 410 "retired") first pushes everything it holds unsent until the outbox is empty,
// then erases. Either way the device then sends a receipt (POST /v1/devices/wiped)
// with the access token it holds in memory. A retire whose push fails erases nothing.
//
// After a restore of the server (a new epoch, docs/architecture.md): the pass
// re-reads from the start, queues again what the restored server lacks, pushes it
// and reads once more; the summary says so (server_restored, resent).
//
// Not thread-safe: run it on the thread that owns the Store (the app gives sync its
// own thread and its own Store). The engine reaches the store only through its
// public API.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "doorstep/client/transport.h"
#include "doorstep/core/result.h"
#include "doorstep/core/store.h"

namespace doorstep::client {

class Session;

struct SyncProgress {
  std::string phase;          // "push", "pull", "purge", "blobs"
  std::int64_t records = 0;   // operations pushed or entries pulled so far in this phase
  std::int64_t bytes = 0;     // bytes received or sent so far in this phase
};

struct SyncOptions {
  int push_batch = 500;                 // operations per push request (max protocol::kMaxPushOperations)
  int page_limit = 2000;                // entries per changes page (max protocol::kMaxPageEntries)
  bool prefetch_blobs = true;           // download every attachment of the caseload
  std::function<void(const SyncProgress&)> on_progress;  // called on the engine's thread
  // A retired device has pushed everything; before its store is erased, every other
  // connection to the store (the app's screens) must close, so that nothing can be
  // written after the last push (the engine pushes once more after this returns). An
  // error erases nothing; the next pass tries again. Called on the engine's thread.
  std::function<Status()> before_erase;
};

struct SyncSummary {
  std::int64_t pushed = 0;       // operations the server answered
  std::int64_t applied = 0;
  std::int64_t merged = 0;
  std::int64_t conflicts = 0;
  std::int64_t rejected = 0;     // moved to the quarantine
  std::int64_t pulled = 0;       // record states applied
  std::int64_t revoked = 0;      // cases the server revoked
  std::int64_t purged = 0;       // cases purged from this device
  std::int64_t blobs_up = 0;
  std::int64_t blobs_down = 0;
  std::int64_t bytes_down = 0;
  bool wiped = false;            // the store was erased at the office's request (lost or retired);
                                 // the Store is locked and unusable
  bool retired = false;          // the office retired this device: everything unsent went up first
                                 // (counted in pushed), then the store was erased
  std::int64_t unsent_erased = 0;      // changes erased without reaching the hub (a lost device)
  std::int64_t quarantine_erased = 0;  // refused changes (the quarantine) erased with the store
  std::int64_t drafts_erased = 0;      // drafts never finished, erased with the store
  bool receipt_sent = false;     // the hub confirmed the erase; if not, the office sees it pending
  bool server_restored = false;  // the server's history was restored from a backup: this pass
                                 // re-read everything and checked this device's copies
  std::int64_t resent = 0;       // operations queued again because the restored server lacked
                                 // what this device holds (pushed in the same pass)
};

class SyncEngine {
 public:
  SyncEngine(Store& store, Transport& transport, SyncOptions options = {});

  // One full pass. Errors: unavailable (no network; nothing lost, try later),
  // unauthorised (credentials refused; re-enrol), sync/invalid_argument (a malformed
  // response; nothing from it was applied). When the office says this device is lost
  // or retired the store is erased and the summary has wiped = true (and retired for
  // a retire); the Store is then locked and unusable. The short-lived access token
  // is kept in memory for the engine's next pass (a lost device's erase receipt needs
  // one: the hub issues none to it).
  Result<SyncSummary> sync_once();

 private:
  Result<SyncSummary> erase_store(const Session& session, SyncSummary& summary, bool retired);

  Store& store_;
  Transport& transport_;
  SyncOptions options_;
  std::string access_token_;
};

// Enrols a new store with the server (username = the store's user): stores the
// server URL, refresh credential, worker and epoch in the encrypted store. Errors:
//   sync/password_change_required  the office reset this password: ask the worker for a
//                                  new one and call again with it as new_password
//   input/invalid_argument         (with new_password) the hub refused the new password;
//                                  the message says why
//   sync/account_disabled          the office disabled the account (the message says so)
//   sync/too_many_attempts         too many failed attempts; the message says when to retry
//   sync/unauthorised              a wrong user name or password
// Nothing is written to the store unless enrolment succeeds.
Status enrol(Store& store, Transport& transport, const std::string& server_url, const SecretString& password,
             const std::string& device_name, const SecretString& new_password = SecretString());

// Exponential backoff with full jitter for failed passes: the delay before retry n
// (n = consecutive failures, from 1) is uniform in [0, min(max_ms, base_ms * 2^(n-1))].
class Backoff {
 public:
  explicit Backoff(std::int64_t base_ms = 2'000, std::int64_t max_ms = 15 * 60'000) : base_(base_ms), max_(max_ms) {}
  // Records a failure and returns how long to wait before the next attempt.
  std::int64_t failed();
  void succeeded() { failures_ = 0; }
  int failures() const { return failures_; }
  // The upper bound of the wait after the current number of failures.
  std::int64_t ceiling() const;

 private:
  std::int64_t base_, max_;
  int failures_ = 0;
};

}  // namespace doorstep::client
