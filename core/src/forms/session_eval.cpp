// Form session evaluation: what expressions see (the scope), relevance and calculations
// in dependency order, and the per-question checks (required, read_only, constraint).
#include <algorithm>

#include "forms/answer_types.h"
#include "forms/sheets.h"
#include "forms/session_state.h"

namespace doorstep::forms {
namespace {

using State = FormSession::State;

// What one expression evaluation sees: the session's visible values from one context
// (the top level, or one repeat instance), '.', and for choice_filter one choice.
class Scope final : public ExpressionScope {
 public:
  Scope(const State& s, int repeat, int instance, Value current = {}, const Choice* choice = nullptr)
      : s_(s), repeat_(repeat), instance_(instance), current_(std::move(current)), choice_(choice) {}

  Value field(std::string_view name) const override {
    if (choice_ && name.substr(0, kChoiceColumnPrefix.size()) == kChoiceColumnPrefix) {
      std::string_view col = name.substr(kChoiceColumnPrefix.size());
      if (col == "name") return choice_->name;
      if (col == "label") return choice_->label;
      auto it = choice_->columns.find(std::string(col));
      return it == choice_->columns.end() ? Value(std::string()) : Value(it->second);
    }
    int qi = s_.def->index_of(name);
    if (qi < 0) return {};
    const Question& q = s_.q(qi);
    if (q.repeat < 0) return s_.visible(qi, -1);
    if (q.repeat == repeat_) return s_.visible(qi, instance_);
    // From outside its repeat, a member reads as its first instance (XPath's first node).
    return s_.instances_of(qi) > 0 ? s_.visible(qi, 0) : Value{};
  }

  std::vector<Value> field_all(std::string_view name) const override {
    int qi = s_.def->index_of(name);
    if (qi < 0) return {};
    const Question& q = s_.q(qi);
    std::vector<Value> out;
    if (q.type == QuestionType::repeat) {  // count(${repeat}): one value per instance
      if (!s_.slot(qi, -1).relevant) return out;
      int n = s_.instances_of_repeat(qi);
      for (int k = 0; k < n; ++k) out.emplace_back(static_cast<double>(k + 1));
      return out;
    }
    if (q.repeat < 0 || q.repeat == repeat_) return {field(name)};
    if (!s_.slot(q.repeat, -1).relevant) return out;
    int n = s_.instances_of(qi);
    out.reserve(static_cast<std::size_t>(n));
    for (int k = 0; k < n; ++k) out.push_back(s_.visible(qi, k));
    return out;
  }

  Value current() const override { return current_; }
  std::int64_t now_ms() const override { return s_.now ? s_.now() : 0; }
  int utc_offset_minutes() const override { return s_.utc_offset_minutes; }
  int position() const override { return instance_ >= 0 ? instance_ + 1 : 0; }

 private:
  const State& s_;
  int repeat_;
  int instance_;
  Value current_;
  const Choice* choice_;
};

Result<Value> run(const State& s, const Expression& e, const Scope& scope) {
  ++s.evaluations;
  return e.evaluate(scope);
}

bool is_true(const State& s, const Expression& e, const Scope& scope, bool on_error) {
  auto r = run(s, e, scope);
  return r ? to_boolean(*r) : on_error;
}

}  // namespace

bool State::recompute(int qi) {
  const Question& q = this->q(qi);
  bool changed = false;
  int n = instances_of(qi);
  for (int k = (q.repeat < 0 ? -1 : 0); k < (q.repeat < 0 ? 0 : n); ++k) {
    Slot& sl = slot(qi, k);
    Value before = sl.relevant ? sl.value : Value{};
    bool was_relevant = sl.relevant;
    bool rel = true;
    if (q.parent >= 0) rel = slot(q.parent, q.parent == q.repeat ? -1 : k).relevant;
    Scope scope(*this, q.repeat, k);
    // A relevant that fails to evaluate shows the question: hiding it could lose an answer.
    if (rel && !q.relevant.empty()) rel = is_true(*this, q.relevant, scope, true);
    sl.relevant = rel;
    if (q.type == QuestionType::repeat) {
      sl.value = static_cast<double>(instances_of_repeat(qi));
    } else if (!q.calculation.empty()) {
      Value v;
      if (rel) {
        auto r = run(*this, q.calculation, scope);
        if (r) v = *r;
        if (q.type != QuestionType::calculate) {  // a computed integer, date, ...
          auto c = canonical_answer(*def, q, v);
          v = c ? *c : Value{};
        }
      }
      sl.value = std::move(v);
    }
    Value after = sl.relevant ? sl.value : Value{};
    // Children follow their group's relevance even when no value changed.
    if (!(before == after) || was_relevant != sl.relevant) changed = true;
  }
  return changed;
}

bool State::choice_allowed(int qi, int k, const Choice& c) const {
  const Question& q = this->q(qi);
  if (q.choice_filter_expr.empty()) return true;
  // A filter that fails to evaluate hides the choice rather than offer a wrong one.
  return is_true(*this, q.choice_filter_expr, Scope(*this, q.repeat, k, {}, &c), false);
}

Status State::check_choices(int qi, int k, const Value& v) const {
  const Question& q = this->q(qi);
  if (q.choice_filter_expr.empty() || is_empty(v)) return {};
  const ChoiceList* list = def->choice_list(q.list_name);
  std::string text = to_text(v);
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t e = text.find(' ', i);
    if (e == std::string::npos) e = text.size();
    std::string name = text.substr(i, e - i);
    int c = list ? list->find(name) : -1;
    if (c < 0 || !choice_allowed(qi, k, list->choices[static_cast<std::size_t>(c)]))
      return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                        "'" + name + "' is not one of the options for the answers given.");
    i = e + 1;
  }
  return {};
}

