// Scope: what a worker may see and change (docs/design.md, "Sync").
//
// A worker's scope is the cases allocated to them and not closed; the people on
// those cases; every record whose case is one of those (form submissions included);
// conflicts about any of them; the field reports they made (with what hangs off
// them); and every published form definition, which belongs to no case. The office
// sees everything.
//
// Each stored record carries scope columns derived from its state (ScopeColumns),
// so every check here and the changes feed are indexed SQL, one predicate for all
// record types. Functions take the caller's connection (inside their transaction).
// Stateless: thread-safe.
#pragma once

#include <map>
#include <string>

#include "doorstep/core/record.h"
#include "doorstep/core/result.h"
#include "storage/sql_backend.h"

namespace doorstep::server {

struct ScopeColumns {
  std::string case_id;    // the owning case ("" for none); a case's own id
  std::string person_id;  // person: own id; case: its person; conflict about a person: that person
  std::string worker;     // case: the allocated worker
  bool closed = false;    // case: closed or deleted
  std::string author;     // field report: the reporter; attachments and conflicts of a report: that reporter
  std::string blob_sha256;  // attachment: the blob it references
};

// Derives the columns of a record's state; looks up an attachment's owner and a
// conflict's subject to inherit theirs.
Result<ScopeColumns> derive_scope(SqlBackend& db, const Record& record);

// The SQL condition "record r is in the scope of worker ?", for a record table
// aliased r. Binds the worker name three times (scope_params()).
const char* scope_condition();
SqlParams scope_params(const std::string& worker);

// Answers already read for one worker inside one write transaction: a push asks
// about the same case for each of its operations. The transaction holds the writer
// lock, so only its own writes can change an answer: forget() after saving a case.
struct ScopeAnswers {
  std::map<std::string, bool> cases;   // case id -> allocated to the worker and open
  std::map<std::string, bool> people;  // person id -> one of the worker's open cases is theirs
  void forget() {
    cases.clear();
    people.clear();
  }
};

// True when columns describe a record in worker's scope. answers: remembered and
// reused, or nullptr to read every time.
Result<bool> in_scope(SqlBackend& db, const std::string& worker, const ScopeColumns& columns,
                      ScopeAnswers* answers = nullptr);
// True when the case is allocated to worker and not closed.
Result<bool> case_in_scope(SqlBackend& db, const std::string& worker, const std::string& case_id,
                           ScopeAnswers* answers = nullptr);

// Record types whose identity field must name the worker who creates them
// (a worker cannot write a note or report in someone else's name): field name or "".
std::string identity_field(const std::string& record_type);

}  // namespace doorstep::server
