// Rebase: a server state with the device's pending outbox operations for that record
// re-applied on top, in sequence order (docs/design.md, "Sync"). Private to core; used
// by Writer::apply_server_state and the re-check after a server restore.
#pragma once

#include "../db/database.h"
#include "doorstep/core/record.h"
#include "doorstep/core/schema.h"

namespace doorstep::store {

// The record as the device shows it once state is its base: state's fields (every
// schema field present, null when unset) with the fields of every pending operation
// for (state.type, state.id) applied; the clock is the later of state's and the
// newest operation's; a pending change keeps a deleted record (edit beats delete).
Result<Record> rebase_on_pending(db::Database& db, const RecordType& rt, const Record& state);

}  // namespace doorstep::store
