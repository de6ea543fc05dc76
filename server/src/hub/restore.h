// Restore: putting a backup back as the hub's database, which starts a new epoch
// (hub/epoch.h) so that devices notice, re-read everything and send again what the
// backup lacks (docs/architecture.md, "Backup and restore").
//   SQLite:     restore_sqlite_hub (doorstep-server --data DIR restore FILE)
//   PostgreSQL: pg_restore, then new_epoch (doorstep-server --database URL new-epoch)
// Both refuse while a server serves a SQLite data directory (storage/data_dir_lock.h);
// for PostgreSQL, stop every instance before pg_restore and start them after
// new-epoch. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "doorstep/core/result.h"
#include "hub/epoch.h"
#include "hub/hub.h"

namespace doorstep::server {

struct RestoreSummary {
  std::int64_t records = 0;             // rows of the record table restored
  EpochInfo epoch;                      // the new epoch (base = the backup's last sequence number)
  std::filesystem::path replaced;       // where the database it replaced was kept ("" if none)
};

// Replaces <data>/hub.db with the backup (a file from backup_sqlite_hub), which must
// be readable with <data>/server.key: the key of the hub that wrote it (copy that key
// into a new data directory first). The backup is checked (quick_check), copied into
// <data>/hub.db.restoring, migrated, given a new epoch there, then renamed into place;
// the database it replaces (its WAL folded in) is kept as
// <data>/hub.db.replaced-<time> (encrypted; delete it when no longer wanted). A failure
// before the rename leaves the data directory as it was. The backup file is not changed.
Result<RestoreSummary> restore_sqlite_hub(const std::filesystem::path& data_dir, const std::filesystem::path& backup,
                                          const std::string& now);

// Starts a new epoch on the hub's database as HubOptions name it (SQLite in data_dir,
// or options.database): for a database restored by other means (pg_restore).
Result<EpochInfo> new_epoch(const HubOptions& options, const std::string& why);

}  // namespace doorstep::server
