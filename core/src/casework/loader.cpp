#include "doorstep/core/loader.h"

#include <nlohmann/json.hpp>

#include "doorstep/core/forms/form_records.h"
#include "doorstep/core/json_fields.h"

namespace doorstep {
namespace {

Result<std::string> put_form(Writer& w, const forms::FormDefinition& def) {
  auto id = forms::definition_record_id(def.form_id, def.version);
  if (!id) return id.error();
  Record r;
  r.type = "form_definition";
  r.id = *id;
  r.rev = 1;
  r.fields = forms::definition_record_fields(def);
  r.fields["published_at"] = Value{};
  auto put = w.put_base(r);
  if (!put.ok()) return put.error();
  return *id;
}

}  // namespace

Result<std::string> load_form(Store& store, const forms::FormDefinition& def) {
  std::string id;
  auto st = store.write([&](Writer& w) -> Status {
    auto put = put_form(w, def);
    if (!put) return put.error();
    id = *put;
    return w.audit("loaded", "store", store.device_id());
  });
  if (!st.ok()) return st.error();
  return id;
}

Result<LoadSummary> load_json(Store& store, const std::string& text) {
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "the file is not a JSON object");
  static const std::pair<const char*, const char*> lists[] = {
      {"people", "person"}, {"cases", "case"}, {"visits", "visit"}, {"tasks", "task"}, {"notes", "case_note"}};
  for (const auto& [key, value] : doc.items()) {
    bool known = key == "forms";
    for (const auto& l : lists) known = known || key == l.first;
    if (!known)
      return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                        "unknown list \"" + key.substr(0, 40) + "\" (expected people, cases, visits, tasks, notes, forms)");
  }
  LoadSummary sum;
  auto st = store.write([&](Writer& w) -> Status {
    // Form definitions, each checked by the forms engine as the server checks one it
    // publishes; stored as the published form_definition record of their version.
    if (doc.contains("forms")) {
      // Read again keeping each row's column order (the first language column is the
      // label, as the office's publish reads it).
      const auto ordered = nlohmann::ordered_json::parse(text, nullptr, false);
      const auto& arr = ordered["forms"];
      if (!arr.is_array()) return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "forms must be a list");
      for (std::size_t i = 0; i < arr.size(); ++i) {
        const std::string where = "forms[" + std::to_string(i) + "]";
        auto fail = [&](const std::string& msg) {
          return make_error(ErrorDomain::input, ErrorCode::invalid_argument, where + ": " + msg);
        };
        auto load = forms::load_definition_json(arr[i]);
        if (!load.ok()) return fail(load.problems.empty() ? "not a form definition" : load.problems.front().describe());
        auto put = put_form(w, *load.definition);
        if (!put) return fail(put.error().message);
        ++sum.forms;
      }
    }
    for (const auto& [key, type] : lists) {
      if (!doc.contains(key)) continue;
      const auto& arr = doc[key];
      if (!arr.is_array())
        return make_error(ErrorDomain::input, ErrorCode::invalid_argument, std::string(key) + " must be a list");
      const RecordType& rt = *find_record_type(type);
      for (std::size_t i = 0; i < arr.size(); ++i) {
        const auto& obj = arr[i];
        const std::string where = std::string(key) + "[" + std::to_string(i) + "]";
        auto fail = [&](const std::string& msg) {
          return make_error(ErrorDomain::input, ErrorCode::invalid_argument, where + ": " + msg);
        };
        if (!obj.is_object()) return fail("must be an object");
        if (!obj.contains("id") || !obj["id"].is_string()) return fail("needs a text \"id\"");
        Record r;
        r.type = type;
        r.id = obj["id"].get<std::string>();
        if (!is_record_id(r.id)) return fail("\"id\" must be 1-64 letters, digits, '.', '-' or '_'");
        r.rev = 1;
        if (obj.contains("rev")) {
          if (!obj["rev"].is_number_integer() || obj["rev"].get<std::int64_t>() < 0) return fail("\"rev\" must be a whole number");
          r.rev = obj["rev"].get<std::int64_t>();
        }
        for (const auto& f : rt.fields) r.fields[std::string(f.name)] = Value{};
        if (type == std::string("visit")) r.fields["status"] = std::string("planned");
        if (type == std::string("case")) r.fields["status"] = std::string("open");
        if (type == std::string("person")) r.fields["markers"] = std::string("[]");
        for (const auto& [name, v] : obj.items()) {
          if (name == "id" || name == "rev") continue;
          const FieldSpec* spec = rt.field(name);
          if (spec == nullptr) return fail("unknown field \"" + name.substr(0, 40) + "\"");
          auto val = value_from_json(*spec, v);
          if (!val) return fail(val.error().message);
          if (spec->type == FieldType::timestamp && std::holds_alternative<std::string>(*val)) {
            auto t = normalise_timestamp(std::get<std::string>(*val));
            if (!t) return fail(name + ": " + t.error().message);
            *val = *t;
          }
          r.fields[name] = *val;
        }
        for (const auto& f : rt.fields) {
          const Value& v = r.fields[std::string(f.name)];
          if (f.required && (std::holds_alternative<std::monostate>(v) ||
                             (std::holds_alternative<std::string>(v) && std::get<std::string>(v).empty())))
            return fail("needs \"" + std::string(f.name) + "\"");
        }
        // Foreign keys are deferred to COMMIT, where SQLite cannot say which record
        // broke them; check references here so the error names the element.
        for (const auto& [field, target] : {std::pair<const char*, const char*>{"person_id", "person"},
                                            {"case_id", "case"}, {"task_id", "task"}}) {
          if (rt.field(field) == nullptr) continue;
          const auto* ref = std::get_if<std::string>(&r.fields[field]);
          if (ref == nullptr) continue;
          auto found = w.get(target, *ref);
          if (!found) return fail(found.error().message);
          if (!*found) return fail(std::string(field) + ": no " + target + " \"" + ref->substr(0, 64) + "\"");
        }
        auto put = w.put_base(r);
        if (!put.ok()) return fail(put.error().message);
        if (type == std::string("person")) ++sum.people;
        else if (type == std::string("case")) ++sum.cases;
        else if (type == std::string("visit")) ++sum.visits;
        else if (type == std::string("task")) ++sum.tasks;
        else ++sum.notes;
      }
    }
    return w.audit("loaded", "store", store.device_id());
  });
  if (!st.ok()) return st.error();
  return sum;
}

}  // namespace doorstep
