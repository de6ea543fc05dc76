#include "doorstep/core/conflicts.h"

#include "doorstep/core/json_fields.h"

namespace doorstep {

Result<std::vector<Record>> Conflicts::open() {
  auto all = store_.list("conflict", "", "", 100000);
  if (!all) return all.error();
  std::vector<Record> out;
  for (auto& c : *all)
    if (!c.deleted && c.text("resolution").empty()) out.push_back(std::move(c));
  return out;
}

Result<Record> Conflicts::resolve(const std::string& conflict_id, const std::string& choice) {
  if (choice != "kept" && choice != "other")
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "choose \"kept\" or \"other\"");
  Result<Record> out = make_error(ErrorDomain::store, ErrorCode::internal, "not written");
  auto st = store_.write([&](Writer& w) -> Status {
    auto c = w.get("conflict", conflict_id);
    if (!c) return c.error();
    if (!*c || (*c)->deleted)
      return make_error(ErrorDomain::store, ErrorCode::not_found, "no conflict " + conflict_id.substr(0, 64));
    if (!(*c)->text("resolution").empty())
      return make_error(ErrorDomain::state, ErrorCode::invalid_transition, "the conflict is already resolved");
    if (choice == "other") {
      const std::string type = (*c)->text("record_type"), field = (*c)->text("field");
      const RecordType* rt = find_record_type(type);
      const FieldSpec* spec = rt ? rt->field(field) : nullptr;
      if (spec == nullptr)
        return make_error(ErrorDomain::state, ErrorCode::invalid_transition,
                          "this conflict (" + field + ") can only be resolved by the office");
      auto j = nlohmann::json::parse((*c)->text("other_value"), nullptr, false);
      if (j.is_discarded()) j = nullptr;
      auto v = value_from_json(*spec, j);
      if (!v) return v.error();
      auto r = w.change(type, (*c)->text("record_id"), {{field, *v}}, "conflict_resolved");
      if (!r) return r.error();
    }
    auto r = w.change("conflict", conflict_id,
                      {{"resolution", choice},
                       {"resolved_by", store_.user()},
                       {"resolved_at", format_timestamp(store_.clock().now_ms())}},
                      "resolved");
    if (!r) return r.error();
    out = std::move(*r);
    return {};
  });
  if (!st.ok()) return st.error();
  return out;
}

}  // namespace doorstep
