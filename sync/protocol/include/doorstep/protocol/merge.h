// Server-side merge (docs/design.md, "Records"
// and "Sync"): how one device operation combines
// with the record's current server state, driven by the schema's per-field merge
// policies (schema.h). One table-driven module for every record type.
// Pure functions over values; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "doorstep/core/record.h"
#include "doorstep/core/schema.h"
#include "doorstep/protocol/messages.h"

namespace doorstep::protocol {

// When and by whom a field last changed on the server.
struct FieldStamp {
  std::int64_t rev = 0;  // server revision of the change
  std::string hlc;       // clock of the change (clamped device clock or server clock)
  std::string author;    // worker or office user name
};

// A record as the server keeps it: the state plus a stamp per field, so that
// "changed since the operation's base revision" is answerable per field.
struct ServerRecord {
  Record record;
  std::map<std::string, FieldStamp> stamps;
  FieldStamp deleted_stamp;  // when deleted was last set
};

struct MergeContext {
  std::string author;                  // the worker the device belongs to
  std::int64_t new_rev = 0;            // the revision this change will get
  std::int64_t server_now_ms = 0;      // the server's wall clock
  std::int64_t max_clock_ahead_ms = kMaxClockAheadMs;
};

// A disagreement a person must settle: both values, both authors, both clocks.
struct FieldConflict {
  std::string field;
  Value kept;   // the value now in the record
  Value other;  // the value that lost
  std::string kept_author, other_author, kept_hlc, other_hlc;
};

struct MergeResult {
  Outcome outcome = Outcome::rejected;
  std::string reason;                    // for rejected: why, in a worker's words
  std::optional<ServerRecord> next;      // the new state (absent when rejected)
  std::vector<FieldConflict> conflicts;  // non-empty iff outcome == conflict
};

// Merges one device operation into the current state (nullopt: the server has no
// such record). Rules:
//  - types the device may not create (office_owned kinds such as conflict) and fields
//    with MergePolicy::office_owned: rejected, naming the field;
//  - fixed fields may be set on create only; changing them is rejected;
//  - finalisable (notes) and immutable / append-only types: create only; a retried
//    create with identical content is applied, different content is rejected;
//  - per field: unchanged on the server since base_rev -> applied; otherwise by policy:
//    later_wins (later clamped HLC wins; equal HLCs break by device id; the losing
//    value is kept in a FieldConflict when the values differ), status_lattice
//    (planned < under_way < {completed, no_access, cancelled}: the higher wins with
//    outcome merged; two different final states -> later HLC wins + conflict),
//    set_union ({"add", "remove"} applied to the server's set; never a conflict);
//  - delete: soft; if any field changed on the server since base_rev, the record is
//    kept and a conflict records the refused delete (field "deleted");
//  - an edit to a record the server deleted since base_rev undeletes it with a conflict.
// Device clocks more than max_clock_ahead_ms ahead of the server are clamped first.
// Details the rules above leave open:
//  - "changed since base_rev" counts changes by the office or another device only: a
//    device's own earlier operations (queued before it heard back, so still carrying
//    the old base_rev) come in its sequence order and are not concurrent with it;
//  - office-owned fields: on create a device may give only the starting value
//    (a field report's status "reported"); a repeated create never overrides the office;
//  - any edit to a deleted record undeletes it with a conflict, whenever it was deleted;
//  - every outcome but rejected yields rev = ctx.new_rev and hlc = max(current, clamped
//    clock), even where the server's values won, so the device pulls the winning state;
//  - an operation whose clock names the device "server" (the office's clocks) is rejected.
MergeResult merge_operation(const RecordType& type, const std::optional<ServerRecord>& current,
                            const Operation& op, const MergeContext& ctx);

// An office change (people, cases, allocation, visits, conflict resolution): fields
// are set as given (typed per the schema), stamped with ctx.author and the server's
// clock. invalid_argument for unknown fields or mistyped values; immutable for a change
// to a fixed field of an existing record (fixed holds for the office too).
Result<ServerRecord> apply_office_change(const RecordType& type, const std::optional<ServerRecord>& current,
                                         const std::string& id, const nlohmann::json& fields,
                                         const MergeContext& ctx);

// The device's clock, clamped to server_now_ms + max_ahead_ms.
std::string clamp_hlc(const std::string& hlc, std::int64_t server_now_ms, std::int64_t max_ahead_ms);

// The rank of a visit status in the lattice: planned 0, under_way 1, finals 2; -1 unknown.
int visit_status_rank(const std::string& status);

}  // namespace doorstep::protocol
