// The audit log: who viewed, created, changed, exported, enrolled or revoked what,
// when, on which device, in which role and from where. Device events arrive with
// pushes (stored once by id), and so do a device's changes; the hub adds its own for
// office actions. Never holds case content, only ids.
// Functions take the caller's connection (inside its transaction); thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "doorstep/core/result.h"
#include "storage/sql_backend.h"

namespace doorstep::server {

struct AuditEntry {
  std::string id;           // UUID; a second append with the same id is a no-op
  std::string at;           // ISO 8601 UTC
  std::string actor;        // user name
  std::string device;       // device id, or "office" / "server"
  std::string action;       // viewed, created, changed, exported, enrolled, revoked, purged, ...
  std::string record_type;  // record type, or "device" / "account"
  std::string record_id;
  std::string detail;       // optional short text (a resolution note); may be empty
  std::string received_at;  // when the hub stored it
  std::string role{};       // the actor's role at the time ("" for events from before roles)
  std::string source{};     // the address the request came from ("" when not from a request)
};

// Stores the entry unless one with its id exists. Returns whether it was new.
Result<bool> append_audit(SqlBackend& db, const AuditEntry& entry);
// Stores entries with fresh ids (never seen before: no existence check), several rows
// per statement.
Status append_audit_fresh(SqlBackend& db, const std::vector<AuditEntry>& entries);

struct AuditQuery {
  std::string record_id;  // "" = any
  std::string actor;      // "" = any
  std::int64_t limit = 1000;
};
// Newest first.
Result<std::vector<AuditEntry>> query_audit(SqlBackend& db, const AuditQuery& q);

}  // namespace doorstep::server
