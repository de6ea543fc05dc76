#include "hub/office_records.h"

#include "doorstep/core/hlc.h"
#include "doorstep/core/json_fields.h"
#include "doorstep/core/schema.h"
#include "doorstep/core/store.h"
#include "doorstep/protocol/merge.h"
#include "hub/accounts.h"
#include "hub/audit_log.h"
#include "hub/record_rows.h"
#include "hub/record_rules.h"
#include "hub/scope.h"

namespace doorstep::server {

using nlohmann::json;

namespace {

Error invalid(const std::string& msg) { return make_error(ErrorDomain::input, ErrorCode::invalid_argument, msg); }

// The worker who holds a case: its allocated worker while it is open.
std::string holder(const ScopeColumns& s) { return s.closed ? std::string() : s.worker; }

Result<bool> exists(SqlBackend& db, const std::string& type, const std::string& id) {
  auto rows = db.query("SELECT 1 FROM record WHERE type = ? AND id = ?", {type, id});
  if (!rows) return rows.error();
  return !rows->empty();
}

// The case left old_holder and/or reached new_holder.
Status hand_over(SqlBackend& db, const Record& the_case, const std::string& old_holder, const std::string& new_holder) {
  if (!old_holder.empty()) {
    auto seq = next_seq(db);
    if (!seq) return seq.error();
    // When it happened (the office change's server clock): changes the old holder made
    // before then are still accepted from their devices (push.cpp).
    auto when = Hlc::decode(the_case.hlc);
    const std::int64_t at_ms = when ? when->millis : 0;
    auto ins = db.exec("INSERT INTO revocation (seq, worker, case_id, at_ms) VALUES (?, ?, ?, ?)",
                       {*seq, old_holder, the_case.id, at_ms});
    if (!ins) return ins.error();
  }
  if (new_holder.empty()) return {};
  const std::string person = the_case.text("person_id");
  if (!person.empty()) DOORSTEP_TRY(rerev_record(db, "person", person));
  DOORSTEP_TRY(rerev_record(db, "case", the_case.id));
  // Tasks before their completions; attachments, conflicts and the rest after.
  auto rows = db.query(
      "SELECT type, id FROM record WHERE (case_id = ? AND type <> 'case')"
      " OR (person_id = ? AND case_id IS NULL AND type = 'conflict')"
      " ORDER BY CASE type WHEN 'task' THEN 0 WHEN 'field_report' THEN 1 WHEN 'conflict' THEN 3 ELSE 2 END, rev",
      {the_case.id, person});
  if (!rows) return rows.error();
  for (const auto& r : *rows) DOORSTEP_TRY(rerev_record(db, r.text(0), r.text(1)));
  return {};
}

// Saves next (rev already set) and, for a case, hands it over if its holder changed.
Status store(SqlBackend& db, const protocol::ServerRecord& next, const std::optional<ScopeColumns>& before) {
  auto scope = derive_scope(db, next.record);
  if (!scope) return scope.error();
  DOORSTEP_TRY(save_record(db, next, *scope));
  if (next.record.type == "case") {
    const std::string old_holder = before ? holder(*before) : std::string();
    const std::string new_holder = holder(*scope);
    if (old_holder != new_holder) DOORSTEP_TRY(hand_over(db, next.record, old_holder, new_holder));
  }
  return {};
}

}  // namespace

Result<Record> write_office_change(Hub& hub, SqlBackend& db, const std::string& type, const std::string& id,
                                   const json& fields_in, const std::string& by, OfficeWrite mode) {
  const RecordType* rt = find_record_type(type);
  if (rt == nullptr) return invalid("unknown record type");
  if (!is_record_id(id)) return invalid("a record id is 1-64 letters, digits, '.', '-' or '_'");
  if (!fields_in.is_object()) return invalid("\"fields\" must be an object");
  auto current = load_record(db, type, id);
  if (!current) return current.error();
  if (mode == OfficeWrite::create && *current)
    return make_error(ErrorDomain::server, ErrorCode::already_exists, "a " + type + " with that id exists");
  if (mode == OfficeWrite::update && !*current)
    return make_error(ErrorDomain::server, ErrorCode::not_found, "no such " + type);

  json fields = fields_in;
  if (!*current) {
    // What a new record starts as unless the office says otherwise.
    if (type == "case" && !fields.contains("status")) fields["status"] = "open";
    if (type == "case" && !fields.contains("opened_at")) fields["opened_at"] = hub.hlc().timestamp();
    if (type == "visit" && !fields.contains("status")) fields["status"] = "planned";
  }
  for (const auto& [name, value] : fields.items()) {
    const FieldSpec* spec = rt->field(name);
    if (spec == nullptr) return invalid(type + " has no field \"" + name.substr(0, 40) + "\"");
    if (*current && spec->merge == MergePolicy::fixed) {
      auto now = value_from_json(*spec, value);
      if (!now) return invalid(now.error().message);
      if (*now != (*current)->state.record.fields[name]) return invalid(type + "." + name + " cannot change");
    }
  }

  auto seq = next_seq(db);
  if (!seq) return seq.error();
  protocol::MergeContext ctx;
  ctx.author = by;
  ctx.new_rev = *seq;
  ctx.server_now_ms = hub.clock().now_ms();
  std::optional<protocol::ServerRecord> base;
  std::optional<ScopeColumns> before;
  if (*current) {
    base = (*current)->state;
    before = (*current)->scope;
  }
  auto next = protocol::apply_office_change(*rt, base, id, fields, ctx);
  if (!next) return invalid(next.error().message);
  next->record.type = type;
  next->record.id = id;
  next->record.rev = *seq;
  DOORSTEP_TRY(check_record_state(next->record));

  // References the office gives must exist.
  if (type == "case") {
    auto p = exists(db, "person", next->record.text("person_id"));
    if (!p) return p.error();
    if (!*p) return invalid("case.person_id names no person");
    const std::string worker = next->record.text("worker");
    if (!worker.empty()) {
      auto account = Accounts(hub).find(db, worker);
      if (!account) return account.error();
      if (!*account || (*account)->role != "worker") return invalid("case.worker names no worker account");
    }
  } else if (!rt->case_field.empty() && !next->record.is_null(std::string(rt->case_field))) {
    auto c = exists(db, "case", next->record.text(std::string(rt->case_field)));
    if (!c) return c.error();
    if (!*c) return invalid(type + "." + std::string(rt->case_field) + " names no case");
  }
  DOORSTEP_TRY(store(db, *next, before));
  hub.hlc().observe(next->record.hlc, protocol::kMaxClockAheadMs);
  // A hand-over gave the case a newer revision than the one just written.
  if (type == "case") {
    auto again = load_record(db, type, id);
    if (!again) return again.error();
    if (*again) return (*again)->state.record;
  }
  return next->record;
}

Result<Record> set_deleted_by_office(Hub& hub, SqlBackend& db, const std::string& type, const std::string& id,
                                     bool deleted, const std::string& by) {
  auto current = load_record(db, type, id);
  if (!current) return current.error();
  if (!*current) return make_error(ErrorDomain::server, ErrorCode::not_found, "no such " + type);
  auto seq = next_seq(db);
  if (!seq) return seq.error();
  protocol::ServerRecord next = (*current)->state;
  next.record.deleted = deleted;
  next.record.rev = *seq;
  next.record.hlc = hub.hlc().tick();
  next.deleted_stamp = protocol::FieldStamp{*seq, next.record.hlc, by};
  DOORSTEP_TRY(store(db, next, (*current)->scope));
  return next.record;
}

Result<Record> OfficeRecords::write(const std::string& type, const std::string& id, const json& fields,
                                    const std::string& by, OfficeWrite mode, const char* action) {
  auto lease = hub_.pool().lease();
  if (!lease) return lease.error();
  SqlBackend& db = **lease;
  Transaction tx(db);
  DOORSTEP_TRY(tx.begin(TxMode::write));
  auto r = write_office_change(hub_, db, type, id, fields, by, mode);
  if (!r) return r.error();
  const std::string now = hub_.hlc().timestamp();
  auto a = append_audit(db, {new_uuid(), now, by, "office", action, type, id, "", now});
  if (!a) return a.error();
  DOORSTEP_TRY(tx.commit());
  return r;
}

Result<Record> OfficeRecords::create(const std::string& type, const std::string& id, const json& fields,
                                     const std::string& by) {
  return write(type, id.empty() ? new_uuid() : id, fields, by, OfficeWrite::create, "created");
}

Result<Record> OfficeRecords::update(const std::string& type, const std::string& id, const json& fields,
                                     const std::string& by) {
  return write(type, id, fields, by, OfficeWrite::update, "changed");
}

Result<Record> OfficeRecords::put(const std::string& type, const std::string& id, const json& fields,
                                  const std::string& by, bool* created) {
  {
    auto db = hub_.pool().lease();
    if (!db) return db.error();
    auto found = load_record(**db, type, id);
    if (!found) return found.error();
    *created = !*found;
  }
  // A racing writer may change which it is; the write itself decides and is correct.
  return write(type, id, fields, by, OfficeWrite::upsert, *created ? "created" : "changed");
}

Result<Record> OfficeRecords::allocate(const std::string& case_id, const std::string& worker, const std::string& team,
                                       const std::string& by) {
  json fields = {{"worker", worker.empty() ? json(nullptr) : json(worker)}};
  if (!team.empty()) fields["team"] = team;
  return write("case", case_id, fields, by, OfficeWrite::update, "allocated");
}

}  // namespace doorstep::server
