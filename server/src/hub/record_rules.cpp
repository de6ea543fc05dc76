#include "hub/record_rules.h"

#include <algorithm>
#include <initializer_list>

#include "doorstep/core/clock.h"
#include "doorstep/core/schema.h"
#include "doorstep/core/store.h"
#include "doorstep/protocol/messages.h"

namespace doorstep::server {

namespace {

constexpr std::size_t kMaxTextBytes = 1u << 20;  // a note body's limit in core; every text field

Error invalid(const std::string& type, const std::string& field, const std::string& why) {
  return make_error(ErrorDomain::input, ErrorCode::invalid_argument, type + "." + field + " " + why);
}

bool one_of(const std::string& v, std::initializer_list<const char*> allowed) {
  return std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return v == a; });
}

}  // namespace

bool is_sha256_hex(const std::string& t) {
  return t.size() == 64 && std::all_of(t.begin(), t.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Status check_record_state(Record& r) {
  const RecordType* rt = find_record_type(r.type);
  if (rt == nullptr) return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "unknown record type");
  if (!is_record_id(r.id)) return invalid(r.type, "id", "must be 1-64 letters, digits, '.', '-' or '_'");
  if (r.type == "person" && r.is_null("markers")) r.fields["markers"] = std::string("[]");

  for (const auto& spec : rt->fields) {
    const std::string name(spec.name);
    auto it = r.fields.find(name);
    const bool null = it == r.fields.end() || std::holds_alternative<std::monostate>(it->second);
    if (null) {
      if (spec.required) return invalid(r.type, name, "is required");
      continue;
    }
    const Value& v = it->second;
    switch (spec.type) {
      case FieldType::text:
      case FieldType::text_set: {
        const auto* s = std::get_if<std::string>(&v);
        if (s == nullptr) return invalid(r.type, name, "must be text");
        if (spec.required && s->empty()) return invalid(r.type, name, "must not be empty");
        if (s->size() > kMaxTextBytes) return invalid(r.type, name, "is longer than 1 MiB");
        if (!check_utf8(*s, name).ok()) return invalid(r.type, name, "is not valid UTF-8 text");
        break;
      }
      case FieldType::timestamp: {
        const auto* s = std::get_if<std::string>(&v);
        if (s == nullptr || !parse_timestamp(*s).ok()) return invalid(r.type, name, "must be an ISO 8601 time");
        break;
      }
      case FieldType::integer:
        if (!std::holds_alternative<std::int64_t>(v)) return invalid(r.type, name, "must be a whole number");
        break;
      case FieldType::real:
        if (!std::holds_alternative<double>(v) && !std::holds_alternative<std::int64_t>(v))
          return invalid(r.type, name, "must be a number");
        break;
    }
  }

  // References to other records are record ids.
  for (const char* ref : {"case_id", "person_id", "task_id", "owner_id", "record_id", "amends"})
    if (rt->field(ref) != nullptr && !r.is_null(ref) && !is_record_id(r.text(ref)))
      return invalid(r.type, ref, "must be a record id");

  // What the device store's CHECK constraints accept.
  if (r.type == "case" && !one_of(r.text("kind"), {"children", "reablement", "neighbourhood"}))
    return invalid(r.type, "kind", "must be children, reablement or neighbourhood");
  if (r.type == "case" && r.text("status").size() > 64) return invalid(r.type, "status", "is too long");
  if (r.type == "case_note") {
    if (!one_of(r.text("visibility"), {"normal", "restricted"}))
      return invalid(r.type, "visibility", "must be normal or restricted");
    if (r.text("state") != "final") return invalid(r.type, "state", "must be final (drafts stay on the device)");
  }
  if (r.type == "visit" && !one_of(r.text("status"), {"planned", "under_way", "completed", "no_access", "cancelled"}))
    return invalid(r.type, "status", "must be planned, under_way, completed, no_access or cancelled");
  if (r.type == "field_report") {
    if (!one_of(r.text("priority"), {"low", "normal", "high", "urgent"}))
      return invalid(r.type, "priority", "must be low, normal, high or urgent");
    if (auto lat = r.real("lat"); lat && (*lat < -90 || *lat > 90)) return invalid(r.type, "lat", "must be -90..90");
    if (auto lon = r.real("lon"); lon && (*lon < -180 || *lon > 180))
      return invalid(r.type, "lon", "must be -180..180");
  }
  if (r.type == "attachment") {
    if (!is_sha256_hex(r.text("sha256"))) return invalid(r.type, "sha256", "must be 64 lower-case hex digits");
    const auto size = r.integer("size_bytes");
    if (!size || *size <= 0 || *size > protocol::kMaxBlobBytes) return invalid(r.type, "size_bytes", "is out of range");
    if (find_record_type(r.text("owner_type")) == nullptr) return invalid(r.type, "owner_type", "is not a record type");
  }
  if (r.type == "conflict" && find_record_type(r.text("record_type")) == nullptr)
    return invalid(r.type, "record_type", "is not a record type");
  return {};
}

}  // namespace doorstep::server
