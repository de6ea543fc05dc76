// Pusher: sends the outbox in sequence order, in batches, with unsent audit events
// and purge reports; applies each answer in one store transaction (acknowledged
// operations leave the outbox, rejected ones move to the quarantine). Attachments
// referenced by a batch are uploaded first.
#pragma once

#include "blob_transfer.h"
#include "scope_purge.h"
#include "doorstep/client/sync_engine.h"
#include "session.h"

namespace doorstep::client {

class Pusher {
 public:
  Pusher(Store& store, Session& session, BlobTransfer& blobs, ScopePurge& purge, const SyncOptions& options)
      : store_(store), session_(session), blobs_(blobs), purge_(purge), options_(options) {}

  // Pushes until the outbox and unsent audit events are empty.
  Status push_all(SyncSummary& summary);

 private:
  Store& store_;
  Session& session_;
  BlobTransfer& blobs_;
  ScopePurge& purge_;
  const SyncOptions& options_;
};

}  // namespace doorstep::client
