// Puller: fetches the changes feed page by page from the stored cursor; applies each
// page in one transaction (server states with rebase of pending operations,
// revocations, the new cursor), so a crash between pages resumes from the last
// stored cursor. Applying a pull never records outbox operations.
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

 private:
  Store& store_;
  Session& session_;
  ScopePurge& purge_;
  const SyncOptions& options_;
};

}  // namespace doorstep::client
