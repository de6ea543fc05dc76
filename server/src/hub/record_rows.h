// Record rows: how a ServerRecord (state + per-field stamps) and its scope columns
// are kept in the record table, and the global sequence that numbers every write.
// Functions take the caller's connection and run inside its transaction.
// Stateless: thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "doorstep/protocol/merge.h"
#include "hub/scope.h"
#include "storage/sql_backend.h"

namespace doorstep::server {

struct StoredRecord {
  protocol::ServerRecord state;
  ScopeColumns scope;
};

// The columns of record, in the order row_to_stored() reads them.
extern const char* const kRecordColumns;
// with_stamps = false skips parsing the per-field stamps (the changes feed sends
// states only); the stamps of the result are then empty.
Result<StoredRecord> row_to_stored(const SqlRow& row, bool with_stamps = true);

Result<std::optional<StoredRecord>> load_record(SqlBackend& db, const std::string& type, const std::string& id);
// Writes the state (update, else insert) with its scope columns. The caller has set
// state.record.rev to a sequence number from next_seq(). known_new: the caller read in
// this write transaction that no row exists, so it is inserted without trying an update.
Status save_record(SqlBackend& db, const protocol::ServerRecord& state, const ScopeColumns& scope,
                   bool known_new = false);

// The next global sequence number. Must run inside a write transaction (else
// store/internal): write transactions run one at a time on every engine (SQLite's
// BEGIN IMMEDIATE, PostgreSQL's writer advisory lock), each seeing the one before, so
// sequence numbers commit in order and the changes feed never passes over a lower
// number committed later.
Result<std::int64_t> next_seq(SqlBackend& db);
// The highest sequence number committed (as this transaction sees it).
Result<std::int64_t> current_seq(SqlBackend& db);

// Gives an existing record a new revision without changing its state, so feeds that
// now include it deliver it again (reallocation).
Status rerev_record(SqlBackend& db, const std::string& type, const std::string& id);

// Stamps as JSON text: {"fields": {name: {rev, hlc, author}}, "deleted": {...}}.
std::string stamps_to_text(const protocol::ServerRecord& r);

}  // namespace doorstep::server
