// Conflicts: disagreements the merge could not settle, kept as "conflict" records
// (core schema) so they sync to the workers involved and reach the office's review
// queue. A person resolves them: "kept" leaves the record as it is, "other" writes
// the other value into it as an office change. Thread-safe (stateless over the Hub).
#pragma once

#include <string>
#include <vector>

#include "doorstep/protocol/merge.h"
#include "hub/hub.h"
#include "hub/scope.h"

namespace doorstep::server {

// Stores c (a disagreement about subject) as a new conflict record with its own
// sequence number, inside the caller's write transaction.
Result<Record> record_conflict(Hub& hub, SqlBackend& db, const Record& subject, const ScopeColumns& subject_scope,
                               const protocol::FieldConflict& c);

class Conflicts {
 public:
  explicit Conflicts(Hub& hub) : hub_(hub) {}

  // Oldest first; open_only: resolution not yet set.
  Result<std::vector<Record>> list(bool open_only);
  // resolution "kept" or "other" (invalid_argument otherwise); not_found; conflict
  // when already resolved. note goes to the audit log. Returns the resolved conflict.
  Result<Record> resolve(const std::string& conflict_id, const std::string& resolution, const std::string& note,
                         const std::string& by);

 private:
  Hub& hub_;
};

}  // namespace doorstep::server
