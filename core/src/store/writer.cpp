#include <nlohmann/json.hpp>
#include <set>

#include "../db/database.h"
#include "doorstep/core/json_fields.h"
#include "doorstep/core/store.h"
#include "outbox_json.h"
#include "record_sql.h"

namespace doorstep {

namespace {

Error unknown_type(const std::string& type) {
  return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "unknown record type: " + type);
}

Result<bool> has_pending(db::Database& db, const std::string& type, const std::string& id) {
  auto st = db.prepare("SELECT 1 FROM outbox WHERE record_type = ? AND record_id = ? LIMIT 1");
  if (!st) return st.error();
  (*st)->bind(1, type).bind(2, id);
  auto row = (*st)->step();
  if (!row) return row.error();
  (*st)->reset();
  return *row;
}

}  // namespace

nlohmann::json outbox_value(const FieldSpec& spec, const Value& v) {
  if (spec.type == FieldType::text_set && std::holds_alternative<std::string>(v)) {
    auto arr = nlohmann::json::parse(std::get<std::string>(v), nullptr, false);
    return arr.is_array() ? arr : nlohmann::json::array();
  }
  return value_to_json(v);
}

nlohmann::json set_delta(const Value& before, const Value& after) {
  auto as_set = [](const Value& v) {
    std::set<std::string> out;
    if (const auto* s = std::get_if<std::string>(&v)) {
      auto arr = nlohmann::json::parse(*s, nullptr, false);
      if (arr.is_array())
        for (const auto& e : arr)
          if (e.is_string()) out.insert(e.get<std::string>());
    }
    return out;
  };
  const auto b = as_set(before), a = as_set(after);
  nlohmann::json add = nlohmann::json::array(), remove = nlohmann::json::array();
  for (const auto& x : a)
    if (!b.count(x)) add.push_back(x);
  for (const auto& x : b)
    if (!a.count(x)) remove.push_back(x);
  return {{"add", add}, {"remove", remove}};
}

Result<std::optional<Record>> Writer::get(const std::string& type, const std::string& id) {
  return store_.get(type, id);
}

Result<Record> Writer::change(const std::string& type, const std::string& id, const Fields& changed,
                              const std::string& audit_action, bool enqueue) {
  const RecordType* rt = find_record_type(type);
  if (rt == nullptr) return unknown_type(type);
  if (!is_record_id(id))
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "not a valid record id: " + id.substr(0, 64));
  DOORSTEP_TRY(store::check_fields(*rt, changed));
  auto& db = store_.database();
  auto existing = store::read_record(db, *rt, id);
  if (!existing) return existing.error();

  Record r;
  Fields before;  // the values this change replaces, for set deltas
  if (*existing) {
    before = (**existing).fields;
    r = std::move(**existing);
    if (r.deleted)
      return make_error(ErrorDomain::state, ErrorCode::invalid_transition, type + " " + id + " has been deleted");
  } else {
    r.type = type;
    r.id = id;
    for (const auto& f : rt->fields) r.fields[std::string(f.name)] = Value{};
  }
  for (const auto& [k, v] : changed) r.fields[k] = v;
  for (const auto& f : rt->fields) {
    if (!f.required) continue;
    const Value& v = r.fields[std::string(f.name)];
    const auto* s = std::get_if<std::string>(&v);
    if (std::holds_alternative<std::monostate>(v) || (s && s->empty()))
      return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                        type + " needs a value for \"" + std::string(f.name) + "\"");
  }
  r.hlc = store_.hlc_clock().now().encode();
  DOORSTEP_TRY(store::write_record(db, *rt, r));

  if (enqueue && rt->kind != RecordKind::local_only) {
    // A record the server has never seen, with nothing queued yet, goes up whole as a
    // create (a finalised draft, for instance); otherwise only the changed fields.
    auto pending = has_pending(db, type, id);
    if (!pending) return pending.error();
    const bool create = r.rev == 0 && !*pending;
    nlohmann::json sent = nlohmann::json::object();
    if (create) {
      for (const auto& [k, v] : r.fields)
        if (!std::holds_alternative<std::monostate>(v)) sent[k] = outbox_value(*rt->field(k), v);
    } else {
      for (const auto& [k, v] : changed) {
        const FieldSpec& spec = *rt->field(k);
        if (spec.type == FieldType::text_set) {
          sent[k] = set_delta(before.count(k) ? before.at(k) : Value{}, v);
        } else {
          sent[k] = outbox_value(spec, v);
        }
      }
    }
    std::string case_id;
    if (type == "case") case_id = id;
    else if (!rt->case_field.empty()) case_id = r.text(std::string(rt->case_field));
    auto st = db.prepare(
        "INSERT INTO outbox (op_id, record_type, record_id, case_id, action, base_rev, fields, hlc) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st) return st.error();
    (*st)->bind(1, new_uuid()).bind(2, type).bind(3, id);
    if (case_id.empty()) (*st)->bind_null(4);
    else (*st)->bind(4, case_id);
    (*st)->bind(5, create ? "create" : "update");
    (*st)->bind(6, r.rev).bind(7, sent.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)).bind(8, r.hlc);
    DOORSTEP_TRY((*st)->run());
  }
  DOORSTEP_TRY(audit(audit_action, type, id));
  return r;
}

Status Writer::discard(const std::string& type, const std::string& id, const std::string& audit_action) {
  const RecordType* rt = find_record_type(type);
  if (rt == nullptr) return unknown_type(type);
  auto& db = store_.database();
  auto existing = store::read_record(db, *rt, id);
  if (!existing) return existing.error();
  if (!*existing) return make_error(ErrorDomain::store, ErrorCode::not_found, "no " + type + " " + id);
  auto pending = has_pending(db, type, id);
  if (!pending) return pending.error();
  if ((*existing)->rev != 0 || *pending)
    return make_error(ErrorDomain::state, ErrorCode::immutable,
                      type + " " + id + " has left the device and cannot be discarded");
  DOORSTEP_TRY(store::delete_record(db, *rt, id));
  return audit(audit_action, type, id);
}

Status Writer::put_base(const Record& record) {
  const RecordType* rt = find_record_type(record.type);
  if (rt == nullptr) return unknown_type(record.type);
  if (!is_record_id(record.id))
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                      "not a valid record id: " + record.id.substr(0, 64));
  DOORSTEP_TRY(store::check_fields(*rt, record.fields));
  if (record.hlc.empty()) {
    Record r = record;
    r.hlc = store_.hlc_clock().now().encode();
    return store::write_record(store_.database(), *rt, r);
  }
  if (auto h = Hlc::decode(record.hlc); h.ok()) store_.hlc_clock().observe(*h);
  return store::write_record(store_.database(), *rt, record);
}

Status Writer::audit(const std::string& action, const std::string& record_type, const std::string& record_id) {
  static const RecordType* rt = find_record_type("audit_event");
  Record e;
  e.type = "audit_event";
  e.id = new_uuid();
  e.hlc = store_.hlc_clock().now().encode();
  e.fields = {{"at", format_timestamp(store_.clock().now_ms())},
              {"actor", store_.user()},
              {"device", store_.device_id()},
              {"action", action},
              {"record_type", record_type},
              {"record_id", record_id}};
  return store::write_record(store_.database(), *rt, e);
}

}  // namespace doorstep
