// FormSession: one worker filling in one form version: answers, relevance, constraints,
// required, calculations (recomputed in dependency order, only what a change affects),
// repeats, progress, submit and drafts. Not thread-safe: one thread uses a session at a
// time (it may be moved to another). The definition it shares is immutable.
//
// Versions: a session and its draft belong to one definition version. Callers keep every
// published version of a form (the store keeps form_definition records by form_id and
// version) so that a draft started on version n is reopened, and submitted, on version n.
// draft_form() says which version a draft needs.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "doorstep/core/forms/definition.h"
#include "doorstep/core/result.h"

namespace doorstep::forms {

// Milliseconds since the Unix epoch, UTC; for today() and now(). Wrap a Clock with
// [&clock] { return clock.now_ms(); } (the clock must outlive the session).
using NowFn = std::function<std::int64_t()>;

// Messages used when the form gives none (required_message, constraint_message).
inline constexpr const char* kDefaultRequiredMessage = "This question needs an answer.";
inline constexpr const char* kDefaultConstraintMessage = "This answer is not allowed.";
// Most instances one repeat may have.
inline constexpr int kMaxRepeatInstances = 500;

// A question with a problem. Paths: "name" outside repeats, "repeat_name[2]/name" inside
// (1-based instance); groups do not appear in paths (names are unique in a form).
struct AnswerProblem {
  std::string path;
  std::string message;  // for the worker: the form's message or a default
};

struct SaveToValue {
  std::string target;    // "case" or "person"
  std::string field;     // the record field
  nlohmann::json value;  // as in the answers
};

// A complete, valid set of answers. answers: {name: value, repeat_name: [{...}, ...]};
// integer and decimal answers are JSON numbers, everything else text. Only relevant,
// non-empty answers appear; notes never do.
struct Submission {
  std::string form_id;
  std::int64_t version = 0;
  nlohmann::json answers = nlohmann::json::object();
  std::vector<SaveToValue> save_to;  // relevant, non-empty answers of save_to questions
  // {"form_id", "version", "answers", "save_to": [{"target", "field", "value"}]}
  nlohmann::json to_json() const;
};

// Either a submission or the problems that prevent one.
struct SubmitResult {
  std::optional<Submission> submission;
  std::vector<AnswerProblem> problems;  // survey order; empty when submission is set
  bool ok() const { return submission.has_value(); }
};

// Progress through one top-level group or repeat, or (name "") through the questions
// that sit outside any group. Counts cover relevant questions a worker answers.
struct SectionProgress {
  std::string name;
  std::string label;
  bool relevant = true;
  int questions = 0;
  int answered = 0;
  int required = 0;           // required now (required may depend on other answers)
  int required_answered = 0;
  std::optional<AnswerProblem> first_problem;
};

// What the form-filling page shows for one question.
struct QuestionState {
  Value value;          // the stored answer (kept while not relevant) or calculated value
  bool relevant = true; // false when it, or an enclosing group, is not relevant
  bool required = false;
  bool read_only = false;  // read_only, a calculation, a note
  std::string problem;     // "" when none
};

class FormSession {
 public:
  // Prefill, keyed by question name or by save_to target ("person.address"): initial
  // answers from the record. Applied after defaults; values that do not fit a question's
  // type, and unknown keys, are ignored (the worker answers instead).
  using Prefill = std::map<std::string, Value>;

  // A new session: defaults applied, then prefill, then everything evaluated.
  static FormSession start(std::shared_ptr<const FormDefinition> def, const Prefill& prefill,
                           NowFn now, int utc_offset_minutes = 0);

  FormSession(FormSession&&) noexcept;
  FormSession& operator=(FormSession&&) noexcept;
  ~FormSession();

  const FormDefinition& definition() const;
  const std::shared_ptr<const FormDefinition>& definition_ptr() const;

  // Stores an answer (Value{} or "" clears it) and re-evaluates what depends on it.
  // Errors (nothing changes): input/not_found for an unknown path or instance;
  // input/invalid_argument for a malformed path or an answer of the wrong type (the
  // message is for the worker: "Enter a whole number.", "'x' is not one of the options.");
  // state/invalid_transition for a note, a calculated or a read-only question.
  // Not errors: a constraint that fails or a required question left empty; the answer is
  // kept and state(path).problem says why. Answering a non-relevant question is allowed;
  // the answer is kept but left out of expressions and the submission.
  Status answer(std::string_view path, const Value& value);

  // The state of one question (or group or repeat, for relevance). input/not_found for
  // an unknown path.
  Result<QuestionState> state(std::string_view path) const;
  // The choices a select question offers now (choice_filter applied), in sheet order.
  Result<std::vector<const Choice*>> choices(std::string_view path) const;

  // Repeats. add_repeat returns the new instance's number (1-based); defaults apply to it.
  // Errors: input/not_found (no such repeat or instance), input/too_large (over
  // kMaxRepeatInstances). Removing renumbers the later instances.
  Result<int> add_repeat(std::string_view repeat_name);
  Status remove_repeat(std::string_view repeat_name, int instance);
  int repeat_count(std::string_view repeat_name) const;  // 0 for an unknown name

  // Re-evaluates everything (e.g. when time moves on and today() changes).
  void refresh();
  // Every current problem, survey order (required, constraint, unavailable choice).
  std::vector<AnswerProblem> problems() const;
  std::vector<SectionProgress> progress() const;
  // refresh(), then the submission or the problems.
  SubmitResult submit();

  // Drafts: every stored answer (relevant or not, calculated values excepted), every
  // repeat instance, form_id and version:
  //   {"draft_format": 1, "form_id", "version", "answers": {...}, "repeats": {"r": [{...}]}}
  // from_draft(def, to_draft()) gives a session equal to this one. Errors: input/
  // invalid_argument when the draft is for another form or version (see draft_form);
  // store/corrupt when the draft is malformed or its answers do not fit the definition.
  nlohmann::json to_draft() const;
  static Result<FormSession> from_draft(std::shared_ptr<const FormDefinition> def,
                                        const nlohmann::json& draft, NowFn now,
                                        int utc_offset_minutes = 0);
  // The form_id and version a draft was started on. store/corrupt when it has none.
  static Result<std::pair<std::string, std::int64_t>> draft_form(const nlohmann::json& draft);

  // Expression evaluations since the session started, for tests and benchmarks that
  // check re-evaluation touches only what a change affects.
  std::int64_t evaluations() const;

  struct State;  // private to core/src/forms

 private:
  explicit FormSession(std::unique_ptr<State> state);
  std::unique_ptr<State> s_;
  friend std::vector<AnswerProblem> check_submission(const FormDefinition&, const nlohmann::json&, std::int64_t, int);
};

}  // namespace doorstep::forms
