// Epochs: which history of the hub's database a device has seen. A hub's history is
// one sequence of numbered writes; restoring a backup (or a pg_restore) starts a new
// history from an older point, so sequence numbers and revisions a device saw before
// no longer mean the same. Each history is an epoch: meta "epoch" (a random id) and
// "epoch_base" (the sequence number it began at: the restored backup's last one; 0 or
// absent for a hub never restored). Cursors carry a tag of their epoch, pushes name
// the epoch they were made in; either from another epoch is answered 409 "restored".
// Functions take the caller's connection; stateless, thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "doorstep/core/result.h"
#include "storage/sql_backend.h"

namespace doorstep::server {

struct EpochInfo {
  std::string epoch;          // the current epoch's id
  std::int64_t base = 0;      // the sequence number it began at
};

// A request that named another epoch (or a cursor ahead of this history): what the
// HTTP layer needs to answer 409 "restored" with the current epoch.
struct EpochMismatch {
  bool happened = false;
  std::string message;
  EpochInfo current;
};

// Reads the current epoch inside the caller's transaction (store/corrupt if the hub
// has none; Hub::open makes the first).
Result<EpochInfo> read_epoch(SqlBackend& db);

// Starts a new epoch: a new id, base = the highest sequence number committed, its
// start time, and an audit event ("new_epoch", detail = why), in one write
// transaction. Run it on a restored database before any server serves it.
Result<EpochInfo> start_new_epoch(SqlBackend& db, const std::string& now, const std::string& why);

// The short form of an epoch carried in cursors: 12 hex digits of its SHA-256.
std::string epoch_tag(const std::string& epoch);

}  // namespace doorstep::server
