// How field values appear in outbox operations (and so on the wire), private to core.
// Scalars as JSON scalars; a set field (markers) as an array when the record is
// created and as {"add": [...], "remove": [...]} when it changes, so concurrent
// edits merge as a union with explicit removals (docs/design.md, "Records").
#pragma once

#include <nlohmann/json.hpp>

#include "doorstep/core/record.h"
#include "doorstep/core/schema.h"

namespace doorstep {

nlohmann::json outbox_value(const FieldSpec& spec, const Value& v);
nlohmann::json set_delta(const Value& before, const Value& after);

}  // namespace doorstep
