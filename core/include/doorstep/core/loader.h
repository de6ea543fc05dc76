// Loading office data (people, cases, visits, tasks, notes, form definitions) from a
// JSON document into a store as server state: no outbox operations. Used by `doorstep
// load`, the demo and tests until the sync engine brings data from the server. One
// transaction: a file with any bad record loads nothing.
#pragma once

#include <cstdint>
#include <string>

#include "doorstep/core/forms/definition.h"
#include "doorstep/core/result.h"
#include "doorstep/core/store.h"

namespace doorstep {

struct LoadSummary {
  std::int64_t people = 0, cases = 0, visits = 0, tasks = 0, notes = 0, forms = 0;
};

// Format: {"people": [...], "cases": [...], "visits": [...], "tasks": [...], "notes": [...],
// "forms": [...]}; each element is {"id": "...", "rev": n (optional, default 1), <schema
// fields>}, except forms: each is a form definition in the JSON format of
// forms/definition_loader.h, checked by the forms engine and stored as its version's
// form_definition record. Errors name the list, the element index and the field (for a
// form, its first problem with sheet, row and column).
Result<LoadSummary> load_json(Store& store, const std::string& json_text);

// One checked form definition (from any format: forms/form_files.h) stored as the
// form_definition record of its version, as a sync brings a published one. Returns the
// record's id.
Result<std::string> load_form(Store& store, const forms::FormDefinition& def);

}  // namespace doorstep
