// Office changes to records: people, cases and their allocation, visits, tasks,
// field report status, conflict resolutions. One write path for all of them
// (protocol::apply_office_change, then the record rules, then the scope columns).
//
// When a case's holder changes (the worker it is allocated to while open:
// allocation, reallocation, closing, reopening), the hub
//   - adds revocation(seq, old worker, case) so the old worker's devices purge it;
//   - gives the person, the case and every record of the case new revisions, in
//     that order (tasks before their completions), so the new worker's devices pull
//     the whole case and each page can be applied on its own.
// Stateless over the Hub: thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "doorstep/core/record.h"
#include "hub/hub.h"
#include "storage/sql_backend.h"

namespace doorstep::server {

enum class OfficeWrite {
  create,  // already_exists if the id is taken
  update,  // not_found if absent
  upsert,  // either
};

// Inside the caller's write transaction. fields: the record's fields by name, typed
// per the schema. invalid_argument for unknown fields, mistyped values, a broken
// rule, a reference to a missing person or case, or a change to a fixed field.
Result<Record> write_office_change(Hub& hub, SqlBackend& db, const std::string& type, const std::string& id,
                                   const nlohmann::json& fields, const std::string& by, OfficeWrite mode);
// Sets or clears a record's soft delete as an office decision (a refused delete the
// office then allows).
Result<Record> set_deleted_by_office(Hub& hub, SqlBackend& db, const std::string& type, const std::string& id,
                                     bool deleted, const std::string& by);

class OfficeRecords {
 public:
  explicit OfficeRecords(Hub& hub) : hub_(hub) {}

  // One transaction each; audit events "created" / "changed" / "allocated".
  // id "" on create: a new UUID.
  Result<Record> create(const std::string& type, const std::string& id, const nlohmann::json& fields,
                        const std::string& by);
  Result<Record> update(const std::string& type, const std::string& id, const nlohmann::json& fields,
                        const std::string& by);
  // Creates the record if absent, else updates it. *created says which.
  Result<Record> put(const std::string& type, const std::string& id, const nlohmann::json& fields,
                     const std::string& by, bool* created);
  // worker "" unallocates; an unknown worker is invalid_argument. team "" keeps the team.
  Result<Record> allocate(const std::string& case_id, const std::string& worker, const std::string& team,
                          const std::string& by);

 private:
  Result<Record> write(const std::string& type, const std::string& id, const nlohmann::json& fields,
                       const std::string& by, OfficeWrite mode, const char* action);
  Hub& hub_;
};

}  // namespace doorstep::server
