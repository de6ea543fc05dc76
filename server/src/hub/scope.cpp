#include "hub/scope.h"

#include "doorstep/core/schema.h"
#include "hub/record_rows.h"

namespace doorstep::server {

// The live changes feed (changes.cpp) spells out these branches one by one, for its
// indexes: a change here is a change there.
const char* scope_condition() {
  return "(r.case_id IN (SELECT c.id FROM record c WHERE c.type = 'case' AND c.worker = ? AND c.closed = 0)"
         " OR (r.case_id IS NULL AND r.person_id IN"
         "     (SELECT c.person_id FROM record c WHERE c.type = 'case' AND c.worker = ? AND c.closed = 0))"
         " OR (r.case_id IS NULL AND r.author = ?)"
         // Published forms belong to no case: every worker gets every version.
         " OR r.type = 'form_definition')";
}

SqlParams scope_params(const std::string& worker) { return {worker, worker, worker}; }

Result<ScopeColumns> derive_scope(SqlBackend& db, const Record& r) {
  ScopeColumns s;
  const RecordType* rt = find_record_type(r.type);
  if (rt == nullptr) return make_error(ErrorDomain::server, ErrorCode::internal, "unknown record type " + r.type);
  if (r.type == "case") {
    s.case_id = r.id;
    s.person_id = r.text("person_id");
    s.worker = r.text("worker");
    s.closed = r.deleted || r.text("status") == "closed";
    return s;
  }
  if (r.type == "person") {
    s.person_id = r.id;
    return s;
  }
  if (!rt->case_field.empty()) s.case_id = r.text(std::string(rt->case_field));
  if (r.type == "field_report") s.author = r.text("reporter");
  auto inherit = [&](const std::string& type, const std::string& id) -> Status {
    if (find_record_type(type) == nullptr || id.empty()) return {};
    auto subject = load_record(db, type, id);
    if (!subject) return subject.error();
    if (!*subject) return {};
    const ScopeColumns& of = (*subject)->scope;
    if (s.case_id.empty()) s.case_id = of.case_id;
    if (s.author.empty()) s.author = of.author;
    if (type == "person") s.person_id = of.person_id;
    return {};
  };
  if (r.type == "attachment") {
    s.blob_sha256 = r.text("sha256");
    DOORSTEP_TRY(inherit(r.text("owner_type"), r.text("owner_id")));
  }
  if (r.type == "conflict") DOORSTEP_TRY(inherit(r.text("record_type"), r.text("record_id")));
  return s;
}

namespace {

// The answer remembered in known, else the query's (then remembered).
Result<bool> answer(SqlBackend& db, std::map<std::string, bool>* known, const std::string& id, const char* sql,
                    const std::string& worker) {
  if (known)
    if (auto it = known->find(id); it != known->end()) return it->second;
  auto rows = db.query(sql, {id, worker});
  if (!rows) return rows.error();
  if (known) (*known)[id] = !rows->empty();
  return !rows->empty();
}

}  // namespace

Result<bool> case_in_scope(SqlBackend& db, const std::string& worker, const std::string& case_id,
                           ScopeAnswers* answers) {
  if (worker.empty() || case_id.empty()) return false;
  return answer(db, answers ? &answers->cases : nullptr, case_id,
                "SELECT 1 FROM record WHERE type = 'case' AND id = ? AND worker = ? AND closed = 0", worker);
}

Result<bool> in_scope(SqlBackend& db, const std::string& worker, const ScopeColumns& c, ScopeAnswers* answers) {
  if (worker.empty()) return false;
  // A record on a case goes where the case goes (a report filed on a case leaves the
  // worker with the case); the worker's own reports with no case stay theirs.
  if (!c.case_id.empty()) return case_in_scope(db, worker, c.case_id, answers);
  if (!c.author.empty() && c.author == worker) return true;
  if (!c.person_id.empty())
    return answer(db, answers ? &answers->people : nullptr, c.person_id,
                  "SELECT 1 FROM record WHERE type = 'case' AND person_id = ? AND worker = ? AND closed = 0 LIMIT 1",
                  worker);
  return false;
}

std::string identity_field(const std::string& record_type) {
  if (record_type == "field_report") return "reporter";
  if (record_type == "case_note") return "author";
  if (record_type == "task_completion") return "completed_by";
  if (record_type == "form_submission") return "submitted_by";
  return "";
}

}  // namespace doorstep::server
