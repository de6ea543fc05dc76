// Forms as synced records (schema.h): the record id of a published definition version,
// the fields of its form_definition record, loading a definition back from that record
// (checked again by the engine, never trusted) and checking a form_submission record
// against its definition. The device (CaseForms, `doorstep load`) and the server
// (publishing, the push check) share these. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "doorstep/core/forms/definition.h"
#include "doorstep/core/forms/definition_loader.h"
#include "doorstep/core/forms/session.h"
#include "doorstep/core/record.h"
#include "doorstep/core/result.h"

namespace doorstep::forms {

// A published form_id is at most this long, so "<form_id>-v<version>" is a record id
// (64 characters at most). The loader itself allows 128.
inline constexpr std::size_t kMaxPublishedFormIdBytes = 44;

// "<form_id>-v<version>", e.g. "statutory_visit_child-v2": one record per version, so
// every version a draft may need stays on the device. invalid_argument when form_id is
// longer than kMaxPublishedFormIdBytes or version is below 1.
Result<std::string> definition_record_id(const std::string& form_id, std::int64_t version);

// form_id, version, title and definition (definition_to_json, compact) of a
// form_definition record; published_at is the caller's.
Fields definition_record_fields(const FormDefinition& def);

// The definition a form_definition record holds, loaded and checked again. A record
// whose form_id or version disagrees with its definition is a problem, not a definition.
DefinitionLoad definition_from_record(const Record& form_definition);

// Every problem of a form_submission record against def (the definition of the form_id
// and form_version it names; the caller looks it up): answers that are not a JSON
// object, a form_id or version that is not def's, and whatever check_submission finds.
// now_ms: the time today() and now() see.
std::vector<AnswerProblem> check_submission_record(const FormDefinition& def, const Record& submission,
                                                   std::int64_t now_ms, int utc_offset_minutes = 0);

// One line for a worker or an office: "visit_date: The visit date cannot be in the
// future.; concerns: Describe your concerns ...", at most `most` problems, then
// "and N more".
std::string describe_problems(const std::vector<AnswerProblem>& problems, std::size_t most = 10);

}  // namespace doorstep::forms
