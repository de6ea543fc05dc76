// Private to doorstep_protocol: the per-field rules merge.cpp (device operations) and
// merge_office.cpp (office changes) share — typing a wire value against the schema,
// comparing values, reading stamps and clocks, and the wording of refusals.
// Pure functions; thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "doorstep/core/hlc.h"
#include "doorstep/core/record.h"
#include "doorstep/core/result.h"
#include "doorstep/core/schema.h"

namespace doorstep::protocol::detail {

// The device part of every clock the server itself stamps (office changes). A device
// operation whose clock claims it is refused, so no device can pass as the office.
inline constexpr const char* kServerDevice = "server";

// The value a change leaves in a field whose value is now `current`: scalars replace,
// a set field takes a list (replace) or {"add": [...], "remove": [...]}. Validated
// against the schema: JSON type, UTF-8 text, readable timestamps, known visit
// statuses, distinct set members. invalid_argument naming the field otherwise.
Result<Value> typed_change(const FieldSpec& spec, const Value& current, const nlohmann::json& change);

// Equality as the merge sees it: sets compare as sets (null is the empty set),
// numbers by value.
bool same_value(const FieldSpec& spec, const Value& a, const Value& b);

// A record of the type with every field null.
Record empty_record(const RecordType& type, const std::string& id);

// Null, or empty text: what a required field may not hold.
bool is_blank(const Value& v);

// A clock as stored in a stamp or record; an empty or unreadable one is the oldest.
Hlc clock_or_oldest(const std::string& text);
// The later of two encoded clocks, by Hlc ordering.
std::string later_clock(const std::string& a, const std::string& b);

// The one office-owned value a device may give when it creates a record: a warden's
// report starts as "reported" (created on a device, status owned by the office:
// docs/design.md, "Records"). Every other office-owned field is refused from a
// device.
bool device_may_start_with(const RecordType& type, const FieldSpec& spec, const Value& v);

// Wording for refusals: "case note", and field names only when they are schema-like
// (a hostile name is never echoed back).
std::string type_label(const RecordType& type);
std::string safe_name(const std::string& name);

}  // namespace doorstep::protocol::detail
