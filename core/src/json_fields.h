// JSON conversion of field values, private to core. Uses nlohmann::json.
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

}  // namespace doorstep
