// The audit log: who viewed, created, changed, exported, enrolled or revoked what,
// when, on which device, in which role and from where. Device events arrive with
// pushes (stored once by id), and so do a device's changes; the hub adds its own for
// office actions. Never holds case content, only ids. Append-only: nothing in the
// hub updates or deletes an event, and triggers refuse it on both engines.
// Functions take the caller's connection (inside its transaction); thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "doorstep/core/result.h"
#include "storage/sql_backend.h"

namespace doorstep::server {

struct AuditEntry {
  std::string id;           // UUID; a second append with the same id is a no-op
  std::string at;           // ISO 8601 UTC: when it happened (on the device, for device events)
  std::string actor;        // user name
  std::string device;       // device id, or "office" / "server"
  std::string action;       // viewed, created, changed, exported, enrolled, revoked, purged, ...
  std::string record_type;  // record type, or "device" / "account" / "blob" / "list" / "audit"
  std::string record_id;
  std::string detail;       // optional short text (a resolution note, a list's query); may be empty
  std::string received_at;  // when the hub stored it
  std::string role{};       // the actor's role at the time ("" for events from before roles)
  std::string source{};     // the address the request came from ("" when not from a request)
};

// Stores the entry unless one with its id exists. Returns whether it was new.
Result<bool> append_audit(SqlBackend& db, const AuditEntry& entry);
// Stores entries with fresh ids (never seen before: no existence check), several rows
// per statement.
Status append_audit_fresh(SqlBackend& db, const std::vector<AuditEntry>& entries);

// Where a page ends: the sort key of its last event. Opaque text on the wire.
struct AuditCursor {
  std::string key;  // received_at (the log) or at (an access report) of the last event
  std::string id;
};
std::string encode_audit_cursor(const AuditCursor& c);
// False for text this hub did not make.
bool decode_audit_cursor(const std::string& text, AuditCursor& out);

// A date or timestamp filter on `at` ("YYYY-MM-DD" or ISO 8601) as the bounds the
// queries use: at >= from_bound, at < to_bound. `to` is inclusive: a date covers its
// whole day, a timestamp its millisecond. Errors: invalid_argument naming the field.
Result<std::string> audit_from_bound(const std::string& text);
Result<std::string> audit_to_bound(const std::string& text);

struct AuditQuery {
  std::string record_id;    // "" = any
  std::string record_type;  // "" = any
  std::string actor;        // "" = any
  std::string action;       // "" = any
  std::string from_bound;   // "" = open; see audit_from_bound
  std::string to_bound;     // "" = open; see audit_to_bound
  std::int64_t limit = 100;
  std::optional<AuditCursor> after;  // the previous page's next
};
struct AuditPage {
  std::vector<AuditEntry> events;
  std::optional<AuditCursor> next;  // set when more events may follow
};
// The log, newest stored first (received_at, then id, descending): a walk page by
// page sees every event that existed when it began exactly once, however many arrive
// meanwhile (they sort before the walk's cursor).
Result<AuditPage> query_audit(SqlBackend& db, const AuditQuery& q);

// Every event about a person's records: the person, their cases and every record of
// those cases or about the person (notes, visits, tasks, form submissions, field
// reports, attachments, conflicts), the blobs those attachments reference (events of
// type "blob" naming the sha256) and the lists of a case's form submissions; by
// office staff and devices alike. Newest first by `at` (then id); record_type, actor
// and action filters are not used here.
Result<AuditPage> person_access(SqlBackend& db, const std::string& person_id, const AuditQuery& q);

}  // namespace doorstep::server
