// The hub's database schema as numbered, forward-only migrations, each applied in
// one transaction with its schema_version row. SQL is portable (sql_backend.h).
// Thread-safety: run at start-up. Safe when several processes start at once on one
// database: every step holds the writer lock (migrate() in migrations.cpp).
#pragma once

#include "storage/sql_backend.h"

namespace doorstep::server {

// The version this build writes.
int latest_schema_version();

// Brings the database up to latest_schema_version(). A database newer than this
// build is refused (store/invalid_argument), never downgraded.
Status migrate(SqlBackend& db);

}  // namespace doorstep::server
