// Form session: problems, progress through sections, and the submission.
#include <cmath>

#include "forms/session_state.h"

namespace doorstep::forms {
namespace {

using nlohmann::json;
using State = FormSession::State;

// Integer and decimal answers are JSON numbers; everything else is text.
json submission_value(const Question& q, const Value& v) {
  if (q.type == QuestionType::integer) {
    if (auto n = to_number(v)) return static_cast<std::int64_t>(std::llround(*n));
  }
  if (q.type == QuestionType::decimal) {
    if (auto n = to_number(v)) return *n;
  }
  return to_text(v);
}

// Calls f(question, instance) for every question in survey order, repeat instances in
// order (a repeat's members follow the repeat once per instance).
template <typename F>
void each_slot(const State& s, F&& f) {
  const auto& qs = s.def->questions;
  for (std::size_t i = 0; i < qs.size(); ++i) {
    if (qs[i].repeat >= 0) continue;
    f(static_cast<int>(i), -1);
    if (qs[i].type != QuestionType::repeat) continue;
    int n = s.instances_of_repeat(static_cast<int>(i));
    for (int k = 0; k < n; ++k)
      for (int m : s.members[i]) f(m, k);
  }
}

}  // namespace

std::vector<AnswerProblem> FormSession::problems() const {
  std::vector<AnswerProblem> out;
  each_slot(*s_, [&](int qi, int k) {
    const Slot& sl = s_->slot(qi, k);
    if (!sl.problem.empty()) out.push_back({s_->path_of(qi, k), sl.problem});
  });
  return out;
}

std::vector<SectionProgress> FormSession::progress() const {
  std::vector<SectionProgress> out;
  std::vector<int> index(s_->def->questions.size(), -1);  // section question -> entry in out
  int loose = -1;  // the entry for questions outside any group
  each_slot(*s_, [&](int qi, int k) {
    const Question& q = s_->q(qi);
    int top = s_->section[static_cast<std::size_t>(qi)];
    SectionProgress* sec;
    if (s_->q(top).is_container()) {
      int& e = index[static_cast<std::size_t>(top)];
      if (e < 0) {
        e = static_cast<int>(out.size());
        const Question& t = s_->q(top);
        SectionProgress fresh;
        fresh.name = t.name;
        fresh.label = t.label;
        fresh.relevant = s_->slot(top, -1).relevant;
        out.push_back(std::move(fresh));
      }
      sec = &out[static_cast<std::size_t>(e)];
    } else {
      if (loose < 0) {
        loose = static_cast<int>(out.size());
        out.push_back({});
      }
      sec = &out[static_cast<std::size_t>(loose)];
    }
    const Slot& sl = s_->slot(qi, k);
    if (!sl.problem.empty() && !sec->first_problem) sec->first_problem = AnswerProblem{s_->path_of(qi, k), sl.problem};
    if (!sl.relevant || !q.takes_answer()) return;
    bool answered = !is_empty(sl.value);
    ++sec->questions;
    if (answered) ++sec->answered;
    if (sl.required) {
      ++sec->required;
      if (answered) ++sec->required_answered;
    }
  });
  return out;
}

json Submission::to_json() const {
  json saves = json::array();
  for (const auto& s : save_to) saves.push_back({{"target", s.target}, {"field", s.field}, {"value", s.value}});
  return {{"form_id", form_id}, {"version", version}, {"answers", answers}, {"save_to", std::move(saves)}};
}

SubmitResult FormSession::submit() {
  refresh();
  SubmitResult result;
  result.problems = problems();
  if (!result.problems.empty()) return result;
  Submission sub;
  sub.form_id = s_->def->form_id;
  sub.version = s_->def->version;
  const auto& qs = s_->def->questions;
  auto put = [&](json& obj, int qi, int k) {
    const Question& q = s_->q(qi);
    const Slot& sl = s_->slot(qi, k);
    if (q.is_container() || q.type == QuestionType::note || !sl.relevant || is_empty(sl.value)) return;
    obj[q.name] = submission_value(q, sl.value);
    if (q.save_to) sub.save_to.push_back({q.save_to->record, q.save_to->field, obj[q.name]});
  };
  for (std::size_t i = 0; i < qs.size(); ++i) {
    if (qs[i].repeat >= 0) continue;
    int qi = static_cast<int>(i);
    if (qs[i].type != QuestionType::repeat) {
      put(sub.answers, qi, -1);
      continue;
    }
    int n = s_->instances_of_repeat(qi);
    if (!s_->slot(qi, -1).relevant || n == 0) continue;
    json list = json::array();
    for (int k = 0; k < n; ++k) {
      json obj = json::object();
      for (int m : s_->members[i]) put(obj, m, k);
      list.push_back(std::move(obj));
    }
    sub.answers[qs[i].name] = std::move(list);
  }
  result.submission = std::move(sub);
  return result;
}

}  // namespace doorstep::forms