void State::recheck(int qi) {
  const Question& q = this->q(qi);
  int n = instances_of(qi);
  for (int k = (q.repeat < 0 ? -1 : 0); k < (q.repeat < 0 ? 0 : n); ++k) {
    Slot& sl = slot(qi, k);
    Scope scope(*this, q.repeat, k);
    sl.read_only = !q.takes_answer() || q.read_only.always ||
                   (!q.read_only.when.empty() && is_true(*this, q.read_only.when, scope, false));
    sl.required = sl.relevant && q.takes_answer() &&
                  (q.required.always || (!q.required.when.empty() && is_true(*this, q.required.when, scope, true)));
    sl.problem.clear();
    if (!sl.relevant || q.is_container() || q.type == QuestionType::note) continue;
    if (is_empty(sl.value)) {
      if (sl.required) sl.problem = q.required_message.empty() ? kDefaultRequiredMessage : q.required_message;
      continue;
    }
    if (auto c = check_choices(qi, k, sl.value); !c) {
      sl.problem = c.error().message;
      continue;
    }
    if (q.constraint.empty()) continue;
    auto r = run(*this, q.constraint, Scope(*this, q.repeat, k, sl.value));
    if (!r) {
      sl.problem = "This answer could not be checked: " + r.error().message;
    } else if (!to_boolean(*r)) {
      sl.problem = q.constraint_message.empty() ? kDefaultConstraintMessage : q.constraint_message;
    }
  }
}

void State::propagate(const std::vector<int>& changed, const std::vector<int>& also) {
  const EvaluationPlan& plan = def->plan;
  const std::size_t n = def->questions.size();
  std::vector<char> dirty(n, 0), check(n, 0);  // dirty by plan position, check by question
  std::size_t lo = n, hi = 0;
  auto mark = [&](int qi) {
    auto p = static_cast<std::size_t>(plan.position[static_cast<std::size_t>(qi)]);
    dirty[p] = 1;
    lo = std::min(lo, p);
    hi = std::max(hi, p);
  };
  auto touched = [&](int qi) {
    check[static_cast<std::size_t>(qi)] = 1;
    for (int d : plan.value_dependents[static_cast<std::size_t>(qi)]) mark(d);
    for (int d : plan.check_dependents[static_cast<std::size_t>(qi)]) check[static_cast<std::size_t>(d)] = 1;
  };
  for (int c : changed) touched(c);
  for (int a : also) mark(a);
  // Plan order puts every dependency first, so one forward sweep settles everything.
  for (std::size_t p = lo; p <= hi && p < n; ++p) {
    if (!dirty[p]) continue;
    int qi = plan.order[p];
    check[static_cast<std::size_t>(qi)] = 1;
    if (recompute(qi)) touched(qi);
  }
  for (std::size_t i = 0; i < n; ++i)
    if (check[i]) recheck(static_cast<int>(i));
}

void State::evaluate_all() {
  for (int qi : def->plan.order) recompute(qi);
  for (std::size_t i = 0; i < def->questions.size(); ++i) recheck(static_cast<int>(i));
}

}  // namespace doorstep::forms
