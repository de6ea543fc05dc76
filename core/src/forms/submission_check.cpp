// The server's check of a submission: the session engine rebuilt from the answers.
#include "doorstep/core/forms/submission_check.h"

#include "forms/answer_types.h"
#include "forms/session_state.h"

namespace doorstep::forms {
namespace {

using nlohmann::json;
using State = FormSession::State;
using Problems = std::vector<AnswerProblem>;

std::optional<Value> json_value(const json& j) {
  switch (j.type()) {
    case json::value_t::string: return Value(j.get<std::string>());
    case json::value_t::boolean: return Value(j.get<bool>());
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return Value(j.get<double>());
    case json::value_t::null: return Value{};
    default: return std::nullopt;
  }
}

// One context's answers (the top level, or one repeat instance) into the session.
void take(State& s, const json& obj, int repeat, int instance, Problems& out) {
  for (const auto& [name, j] : obj.items()) {
    std::string path = repeat < 0 ? name : s.q(repeat).name + "[" + std::to_string(instance + 1) + "]/" + name;
    int qi = s.def->index_of(name);
    if (qi < 0) {
      out.push_back({path, "not a question in this form"});
      continue;
    }
    const Question& q = s.q(qi);
    if (q.repeat != repeat) {
      out.push_back({path, q.repeat < 0 ? "belongs outside the repeat" : "belongs inside repeat '" + s.q(q.repeat).name + "'"});
      continue;
    }
    if (q.type == QuestionType::group || q.type == QuestionType::note) {
      out.push_back({path, std::string("a ") + (q.type == QuestionType::note ? "note" : "group") + " takes no answer"});
      continue;
    }
    if (q.type == QuestionType::repeat) {
      if (!j.is_array() || j.size() > static_cast<std::size_t>(kMaxRepeatInstances)) {
        out.push_back({path, "must be a list of at most " + std::to_string(kMaxRepeatInstances) + " entries"});
        continue;
      }
      for (const auto& inst : j) {
        auto& instances = s.repeats[static_cast<std::size_t>(qi)];
        instances.push_back(s.new_instance());
        int k = static_cast<int>(instances.size()) - 1;
        if (!inst.is_object()) {
          out.push_back({path + "[" + std::to_string(k + 1) + "]", "each entry must be an object of answers"});
          continue;
        }
        take(s, inst, qi, k, out);
      }
      continue;
    }
    if (!q.takes_answer()) continue;  // calculated: recomputed below, never trusted
    auto v = json_value(j);
    if (!v) {
      out.push_back({path, "must be text or a number"});
      continue;
    }
    if (auto ok = s.store(qi, instance, *v); !ok) out.push_back({path, ok.error().message});
  }
}

}  // namespace

Problems check_submission(const FormDefinition& def, const json& answers, std::int64_t now_ms,
                          int utc_offset_minutes) {
  Problems out;
  if (!answers.is_object()) {
    out.push_back({"", "the answers must be a JSON object"});
    return out;
  }
  // The definition outlives this call: share it without owning it.
  std::shared_ptr<const FormDefinition> borrowed(std::shared_ptr<const FormDefinition>(), &def);
  auto st = std::make_unique<State>(borrowed, [now_ms] { return now_ms; }, utc_offset_minutes);
  take(*st, answers, -1, -1, out);
  st->evaluate_all();
  FormSession session(std::move(st));
  State& s = *session.s_;
  // An answer the worker could not have given: its question was not relevant.
  const auto& qs = def.questions;
  for (std::size_t i = 0; i < qs.size(); ++i) {
    if (!qs[i].takes_answer()) continue;
    int qi = static_cast<int>(i);
    for (int k = (qs[i].repeat < 0 ? -1 : 0); k < (qs[i].repeat < 0 ? 0 : s.instances_of(qi)); ++k) {
      const Slot& sl = s.slot(qi, k);
      if (!sl.relevant && !is_empty(sl.value))
        out.push_back({s.path_of(qi, k), "answered, but the question does not apply to these answers"});
    }
  }
  for (auto& p : session.problems()) out.push_back(std::move(p));
  return out;
}

}  // namespace doorstep::forms
