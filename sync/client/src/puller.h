// Puller: fetches the changes feed page by page from the stored cursor; applies each
// page in one transaction (server states with rebase of pending operations,
// revocations, the new cursor), so a crash between pages resumes from the last
// stored cursor. Applying a pull never records outbox operations.
//
// While one page is applied, the next is fetched and parsed on a second thread (the
// server builds a page while the device writes one). That thread touches only the
// transport; the store is written on the caller's thread alone, and a page is only
// ever applied after the one before it committed. Not thread-safe itself.
#pragma once

#include "doorstep/client/sync_engine.h"
#include "scope_purge.h"
#include "session.h"

namespace doorstep::client {

class Puller {
 public:
  Puller(Store& store, Session& session, ScopePurge& purge, const SyncOptions& options)
      : store_(store), session_(session), purge_(purge), options_(options) {}

  // Pulls until the feed is complete. A server restored from a backup (409
  // "restored", or a page of another epoch) starts a re-read from the start with the
  // store's restore check (store.h); the re-read that completes it ends the check:
  // cases no longer delivered are purged as revocations and what the server lacks is
  // queued again (summary.resent) for the caller to push.
  Status pull_all(SyncSummary& summary);
  // Starts the restore check for a restore the caller noticed (a refused push).
  Status begin_restore(const Session::Restored& notice, SyncSummary& summary);

  // One page of the feed as received: validated whole before anything is applied.
  struct Page {
    protocol::ChangesResponse changes;
    std::int64_t bytes = 0;  // body size on the wire (after gzip is undone)
  };

 private:
  // Fetches through the session (token refresh, errors reported), on this thread.
  Result<Page> fetch(const std::string& cursor, bool since_base);
  Status apply(const Page& page, SyncSummary& summary);
  // The restore point while a restore check runs (meta "restore_base"), else nullopt.
  Result<std::optional<std::int64_t>> restore_base();
  Status finish_restore(SyncSummary& summary);

  Store& store_;
  Session& session_;
  ScopePurge& purge_;
  const SyncOptions& options_;
};

}  // namespace doorstep::client
