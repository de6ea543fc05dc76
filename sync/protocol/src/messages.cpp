#include "doorstep/protocol/messages.h"

#include "doorstep/core/hlc.h"
#include "doorstep/core/json_fields.h"
#include "doorstep/core/schema.h"
#include "doorstep/core/store.h"

namespace doorstep::protocol {

namespace {

using json = nlohmann::json;

Error bad(const std::string& what) {
  return make_error(ErrorDomain::sync, ErrorCode::invalid_argument, "malformed message: " + what);
}

// Field readers: each returns an Error naming the member when absent or mistyped.
Result<std::string> str(const json& j, const char* key, bool required = true, std::size_t max = 4096) {
  if (!j.contains(key) || j[key].is_null()) {
    if (required) return bad(std::string("missing \"") + key + "\"");
    return std::string();
  }
  if (!j[key].is_string()) return bad(std::string("\"") + key + "\" must be text");
  std::string s = j[key].get<std::string>();
  if (s.size() > max) return bad(std::string("\"") + key + "\" is too long");
  if (!check_utf8(s, key).ok()) return bad(std::string("\"") + key + "\" is not UTF-8");
  return s;
}

Result<std::int64_t> integer(const json& j, const char* key, bool required = true) {
  if (!j.contains(key) || j[key].is_null()) {
    if (required) return bad(std::string("missing \"") + key + "\"");
    return std::int64_t{0};
  }
  if (!j[key].is_number_integer()) return bad(std::string("\"") + key + "\" must be a whole number");
  return j[key].get<std::int64_t>();
}

Result<bool> boolean(const json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return false;
  if (!j[key].is_boolean()) return bad(std::string("\"") + key + "\" must be true or false");
  return j[key].get<bool>();
}

Status object(const json& j, const char* what) {
  if (!j.is_object()) return bad(std::string(what) + " must be a JSON object");
  return {};
}

#define TAKE(var, expr)          \
  auto var##_r = (expr);         \
  if (!var##_r) return var##_r.error(); \
  auto var = std::move(*var##_r)

}  // namespace

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::applied: return "applied";
    case Outcome::merged: return "merged";
    case Outcome::conflict: return "conflict";
    case Outcome::rejected: return "rejected";
  }
  return "rejected";
}

std::optional<Outcome> outcome_from_string(const std::string& s) {
  if (s == "applied") return Outcome::applied;
  if (s == "merged") return Outcome::merged;
  if (s == "conflict") return Outcome::conflict;
  if (s == "rejected") return Outcome::rejected;
  return std::nullopt;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

Result<json> parse_json_text(const std::string& text, std::size_t max_bytes) {
  if (text.size() > max_bytes) return make_error(ErrorDomain::sync, ErrorCode::too_large, "message too large");
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return bad(text.empty() ? "empty body" : "not valid JSON (truncated or damaged)");
  return j;
}

json record_to_json(const Record& r) {
  json fields = json::object();
  const RecordType* rt = find_record_type(r.type);
  for (const auto& [k, v] : r.fields) {
    const FieldSpec* f = rt ? rt->field(k) : nullptr;
    if (f && f->type == FieldType::text_set && std::holds_alternative<std::string>(v)) {
      auto arr = json::parse(std::get<std::string>(v), nullptr, false);
      fields[k] = arr.is_array() ? arr : json::array();
    } else {
      fields[k] = value_to_json(v);
    }
  }
  return {{"type", r.type}, {"id", r.id}, {"rev", r.rev}, {"hlc", r.hlc}, {"deleted", r.deleted}, {"fields", fields}};
}

Result<Record> record_from_json(const json& j) {
  DOORSTEP_TRY(object(j, "a record"));
  TAKE(type, str(j, "type"));
  const RecordType* rt = find_record_type(type);
  if (rt == nullptr) return bad("unknown record type \"" + type.substr(0, 40) + "\"");
  Record r;
  r.type = type;
  TAKE(id, str(j, "id"));
  if (!is_record_id(id)) return bad("bad record id");
  r.id = id;
  TAKE(rev, integer(j, "rev"));
  if (rev < 0) return bad("negative rev");
  r.rev = rev;
  TAKE(hlc, str(j, "hlc"));
  if (!Hlc::decode(hlc).ok()) return bad("bad hlc");
  r.hlc = hlc;
  TAKE(deleted, boolean(j, "deleted"));
  r.deleted = deleted;
  if (!j.contains("fields") || !j["fields"].is_object()) return bad("record without \"fields\" object");
  for (const auto& f : rt->fields) r.fields[std::string(f.name)] = Value{};
  for (const auto& [name, value] : j["fields"].items()) {
    const FieldSpec* spec = rt->field(name);
    if (spec == nullptr) return bad(type + " has no field \"" + name.substr(0, 40) + "\"");
    auto v = value_from_json(*spec, value);
    if (!v) return bad(v.error().message);
    if (auto* s = std::get_if<std::string>(&*v); s && !check_utf8(*s, name).ok()) return bad(name + " is not UTF-8");
    r.fields[name] = *v;
  }
  return r;
}

json to_json(const EnrolRequest& m) {
  json j = {{"username", m.username}, {"password", m.password}, {"device_id", m.device_id}, {"device_name", m.device_name}};
  if (!m.new_password.empty()) j["new_password"] = m.new_password;
  return j;
}
json to_json(const EnrolResponse& m) {
  return {{"device_id", m.device_id},         {"worker", m.worker},
          {"team", m.team},                   {"refresh_token", m.refresh_token},
          {"access_token", m.access_token},   {"access_expires_in", m.access_expires_in},
          {"server_hlc", m.server_hlc},       {"epoch", m.epoch}};
}
json to_json(const TokenRequest& m) { return {{"device_id", m.device_id}, {"refresh_token", m.refresh_token}}; }
json to_json(const TokenResponse& m) {
  json j = {{"access_token", m.access_token}, {"access_expires_in", m.access_expires_in}, {"server_hlc", m.server_hlc}};
  if (!m.refresh_token.empty()) j["refresh_token"] = m.refresh_token;
  if (m.retire) j["retire"] = true;
  return j;
}
json to_json(const Operation& m) {
  return {{"seq", m.seq},           {"op_id", m.op_id},   {"record_type", m.record_type}, {"record_id", m.record_id},
          {"action", m.action},     {"base_rev", m.base_rev}, {"fields", m.fields},          {"hlc", m.hlc}};
}
json to_json(const PushRequest& m) {
  json ops = json::array(), audit = json::array();
  for (const auto& o : m.operations) ops.push_back(to_json(o));
  for (const auto& a : m.audit_events) audit.push_back(record_to_json(a));
  json j = {{"operations", ops}, {"audit_events", audit}, {"purged_cases", m.purged_cases}};
  if (!m.epoch.empty()) j["epoch"] = m.epoch;
  return j;
}
json to_json(const OperationResult& m) {
  json j = {{"seq", m.seq}, {"op_id", m.op_id}, {"outcome", to_string(m.outcome)}, {"rev", m.rev}};
  if (!m.reason.empty()) j["reason"] = m.reason;
  return j;
}
json to_json(const PushResponse& m) {
  json res = json::array();
  for (const auto& r : m.results) res.push_back(to_json(r));
  json j = {{"results", res}, {"audit_accepted", m.audit_accepted}, {"server_hlc", m.server_hlc}};
  if (m.retire) j["retire"] = true;
  return j;
}
json to_json(const ChangeEntry& m) {
  if (m.record) {
    json j = {{"seq", m.seq}, {"record", record_to_json(*m.record)}};
    if (!m.changed_since_base.empty()) j["changed_since_base"] = m.changed_since_base;
    return j;
  }
  return {{"seq", m.seq}, {"revoke_case", m.revoke_case}};
}
json to_json(const ChangesResponse& m) {
  json entries = json::array();
  for (const auto& e : m.entries) entries.push_back(to_json(e));
  return {{"entries", entries}, {"cursor", m.cursor},   {"more", m.more},
          {"server_hlc", m.server_hlc}, {"epoch", m.epoch}, {"epoch_base", m.epoch_base}};
}
json to_json(const ErrorBody& m) {
  json j = {{"error", m.code}, {"message", m.message}};
  if (m.wipe) j["wipe"] = true;
  if (m.retire) j["retire"] = true;
  if (!m.epoch.empty()) {
    j["epoch"] = m.epoch;
    j["epoch_base"] = m.epoch_base;
  }
  return j;
}

Result<EnrolRequest> parse_enrol_request(const json& j) {
  DOORSTEP_TRY(object(j, "an enrolment"));
  EnrolRequest m;
  TAKE(u, str(j, "username", true, 64));
  TAKE(p, str(j, "password", true, 1024));
  TAKE(d, str(j, "device_id", true, 64));
  TAKE(n, str(j, "device_name", false, 200));
  TAKE(np, str(j, "new_password", false, 1024));
  if (!is_record_id(d)) return bad("bad device_id");
  m.new_password = np;
  m.username = u;
  m.password = p;
  m.device_id = d;
  m.device_name = n;
  return m;
}

Result<EnrolResponse> parse_enrol_response(const json& j) {
  DOORSTEP_TRY(object(j, "an enrolment response"));
  EnrolResponse m;
  TAKE(d, str(j, "device_id"));
  TAKE(w, str(j, "worker"));
  TAKE(t, str(j, "team", false));
  TAKE(rt, str(j, "refresh_token"));
  TAKE(at, str(j, "access_token"));
  TAKE(ex, integer(j, "access_expires_in"));
  TAKE(h, str(j, "server_hlc"));
  TAKE(e, str(j, "epoch", false));
  m.device_id = d;
  m.worker = w;
  m.team = t;
  m.refresh_token = rt;
  m.access_token = at;
  m.access_expires_in = ex;
  m.server_hlc = h;
  m.epoch = e;
  return m;
}

Result<TokenRequest> parse_token_request(const json& j) {
  DOORSTEP_TRY(object(j, "a token request"));
  TAKE(d, str(j, "device_id", true, 64));
  TAKE(r, str(j, "refresh_token", true, 512));
  return TokenRequest{d, r};
}

Result<TokenResponse> parse_token_response(const json& j) {
  DOORSTEP_TRY(object(j, "a token response"));
  TAKE(a, str(j, "access_token"));
  TAKE(ex, integer(j, "access_expires_in"));
  TAKE(h, str(j, "server_hlc"));
  TAKE(rt, str(j, "refresh_token", false, 512));
  TAKE(retire, boolean(j, "retire"));
  return TokenResponse{a, ex, h, rt, retire};
}

Result<Operation> parse_operation(const json& j) {
  DOORSTEP_TRY(object(j, "an operation"));
  Operation m;
  TAKE(seq, integer(j, "seq"));
  TAKE(op_id, str(j, "op_id", true, 64));
  TAKE(type, str(j, "record_type", true, 64));
  TAKE(id, str(j, "record_id", true, 64));
  TAKE(action, str(j, "action", true, 16));
  TAKE(base, integer(j, "base_rev"));
  TAKE(hlc, str(j, "hlc", true, 128));
  if (seq <= 0) return bad("operation seq must be positive");
  if (!is_record_id(op_id) || !is_record_id(id)) return bad("bad operation or record id");
  if (find_record_type(type) == nullptr) return bad("unknown record type \"" + type.substr(0, 40) + "\"");
  if (action != "create" && action != "update" && action != "delete") return bad("unknown action \"" + action + "\"");
  if (base < 0) return bad("negative base_rev");
  if (!Hlc::decode(hlc).ok()) return bad("bad hlc");
  if (!j.contains("fields") || !j["fields"].is_object()) return bad("operation without \"fields\" object");
  m.seq = seq;
  m.op_id = op_id;
  m.record_type = type;
  m.record_id = id;
  m.action = action;
  m.base_rev = base;
  m.fields = j["fields"];
  m.hlc = hlc;
  return m;
}

Result<PushRequest> parse_push_request(const json& j) {
  DOORSTEP_TRY(object(j, "a push"));
  PushRequest m;
  if (!j.contains("operations") || !j["operations"].is_array()) return bad("missing \"operations\" list");
  if (j["operations"].size() > static_cast<std::size_t>(kMaxPushOperations)) return bad("too many operations in one push");
  std::int64_t last = 0;
  for (const auto& o : j["operations"]) {
    auto op = parse_operation(o);
    if (!op) return op.error();
    if (op->seq <= last) return bad("operations out of sequence order");
    last = op->seq;
    m.operations.push_back(std::move(*op));
  }
  if (j.contains("audit_events")) {
    if (!j["audit_events"].is_array()) return bad("\"audit_events\" must be a list");
    for (const auto& a : j["audit_events"]) {
      auto r = record_from_json(a);
      if (!r) return r.error();
      if (r->type != "audit_event") return bad("audit_events holds a " + r->type);
      m.audit_events.push_back(std::move(*r));
    }
  }
  if (j.contains("purged_cases")) {
    if (!j["purged_cases"].is_array()) return bad("\"purged_cases\" must be a list");
    for (const auto& c : j["purged_cases"]) {
      if (!c.is_string() || !is_record_id(c.get<std::string>())) return bad("bad case id in purged_cases");
      m.purged_cases.push_back(c.get<std::string>());
    }
  }
  TAKE(epoch, str(j, "epoch", false, 128));
  m.epoch = epoch;
  return m;
}

Result<PushResponse> parse_push_response(const json& j) {
  DOORSTEP_TRY(object(j, "a push response"));
  PushResponse m;
  if (!j.contains("results") || !j["results"].is_array()) return bad("missing \"results\" list");
  for (const auto& r : j["results"]) {
    DOORSTEP_TRY(object(r, "a result"));
    OperationResult o;
    TAKE(seq, integer(r, "seq"));
    TAKE(op_id, str(r, "op_id"));
    TAKE(outcome, str(r, "outcome"));
    TAKE(reason, str(r, "reason", false));
    TAKE(rev, integer(r, "rev", false));
    auto oc = outcome_from_string(outcome);
    if (!oc) return bad("unknown outcome \"" + outcome.substr(0, 20) + "\"");
    o.seq = seq;
    o.op_id = op_id;
    o.outcome = *oc;
    o.reason = reason;
    o.rev = rev;
    m.results.push_back(std::move(o));
  }
  TAKE(acc, integer(j, "audit_accepted", false));
  TAKE(h, str(j, "server_hlc"));
  TAKE(retire, boolean(j, "retire"));
  m.audit_accepted = acc;
  m.server_hlc = h;
  m.retire = retire;
  return m;
}

Result<ChangesResponse> parse_changes_response(const json& j) {
  DOORSTEP_TRY(object(j, "a changes page"));
  ChangesResponse m;
  if (!j.contains("entries") || !j["entries"].is_array()) return bad("missing \"entries\" list");
  if (j["entries"].size() > static_cast<std::size_t>(kMaxPageEntries)) return bad("too many entries in one page");
  m.entries.reserve(j["entries"].size());
  std::int64_t last = 0;
  for (const auto& e : j["entries"]) {
    DOORSTEP_TRY(object(e, "an entry"));
    ChangeEntry c;
    TAKE(seq, integer(e, "seq"));
    if (seq < last) return bad("entries out of sequence order");
    last = seq;
    c.seq = seq;
    if (e.contains("record")) {
      auto r = record_from_json(e["record"]);
      if (!r) return r.error();
      c.record = std::move(*r);
      if (e.contains("changed_since_base")) {
        const json& names = e["changed_since_base"];
        if (!names.is_array() || names.size() > 256) return bad("\"changed_since_base\" must be a short list");
        for (const auto& n : names) {
          if (!n.is_string() || n.get<std::string>().size() > 64) return bad("bad field name in changed_since_base");
          c.changed_since_base.push_back(n.get<std::string>());
        }
      }
    } else {
      TAKE(rc, str(e, "revoke_case"));
      if (!is_record_id(rc)) return bad("bad revoke_case");
      c.revoke_case = rc;
    }
    m.entries.push_back(std::move(c));
  }
  TAKE(cursor, str(j, "cursor"));
  TAKE(more, boolean(j, "more"));
  TAKE(h, str(j, "server_hlc"));
  TAKE(e, str(j, "epoch", false));
  TAKE(base, integer(j, "epoch_base", false));
  if (base < 0) return bad("negative epoch_base");
  m.cursor = cursor;
  m.more = more;
  m.server_hlc = h;
  m.epoch = e;
  m.epoch_base = base;
  return m;
}

Result<ErrorBody> parse_error_body(const json& j) {
  DOORSTEP_TRY(object(j, "an error"));
  TAKE(code, str(j, "error"));
  TAKE(msg, str(j, "message", false));
  TAKE(wipe, boolean(j, "wipe"));
  TAKE(epoch, str(j, "epoch", false, 128));
  TAKE(base, integer(j, "epoch_base", false));
  TAKE(retire, boolean(j, "retire"));
  return ErrorBody{code, msg, wipe, epoch, base < 0 ? 0 : base, retire};
}

}  // namespace doorstep::protocol
