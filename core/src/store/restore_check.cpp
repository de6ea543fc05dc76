// The store's side of sync after a server restore (store.h, "After the server's
// history was restored"): marking what to check, comparing each marked record with
// the restored server's state, and queueing again what the server lost.
// Also the rebase of a server state on pending operations (rebase.h).
#include <nlohmann/json.hpp>
#include <map>
#include <set>

#include "../db/database.h"
#include "doorstep/core/clock.h"
#include "doorstep/core/json_fields.h"
#include "doorstep/core/store.h"
#include "outbox_json.h"
#include "rebase.h"
#include "record_sql.h"

namespace doorstep {

namespace store {

Result<Record> rebase_on_pending(db::Database& db, const RecordType& rt, const Record& state) {
  auto ops = db.prepare("SELECT fields, hlc FROM outbox WHERE record_type = ? AND record_id = ? ORDER BY seq");
  if (!ops) return ops.error();
  (*ops)->bind(1, state.type).bind(2, state.id);
  Record r = state;
  for (const auto& f : rt.fields) r.fields.try_emplace(std::string(f.name), Value{});
  bool rebased = false;
  for (;;) {
    auto row = (*ops)->step();
    if (!row) return row.error();
    if (!*row) break;
    auto fields = nlohmann::json::parse((*ops)->text(0), nullptr, false);
    if (!fields.is_object()) continue;
    for (const auto& [name, change] : fields.items()) {
      const FieldSpec* spec = rt.field(name);
      if (spec == nullptr) continue;
      auto v = apply_field_change(*spec, r.fields[name], change);
      if (v) r.fields[name] = *v;
    }
    const std::string op_hlc = (*ops)->text(1);
    if (op_hlc > r.hlc) r.hlc = op_hlc;
    rebased = true;
  }
  (*ops)->reset();
  if (rebased) r.deleted = false;  // a pending local edit keeps the record (edit beats delete)
  return r;
}

}  // namespace store

namespace {

// Meta keys "restore:<type>:<id>" mark records still to be checked; ':' < ';', so
// [prefix, prefix with ';') is exactly the marks (of one type, or of all).
const std::string kMark = "restore:";
const std::string kMarksEnd = "restore;";

std::string mark_key(const std::string& type, const std::string& id) { return kMark + type + ":" + id; }

bool checked_type(const RecordType& rt) { return rt.kind != RecordKind::local_only && rt.name != "audit_event"; }

// Fields whose value a device may send in an update (the rest are the office's or fixed).
bool device_writes(const FieldSpec& f) {
  return f.merge == MergePolicy::later_wins || f.merge == MergePolicy::status_lattice ||
         f.merge == MergePolicy::set_union;
}

std::set<std::string> as_set(const Value& v) {
  std::set<std::string> out;
  if (const auto* s = std::get_if<std::string>(&v)) {
    auto arr = nlohmann::json::parse(*s, nullptr, false);
    if (arr.is_array())
      for (const auto& e : arr)
        if (e.is_string()) out.insert(e.get<std::string>());
  }
  return out;
}

std::optional<double> as_number(const Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  return std::nullopt;
}

// The same value as far as the field's meaning goes: sets in any order, timestamps as
// instants (the server writes them with milliseconds), numbers whatever their form.
bool same_field(const FieldSpec& f, const Value& a, const Value& b) {
  const bool a_null = std::holds_alternative<std::monostate>(a), b_null = std::holds_alternative<std::monostate>(b);
  if (a_null || b_null) {
    if (f.type == FieldType::text_set) return as_set(a) == as_set(b);  // null and [] alike
    return a_null && b_null;
  }
  switch (f.type) {
    case FieldType::text_set: return as_set(a) == as_set(b);
    case FieldType::timestamp: {
      const auto* x = std::get_if<std::string>(&a);
      const auto* y = std::get_if<std::string>(&b);
      if (x && y) {
        auto tx = parse_timestamp(*x), ty = parse_timestamp(*y);
        if (tx && ty) return *tx == *ty;
      }
      return a == b;
    }
    case FieldType::integer:
    case FieldType::real: {
      auto x = as_number(a), y = as_number(b);
      if (x && y) return *x == *y;
      return a == b;
    }
    case FieldType::text: return a == b;
  }
  return a == b;
}

Result<std::vector<std::string>> mark_keys(db::Database& db, const std::string& from, const std::string& to) {
  auto st = db.prepare("SELECT key FROM meta WHERE key > ? AND key < ? ORDER BY key");
  if (!st) return st.error();
  (*st)->bind(1, from).bind(2, to);
  std::vector<std::string> out;
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back((*st)->text(0));
  }
  (*st)->reset();
  return out;
}

}  // namespace

