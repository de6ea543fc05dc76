// Checking a submitted form on the server with the same engine the device used: types,
// required, constraints, choice filters, relevance and unknown fields. Pure function of
// its inputs; thread-safe (the definition is immutable).
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "doorstep/core/forms/definition.h"
#include "doorstep/core/forms/session.h"

namespace doorstep::forms {

// `answers` is a Submission's "answers" object ({name: value, repeat: [{...}]}) for
// `def`'s version (the caller matches form_id and version first). Returns every problem,
// empty when the answers are valid. Problems: an unknown field; a value of the wrong type
// or not among the choices; a repeat that is not a list of objects (or longer than
// kMaxRepeatInstances); an answer to a question that is not relevant; a missing required
// answer; a failed constraint; a choice the choice_filter excludes. Calculated values
// are recomputed, not trusted, and defaults are not applied (a cleared default stays
// cleared). `now_ms` is the time today() and now() see (the server's receipt time);
// `utc_offset_minutes` the council's local offset for today().
std::vector<AnswerProblem> check_submission(const FormDefinition& def, const nlohmann::json& answers,
                                            std::int64_t now_ms, int utc_offset_minutes = 0);

}  // namespace doorstep::forms
