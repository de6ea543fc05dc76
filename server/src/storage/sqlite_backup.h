// Backup of a SQLite hub: a consistent copy of <data>/hub.db, taken while the server
// keeps running. Thread-safe (no shared state). A PostgreSQL hub is backed up with
// pg_dump instead (docs/architecture.md, "Backup and restore").
#pragma once

#include <cstdint>
#include <filesystem>

#include "doorstep/core/result.h"

namespace doorstep::server {

struct BackupSummary {
  std::int64_t bytes = 0;    // size of the written file
  std::int64_t records = 0;  // rows of the record table in the copy
};

// Writes the copy to file: encrypted under the same <data>/server.key (which the
// copy needs to be read, and which is NOT in it), one self-contained file (no -wal),
// mode 0600, checked with quick_check, written to file.partial and renamed into
// place only when whole. Refuses to overwrite an existing file, and a data
// directory without a hub database or key (it never makes them).
Result<BackupSummary> backup_sqlite_hub(const std::filesystem::path& data_dir, const std::filesystem::path& file);

}  // namespace doorstep::server