// The copy's clock as this device's: its time, with this device named (the hub takes
// a device's operations only under that device's name).
static std::string clock_as_mine(Store& store, const std::string& hlc) {
  auto h = Hlc::decode(hlc);
  if (!h) return store.hlc_clock().now().encode();
  h->device = store.device_id();
  return h->encode();
}

static Status queue_operation(Store& store, const RecordType& rt, const Record& r, const std::string& action,
                              std::int64_t base_rev, const nlohmann::json& fields) {
  std::string case_id;
  if (rt.name == "case") case_id = r.id;
  else if (!rt.case_field.empty()) case_id = r.text(std::string(rt.case_field));
  auto st = store.database().prepare(
      "INSERT INTO outbox (op_id, record_type, record_id, case_id, action, base_rev, fields, hlc) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) return st.error();
  (*st)->bind(1, new_uuid()).bind(2, r.type).bind(3, r.id);
  if (case_id.empty()) (*st)->bind_null(4);
  else (*st)->bind(4, case_id);
  (*st)->bind(5, action).bind(6, base_rev);
  (*st)->bind(7, fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  (*st)->bind(8, clock_as_mine(store, r.hlc));
  return (*st)->run();
}

Status Writer::begin_restore_check(const std::string& epoch, std::int64_t base) {
  auto& db = store_.database();
  for (const auto& rt : record_types()) {
    if (!checked_type(rt)) continue;
    // Names come from the schema table, never from input.
    DOORSTEP_TRY(db.exec("INSERT OR REPLACE INTO meta(key, value) SELECT '" + kMark + std::string(rt.name) +
                         ":' || id, '' FROM " + std::string(rt.table) + " WHERE rev > 0"));
  }
  auto ops = db.prepare("UPDATE outbox SET base_rev = ?1 WHERE base_rev > ?1");
  if (!ops) return ops.error();
  DOORSTEP_TRY((*ops)->bind(1, base).run());
  DOORSTEP_TRY(db.exec("UPDATE audit_event SET rev = 0 WHERE rev <> 0"));
  DOORSTEP_TRY(set_meta("sync_cursor", ""));
  DOORSTEP_TRY(set_meta("server_epoch", epoch));
  DOORSTEP_TRY(set_meta("restore_base", std::to_string(base)));
  return set_meta("server_restored_at", format_timestamp(store_.clock().now_ms()));
}

Result<int> Writer::apply_restored_state(const Record& state, std::int64_t base,
                                         const std::vector<std::string>& changed_since_base) {
  const RecordType* rt = find_record_type(state.type);
  if (rt == nullptr)
    return make_error(ErrorDomain::sync, ErrorCode::invalid_argument,
                      "unknown record type from server: " + state.type.substr(0, 40));
  auto& db = store_.database();
  auto unmark = db.prepare("DELETE FROM meta WHERE key = ?");
  if (!unmark) return unmark.error();
  DOORSTEP_TRY((*unmark)->bind(1, mark_key(state.type, state.id)).run());
  const bool marked = db.changes() > 0;
  std::optional<Record> copy;
  if (marked) {
    auto local = store::read_record(db, *rt, state.id);
    if (!local) return local.error();
    copy = std::move(*local);
  }
  int queued = 0;
  if (copy) {
    auto server = store::rebase_on_pending(db, *rt, state);
    if (!server) return server.error();
    // What the server changed after the restore is later than anything the copy holds.
    const std::set<std::string> changed(changed_since_base.begin(), changed_since_base.end());
    std::string action;
    nlohmann::json fields = nlohmann::json::object();
    if (copy->deleted && !server->deleted) {
      if (rt->kind == RecordKind::editable && changed.empty()) action = "delete";
    } else if (!copy->deleted && !(server->deleted && changed.count("deleted")) &&
               (rt->kind == RecordKind::editable || rt->kind == RecordKind::office_owned)) {
      for (const auto& f : rt->fields) {
        if (!device_writes(f)) continue;
        const std::string name(f.name);
        if (changed.count(name)) continue;
        const Value& mine = copy->fields[name];
        const Value& theirs = server->fields[name];
        if (same_field(f, mine, theirs)) continue;
        fields[name] = f.type == FieldType::text_set ? set_delta(theirs, mine) : outbox_value(f, mine);
      }
      if (!fields.empty()) action = "update";
    }
    if (!action.empty()) {
      DOORSTEP_TRY(queue_operation(store_, *rt, *copy, action, base, fields));
      queued = 1;
    }
  }
  DOORSTEP_TRY(apply_server_state(state));
  return queued;
}

Result<std::vector<std::string>> Writer::restore_check_cases() {
  const std::string prefix = kMark + "case:";
  auto keys = mark_keys(store_.database(), prefix, kMark + "case;");
  if (!keys) return keys.error();
  std::vector<std::string> out;
  for (const auto& k : *keys) out.push_back(k.substr(prefix.size()));
  return out;
}

Result<std::int64_t> Writer::finish_restore_check() {
  auto& db = store_.database();
  auto keys = mark_keys(db, kMark, kMarksEnd);
  if (!keys) return keys.error();
  std::map<std::string, std::vector<std::string>> marked;  // type -> ids
  for (const auto& k : *keys) {
    const auto colon = k.find(':', kMark.size());
    if (colon == std::string::npos) continue;
    marked[k.substr(kMark.size(), colon - kMark.size())].push_back(k.substr(colon + 1));
  }
  auto last = db.prepare("SELECT coalesce(max(seq), 0) FROM outbox");
  if (!last) return last.error();
  auto lrow = (*last)->step();
  if (!lrow) return lrow.error();
  const std::int64_t last_pending = (*lrow) ? (*last)->integer(0) : 0;
  (*last)->reset();

  std::int64_t queued = 0;
  for (const auto& rt : record_types()) {  // schema order: what a record hangs off comes first
    auto it = marked.find(std::string(rt.name));
    if (it == marked.end()) continue;
    // People and cases are the office's to create; office-owned records are the server's.
    if (rt.name == "case" || rt.name == "person" || rt.kind == RecordKind::office_owned || !checked_type(rt)) continue;
    for (const auto& id : it->second) {
      auto local = store::read_record(db, rt, id);
      if (!local) return local.error();
      if (!*local || (*local)->deleted) continue;
      const Record& r = **local;
      if (rt.kind == RecordKind::finalisable && r.text("state") == "draft") continue;
      auto zero = db.prepare("UPDATE " + std::string(rt.table) + " SET rev = 0 WHERE id = ?");
      if (!zero) return zero.error();
      DOORSTEP_TRY((*zero)->bind(1, id).run());
      nlohmann::json fields = nlohmann::json::object();
      for (const auto& [k, v] : r.fields)
        if (!std::holds_alternative<std::monostate>(v) && rt.field(k)) fields[k] = outbox_value(*rt.field(k), v);
      DOORSTEP_TRY(queue_operation(store_, rt, r, "create", 0, fields));
      ++queued;
    }
  }
  if (queued > 0 && last_pending > 0) {
    // Operations already waiting go after the creates, in their own order: an edit of
    // a record the restored server lacks must reach it after the record does.
    auto older = db.prepare(
        "SELECT op_id, record_type, record_id, case_id, action, base_rev, fields, hlc FROM outbox WHERE seq <= ? "
        "ORDER BY seq");
    if (!older) return older.error();
    (*older)->bind(1, last_pending);
    struct Row {
      std::string op_id, type, id, case_id, action, fields, hlc;
      bool has_case;
      std::int64_t base_rev;
    };
    std::vector<Row> rows;
    for (;;) {
      auto row = (*older)->step();
      if (!row) return row.error();
      if (!*row) break;
      auto& s = **older;
      rows.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(6), s.text(7), !s.is_null(3),
                      s.integer(5)});
    }
    (*older)->reset();
    auto del = db.prepare("DELETE FROM outbox WHERE seq <= ?");
    if (!del) return del.error();
    DOORSTEP_TRY((*del)->bind(1, last_pending).run());
    auto ins = db.prepare(
        "INSERT INTO outbox (op_id, record_type, record_id, case_id, action, base_rev, fields, hlc) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!ins) return ins.error();
    for (const auto& r : rows) {
      (*ins)->reset();
      (*ins)->bind(1, r.op_id).bind(2, r.type).bind(3, r.id);
      if (r.has_case) (*ins)->bind(4, r.case_id);
      else (*ins)->bind_null(4);
      (*ins)->bind(5, r.action).bind(6, r.base_rev).bind(7, r.fields).bind(8, r.hlc);
      DOORSTEP_TRY((*ins)->run());
    }
  }
  auto clear = db.prepare("DELETE FROM meta WHERE (key > ? AND key < ?) OR key = 'restore_base'");
  if (!clear) return clear.error();
  DOORSTEP_TRY((*clear)->bind(1, kMark).bind(2, kMarksEnd).run());
  return queued;
}

}  // namespace doorstep
