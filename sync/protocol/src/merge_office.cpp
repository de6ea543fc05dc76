// Office changes (merge.h): the office is authoritative, so its fields are set as
// given — typed per the schema and stamped with the server's clock — except that a
// fixed field keeps the value it was created with, for the office too.
#include "doorstep/core/store.h"
#include "doorstep/protocol/merge.h"
#include "merge_rules.h"

namespace doorstep::protocol {

using namespace detail;

Result<ServerRecord> apply_office_change(const RecordType& type, const std::optional<ServerRecord>& current,
                                         const std::string& id, const nlohmann::json& fields,
                                         const MergeContext& ctx) {
  auto invalid = [](const std::string& why) {
    return make_error(ErrorDomain::sync, ErrorCode::invalid_argument, why);
  };
  const std::string t = type_label(type);
  if (!fields.is_object()) return invalid("an office change needs a JSON object of fields");
  if (type.kind == RecordKind::local_only) return invalid("a " + t + " never leaves the device");
  if (current && current->record.id != id) return invalid("the change is for another record");
  if (!current && !is_record_id(id)) return invalid("the record id is not valid");

  const std::string clock = Hlc{ctx.server_now_ms, 0, kServerDevice}.encode();
  const FieldStamp stamp{ctx.new_rev, clock, ctx.author};
  ServerRecord next;
  if (current) next = *current;
  else next.record = empty_record(type, id);

  for (const auto& [name, change] : fields.items()) {
    const FieldSpec* spec = type.field(name);
    if (spec == nullptr) return invalid("a " + t + " has no field " + safe_name(name));
    Value& field = next.record.fields[name];
    auto v = typed_change(*spec, field, change);
    if (!v) return v.error();
    if (spec->required && is_blank(*v)) return invalid("a " + t + " needs a value for \"" + name + "\"");
    const bool same = same_value(*spec, field, *v);
    if (current && spec->merge == MergePolicy::fixed && !same)
      return make_error(ErrorDomain::sync, ErrorCode::immutable, "the " + t + "'s " + name + " cannot change");
    if (!current || !same) {
      field = std::move(*v);
      next.stamps[name] = stamp;
    }
  }
  if (!current) {
    for (const auto& f : type.fields)
      if (f.required && is_blank(next.record.fields[std::string(f.name)]))
        return invalid("a " + t + " needs a value for \"" + std::string(f.name) + "\"");
  }
  next.record.rev = ctx.new_rev;
  next.record.hlc = later_clock(next.record.hlc, clock);
  return next;
}

}  // namespace doorstep::protocol
