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

  Status pull_all(SyncSummary& summary);

  // One page of the feed as received: validated whole before anything is applied.
  struct Page {
    protocol::ChangesResponse changes;
    std::int64_t bytes = 0;  // body size on the wire (after gzip is undone)
  };

 private:
  // Fetches through the session (token refresh, errors reported), on this thread.
  Result<Page> fetch(const std::string& cursor);
  Status apply(const Page& page, SyncSummary& summary);

  Store& store_;
  Session& session_;
  ScopePurge& purge_;
  const SyncOptions& options_;
};

}  // namespace doorstep::client
