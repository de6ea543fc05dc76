// Private to the forms engine: what each question type accepts as an answer, and the
// canonical form it is stored in. Shared by the loader (defaults), the session and
// check_submission, so every path agrees. Pure; thread-safe.
#pragma once

#include "doorstep/core/forms/definition.h"

namespace doorstep::forms {

// Longest text answer accepted, in bytes.
inline constexpr std::size_t kMaxAnswerBytes = 65536;

// Checks `v` against q's type and returns the stored form: integer and decimal answers
// as numbers, everything else as text (select_multiple: choice names separated by one
// space, duplicates dropped; acknowledge: "OK"). Empty input ("" or monostate, or false
// for acknowledge) gives monostate: no answer. Does not evaluate choice_filter.
// Error: input/invalid_argument with a message for the worker ("Enter a whole number.").
Result<Value> canonical_answer(const FormDefinition& def, const Question& q, const Value& v);

// True when `s` is well-formed UTF-8.
bool valid_utf8(std::string_view s);

}  // namespace doorstep::forms
