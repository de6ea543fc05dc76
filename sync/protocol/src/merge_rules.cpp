#include "merge_rules.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

#include "doorstep/core/clock.h"
#include "doorstep/core/json_fields.h"
#include "doorstep/core/store.h"
#include "doorstep/protocol/merge.h"

namespace doorstep::protocol::detail {

namespace {

using json = nlohmann::json;

Error invalid(const FieldSpec& spec, const std::string& what) {
  return make_error(ErrorDomain::sync, ErrorCode::invalid_argument,
                    "field \"" + std::string(spec.name) + "\" " + what);
}

std::vector<std::string> members(const Value& v) {
  std::vector<std::string> out;
  if (const auto* s = std::get_if<std::string>(&v)) {
    auto arr = json::parse(*s, nullptr, false);
    if (arr.is_array())
      for (const auto& e : arr)
        if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

// Members are checked before core turns them into text: dumping a string that is not
// UTF-8 throws, and nothing may throw out of the merge.
bool utf8_members(const json& list) {
  for (const auto& e : list)
    if (e.is_string() && !check_utf8(e.get_ref<const std::string&>(), "member").ok()) return false;
  return true;
}

Result<Value> typed_set(const FieldSpec& spec, const Value& current, const json& change) {
  if (change.is_object()) {
    for (const auto& [key, list] : change.items()) {
      if (key != "add" && key != "remove") return invalid(spec, "takes only \"add\" and \"remove\"");
      if (!list.is_array()) return invalid(spec, "must be a list or {\"add\", \"remove\"}");
      if (!utf8_members(list)) return invalid(spec, "holds text that is not UTF-8");
    }
  } else if (change.is_array() && !utf8_members(change)) {
    return invalid(spec, "holds text that is not UTF-8");
  }
  auto v = apply_field_change(spec, current, change);
  if (!v) return invalid(spec, "must be a list of text or {\"add\", \"remove\"}");
  if (std::holds_alternative<std::monostate>(*v)) return *v;
  // Distinct members, first occurrence kept: a set, however the device sent it.
  std::vector<std::string> out;
  for (auto& m : members(*v)) {
    if (!check_utf8(m, std::string(spec.name)).ok()) return invalid(spec, "holds text that is not UTF-8");
    if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(std::move(m));
  }
  return Value{json(out).dump()};
}

}  // namespace

Result<Value> typed_change(const FieldSpec& spec, const Value& current, const json& change) {
  if (spec.type == FieldType::text_set) return typed_set(spec, current, change);
  if (spec.type == FieldType::integer && change.is_number_unsigned() &&
      change.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
    return invalid(spec, "is too large");
  auto v = value_from_json(spec, change);
  if (!v) return make_error(ErrorDomain::sync, ErrorCode::invalid_argument, v.error().message);
  if (const auto* s = std::get_if<std::string>(&*v)) {
    if (!check_utf8(*s, std::string(spec.name)).ok()) return invalid(spec, "is not UTF-8 text");
    if (spec.type == FieldType::timestamp && !parse_timestamp(*s).ok())
      return invalid(spec, "must be a date and time");
    if (spec.merge == MergePolicy::status_lattice && visit_status_rank(*s) < 0)
      return invalid(spec, "must be planned, under_way, completed, no_access or cancelled");
  }
  return v;
}

bool same_value(const FieldSpec& spec, const Value& a, const Value& b) {
  if (spec.type == FieldType::text_set) {
    auto x = members(a), y = members(b);
    return std::set<std::string>(x.begin(), x.end()) == std::set<std::string>(y.begin(), y.end());
  }
  const bool a_num = std::holds_alternative<std::int64_t>(a) || std::holds_alternative<double>(a);
  const bool b_num = std::holds_alternative<std::int64_t>(b) || std::holds_alternative<double>(b);
  if (a_num && b_num) {
    auto as_double = [](const Value& v) {
      if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
      return std::get<double>(v);
    };
    if (std::holds_alternative<std::int64_t>(a) && std::holds_alternative<std::int64_t>(b)) return a == b;
    return as_double(a) == as_double(b);
  }
  return a == b;
}

Record empty_record(const RecordType& type, const std::string& id) {
  Record r;
  r.type = std::string(type.name);
  r.id = id;
  for (const auto& f : type.fields) r.fields[std::string(f.name)] = Value{};
  return r;
}

bool is_blank(const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return true;
  const auto* s = std::get_if<std::string>(&v);
  return s != nullptr && s->empty();
}

Hlc clock_or_oldest(const std::string& text) {
  auto h = Hlc::decode(text);
  return h.ok() ? *h : Hlc{};
}

std::string later_clock(const std::string& a, const std::string& b) {
  if (!Hlc::decode(a).ok()) return b;
  if (!Hlc::decode(b).ok()) return a;
  return clock_or_oldest(a) < clock_or_oldest(b) ? b : a;
}

bool device_may_start_with(const RecordType& type, const FieldSpec& spec, const Value& v) {
  struct Start {
    const char* type;
    const char* field;
    const char* value;
  };
  static const Start starts[] = {{"field_report", "status", "reported"}};
  const auto* s = std::get_if<std::string>(&v);
  for (const auto& st : starts)
    if (type.name == st.type && spec.name == st.field) return s != nullptr && *s == st.value;
  return false;
}

std::string type_label(const RecordType& type) {
  std::string out(type.name);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

std::string safe_name(const std::string& name) {
  const bool plain = !name.empty() && name.size() <= 40 &&
                     std::all_of(name.begin(), name.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
                     });
  return plain ? "\"" + name + "\"" : std::string("an unnamed field");
}

}  // namespace doorstep::protocol::detail
