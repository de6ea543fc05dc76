// Derived indexes of the device store: the timeline_entry table and the FTS4 indexes
// (note_fts, person_fts) for rows inserted since the last catch-up. Not thread-safe:
// runs on the store's connection inside its write transaction.
#pragma once

#include "../db/database.h"

namespace doorstep::store {

// Indexes every row above its table's mark (meta 'indexed.<table>') in a few
// set-based statements and raises the mark; must run inside the write transaction
// that inserted the rows, so a committed row is always indexed. Cheap when nothing
// was inserted (two index lookups per table). Updates and deletes of indexed rows
// are kept by triggers (migrations.cpp, migrations 2 and 3).
Status catch_up_derived_indexes(db::Database& db);

}  // namespace doorstep::store
