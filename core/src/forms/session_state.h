// Private to the form session: its state (answers and evaluated flags per question and
// repeat instance) and the evaluation steps its files share. Not thread-safe, like the
// session that owns it.
#pragma once

#include <vector>

#include "doorstep/core/forms/session.h"

namespace doorstep::forms {

// One question in one context (the form's top level, or one repeat instance).
struct Slot {
  Value value;               // stored answer or calculated value
  bool relevant = true;      // its own relevant and every enclosing group's
  bool required = false;
  bool read_only = false;
  std::string problem;       // "" = none
};

// All questions' slots for one context; only the questions of that context are used:
// the top level (Question::repeat < 0) or the members of one repeat.
struct Instance {
  std::vector<Slot> slots;
};

// Where a question is: its index and, inside a repeat, the 0-based instance (-1 outside).
struct Place {
  int question = -1;
  int instance = -1;
};

struct FormSession::State {
  std::shared_ptr<const FormDefinition> def;
  NowFn now;
  int utc_offset_minutes = 0;
  Instance top;
  std::vector<std::vector<Instance>> repeats;  // by question index; used for repeats only
  std::vector<std::vector<int>> members;       // repeat index -> its questions, survey order
  std::vector<int> section;                    // question -> its top-level ancestor (itself at top)
  mutable std::int64_t evaluations = 0;  // expression evaluations, for tests and benchmarks

  explicit State(std::shared_ptr<const FormDefinition> d, NowFn n, int offset);
  const Question& q(int i) const { return def->questions[static_cast<std::size_t>(i)]; }
  Slot& slot(int question, int instance);
  const Slot& slot(int question, int instance) const;
  // Instances of the repeat a member lives in (1 for a top-level question).
  int instances_of(int question) const;
  // Instances of a repeat, by the repeat's own index.
  int instances_of_repeat(int repeat) const;
  // The value expressions see: the answer when relevant, else empty.
  Value visible(int question, int instance) const;

  // Parses "name" or "repeat[k]/name". Errors as FormSession::answer documents.
  Result<Place> resolve(std::string_view path) const;
  std::string path_of(int question, int instance) const;

  // Sets a new instance's defaults.
  void apply_defaults(int repeat, int instance);
  Instance new_instance() const;

  // Evaluation (session_eval.cpp).
  // Recomputes relevance and calculation of `question` in every context it lives in;
  // true when its relevance or what expressions see of it changed anywhere.
  bool recompute(int question);
  // Redoes required, read_only and the problem of `question` everywhere it lives.
  void recheck(int question);
  // After `changed` questions changed value or visibility (and `also` must be
  // recomputed regardless): recompute their dependents in plan order, then recheck.
  void propagate(const std::vector<int>& changed, const std::vector<int>& also = {});
  void evaluate_all();
  // Whether choice `c` passes q's choice_filter in that context.
  bool choice_allowed(int question, int instance, const Choice& c) const;
  Status check_choices(int question, int instance, const Value& v) const;
  // The stored answer without read-only or filter checks: prefill, drafts, submissions.
  // Errors as canonical_answer.
  Status store(int question, int instance, const Value& v);
};

}  // namespace doorstep::forms
