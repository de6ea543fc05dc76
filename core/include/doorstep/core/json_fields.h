// JSON conversion of field values (nlohmann::json), shared by core, the sync
// protocol and the CLI. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "doorstep/core/record.h"
#include "doorstep/core/result.h"
#include "doorstep/core/schema.h"

namespace doorstep {

nlohmann::json value_to_json(const Value& v);
nlohmann::json fields_to_json_value(const Fields& fields);
// Checks the JSON type against the field's schema type. text_set values become
// their JSON-array text.
Result<Value> value_from_json(const FieldSpec& spec, const nlohmann::json& j);

// Applies one field of an outbox operation (as the wire carries it) to a current
// value: scalars replace; a set field takes an array (replace) or
// {"add": [...], "remove": [...]} (union, then removals).
Result<Value> apply_field_change(const FieldSpec& spec, const Value& current, const nlohmann::json& change);

}  // namespace doorstep
