#include "hub/conflicts.h"

#include <nlohmann/json.hpp>

#include "doorstep/core/hlc.h"
#include "doorstep/core/json_fields.h"
#include "doorstep/core/schema.h"
#include "hub/audit_log.h"
#include "hub/office_records.h"
#include "hub/record_rows.h"

namespace doorstep::server {

using nlohmann::json;

namespace {

const char* kServerAuthor = "doorstep-server";

}  // namespace

Result<Record> record_conflict(Hub& hub, SqlBackend& db, const Record& subject, const ScopeColumns& subject_scope,
                               const protocol::FieldConflict& c) {
  const RecordType& rt = *find_record_type("conflict");
  auto seq = next_seq(db);
  if (!seq) return seq.error();
  json fields = {{"record_type", subject.type},
                 {"record_id", subject.id},
                 {"field", c.field},
                 {"kept_value", value_to_json(c.kept).dump(-1, ' ', false, json::error_handler_t::replace)},
                 {"other_value", value_to_json(c.other).dump(-1, ' ', false, json::error_handler_t::replace)},
                 {"kept_author", c.kept_author},
                 {"other_author", c.other_author},
                 {"kept_hlc", c.kept_hlc},
                 {"other_hlc", c.other_hlc}};
  if (!subject_scope.case_id.empty()) fields["case_id"] = subject_scope.case_id;
  protocol::MergeContext ctx;
  ctx.author = kServerAuthor;
  ctx.new_rev = *seq;
  ctx.server_now_ms = hub.clock().now_ms();
  auto state = protocol::apply_office_change(rt, std::nullopt, new_uuid(), fields, ctx);
  if (!state) return make_error(ErrorDomain::server, ErrorCode::internal, "cannot record a conflict: " + state.error().message);
  state->record.rev = *seq;
  auto scope = derive_scope(db, state->record);
  if (!scope) return scope.error();
  DOORSTEP_TRY(save_record(db, *state, *scope));
  return state->record;
}

Result<std::vector<Record>> Conflicts::list(bool open_only) {
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  auto rows = (*db)->query(std::string("SELECT ") + kRecordColumns + " FROM record r WHERE r.type = 'conflict' ORDER BY r.rev");
  if (!rows) return rows.error();
  std::vector<Record> out;
  for (const auto& row : *rows) {
    auto s = row_to_stored(row);
    if (!s) return s.error();
    if (open_only && !s->state.record.is_null("resolution")) continue;
    out.push_back(std::move(s->state.record));
  }
  return out;
}

Result<Record> Conflicts::resolve(const std::string& conflict_id, const std::string& resolution, const std::string& note,
                                  const std::string& by) {
  if (resolution != "kept" && resolution != "other")
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "resolution must be \"kept\" or \"other\"");
  auto lease = hub_.pool().lease();
  if (!lease) return lease.error();
  SqlBackend& db = **lease;
  Transaction tx(db);
  DOORSTEP_TRY(tx.begin(TxMode::write));
  auto found = load_record(db, "conflict", conflict_id);
  if (!found) return found.error();
  if (!*found) return make_error(ErrorDomain::server, ErrorCode::not_found, "no such conflict");
  const Record& conflict = (*found)->state.record;
  if (!conflict.is_null("resolution"))
    return make_error(ErrorDomain::server, ErrorCode::conflict, "the conflict is already resolved");

  if (resolution == "other") {
    const std::string type = conflict.text("record_type"), id = conflict.text("record_id"),
                      field = conflict.text("field");
    const json other = json::parse(conflict.text("other_value"), nullptr, false);
    if (other.is_discarded())
      return make_error(ErrorDomain::store, ErrorCode::corrupt, "the conflict's other value is damaged");
    if (field == "deleted") {
      // The merge keeps a refused delete as 0 (kept) / 1 (other).
      const bool deleted = other.is_boolean() ? other.get<bool>() : other.is_number() && other.get<double>() != 0;
      auto done = set_deleted_by_office(hub_, db, type, id, deleted, by);
      if (!done) return done.error();
    } else {
      auto done = write_office_change(hub_, db, type, id, json{{field, other}}, by, OfficeWrite::update);
      if (!done) return done.error();
    }
  }
  const std::string now = hub_.hlc().timestamp();
  auto resolved = write_office_change(hub_, db, "conflict", conflict_id,
                                      json{{"resolution", resolution}, {"resolved_by", by}, {"resolved_at", now}}, by,
                                      OfficeWrite::update);
  if (!resolved) return resolved.error();
  auto a = append_audit(db, {new_uuid(), now, by, "office", "resolved", "conflict", conflict_id,
                             note.substr(0, 2000), now});
  if (!a) return a.error();
  DOORSTEP_TRY(tx.commit());
  return *resolved;
}

}  // namespace doorstep::server
