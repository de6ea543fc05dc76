#include "doorstep/core/record.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "doorstep/core/json_fields.h"
#include "doorstep/core/store.h"

namespace doorstep {

std::string Record::text(const std::string& name) const {
  auto it = fields.find(name);
  if (it == fields.end()) return {};
  if (auto* s = std::get_if<std::string>(&it->second)) return *s;
  return {};
}

std::optional<std::int64_t> Record::integer(const std::string& name) const {
  auto it = fields.find(name);
  if (it == fields.end()) return std::nullopt;
  if (auto* v = std::get_if<std::int64_t>(&it->second)) return *v;
  return std::nullopt;
}

std::optional<double> Record::real(const std::string& name) const {
  auto it = fields.find(name);
  if (it == fields.end()) return std::nullopt;
  if (auto* v = std::get_if<double>(&it->second)) return *v;
  if (auto* i = std::get_if<std::int64_t>(&it->second)) return static_cast<double>(*i);
  return std::nullopt;
}

bool Record::is_null(const std::string& name) const {
  auto it = fields.find(name);
  return it == fields.end() || std::holds_alternative<std::monostate>(it->second);
}

nlohmann::json value_to_json(const Value& v) {
  return std::visit(
      [](const auto& x) -> nlohmann::json {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) return nullptr;
        else return x;
      },
      v);
}

nlohmann::json fields_to_json_value(const Fields& fields) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : fields) j[k] = value_to_json(v);
  return j;
}

std::string fields_to_json(const Fields& fields) {
  // Invalid UTF-8 never reaches the store (validated on the way in); replace defensively.
  return fields_to_json_value(fields).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<Value> value_from_json(const FieldSpec& spec, const nlohmann::json& j) {
  auto mistyped = [&](const char* want) {
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                      "field \"" + std::string(spec.name) + "\" must be " + want);
  };
  if (j.is_null()) return Value{};
  switch (spec.type) {
    case FieldType::text:
    case FieldType::timestamp:
      if (!j.is_string()) return mistyped("text");
      return Value{j.get<std::string>()};
    case FieldType::integer:
      if (!j.is_number_integer()) return mistyped("a whole number");
      return Value{j.get<std::int64_t>()};
    case FieldType::real:
      if (!j.is_number()) return mistyped("a number");
      return Value{j.get<double>()};
    case FieldType::text_set:
      if (j.is_string()) {  // already encoded
        auto inner = nlohmann::json::parse(j.get<std::string>(), nullptr, false);
        if (inner.is_discarded() || !inner.is_array()) return mistyped("a list of text");
        return value_from_json(spec, inner);
      }
      if (!j.is_array()) return mistyped("a list of text");
      for (const auto& e : j) {
        if (!e.is_string()) return mistyped("a list of text");
        if (!check_utf8(e.get<std::string>(), std::string(spec.name)).ok()) return mistyped("a list of UTF-8 text");
      }
      return Value{j.dump()};
  }
  return mistyped("known");
}

Result<Value> apply_field_change(const FieldSpec& spec, const Value& current, const nlohmann::json& change) {
  if (spec.type != FieldType::text_set || !change.is_object()) return value_from_json(spec, change);
  auto bad = [&] {
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                      "field \"" + std::string(spec.name) + "\" must be a list or {\"add\", \"remove\"}");
  };
  std::vector<std::string> items;
  if (const auto* s = std::get_if<std::string>(&current)) {
    auto arr = nlohmann::json::parse(*s, nullptr, false);
    if (arr.is_array())
      for (const auto& e : arr)
        if (e.is_string()) items.push_back(e.get<std::string>());
  }
  for (const char* key : {"add", "remove"}) {
    if (!change.contains(key)) continue;
    if (!change[key].is_array()) return bad();
    for (const auto& e : change[key]) {
      if (!e.is_string()) return bad();
      const std::string v = e.get<std::string>();
      auto it = std::find(items.begin(), items.end(), v);
      if (std::string(key) == "add" && it == items.end()) items.push_back(v);
      if (std::string(key) == "remove" && it != items.end()) items.erase(it);
    }
  }
  return Value{nlohmann::json(items).dump()};
}

}  // namespace doorstep
