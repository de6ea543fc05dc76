// Loading office data (people, cases, visits, tasks) from a JSON document into a
// store as server state: no outbox operations. Used by `doorstep load`, the demo and
// tests until the sync engine brings data from the server. One transaction: a file
// with any bad record loads nothing.
#pragma once

#include <cstdint>
#include <string>

#include "doorstep/core/result.h"
#include "doorstep/core/store.h"

namespace doorstep {

struct LoadSummary {
  std::int64_t people = 0, cases = 0, visits = 0, tasks = 0, notes = 0;
};

// Format: {"people": [...], "cases": [...], "visits": [...], "tasks": [...], "notes": [...]};
// each element is {"id": "...", "rev": n (optional, default 1), <schema fields>}.
// Errors name the list, the element index and the field.
Result<LoadSummary> load_json(Store& store, const std::string& json_text);

}  // namespace doorstep
