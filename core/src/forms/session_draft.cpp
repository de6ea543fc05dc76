// Form session drafts: every stored answer and repeat instance, and the version.
#include "doorstep/core/forms/picture_answer.h"
#include "forms/session_state.h"

namespace doorstep::forms {
namespace {

using nlohmann::json;
using State = FormSession::State;

constexpr int kDraftFormat = 1;

Error corrupt(std::string msg) {
  return make_error(ErrorDomain::store, ErrorCode::corrupt, "form draft: " + std::move(msg));
}

json draft_value(const Value& v) {
  if (auto* d = std::get_if<double>(&v)) return *d;
  if (auto* b = std::get_if<bool>(&v)) return *b;
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  return nullptr;
}

Result<Value> value_from(const json& j) {
  switch (j.type()) {
    case json::value_t::string: return Value(j.get<std::string>());
    case json::value_t::boolean: return Value(j.get<bool>());
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return Value(j.get<double>());
    case json::value_t::null: return Value{};
    default: return corrupt("an answer is not text, a number or true/false");
  }
}

// Answers of one context (top level: repeat -1) into an object.
json context_answers(const State& s, int repeat, int instance) {
  json obj = json::object();
  const auto& qs = s.def->questions;
  for (std::size_t i = 0; i < qs.size(); ++i) {
    if (qs[i].repeat != repeat || !qs[i].takes_answer()) continue;
    const Slot& sl = s.slot(static_cast<int>(i), instance);
    if (!is_empty(sl.value)) obj[qs[i].name] = draft_value(sl.value);
  }
  return obj;
}

Status restore(State& s, const json& obj, int repeat, int instance) {
  if (!obj.is_object()) return corrupt("answers are not an object");
  for (const auto& [name, j] : obj.items()) {
    int qi = s.def->index_of(name);
    if (qi < 0 || s.q(qi).repeat != repeat || !s.q(qi).takes_answer())
      return corrupt("'" + name + "' is not a question of this form version");
    auto v = value_from(j);
    if (!v) return v.error();
    if (auto ok = s.store(qi, instance, *v); !ok) {
      // A draft saved before pictures went into the blob store holds a file name: the
      // worker attaches the picture again rather than losing the whole draft.
      if (takes_picture(s.q(qi))) continue;
      return corrupt("'" + name + "': " + ok.error().message);
    }
  }
  return {};
}

}  // namespace

json FormSession::to_draft() const {
  json repeats = json::object();
  const auto& qs = s_->def->questions;
  for (std::size_t i = 0; i < qs.size(); ++i) {
    if (qs[i].type != QuestionType::repeat) continue;
    json list = json::array();
    for (int k = 0; k < s_->instances_of_repeat(static_cast<int>(i)); ++k)
      list.push_back(context_answers(*s_, static_cast<int>(i), k));
    repeats[qs[i].name] = std::move(list);
  }
  return {{"draft_format", kDraftFormat},
          {"form_id", s_->def->form_id},
          {"version", s_->def->version},
          {"answers", context_answers(*s_, -1, -1)},
          {"repeats", std::move(repeats)}};
}

Result<std::pair<std::string, std::int64_t>> FormSession::draft_form(const json& draft) {
  if (!draft.is_object()) return corrupt("not a JSON object");
  auto f = draft.find("draft_format");
  if (f == draft.end() || !f->is_number_integer() || f->get<std::int64_t>() != kDraftFormat)
    return corrupt("unknown draft format");
  auto id = draft.find("form_id");
  auto v = draft.find("version");
  if (id == draft.end() || !id->is_string() || v == draft.end() || !v->is_number_integer())
    return corrupt("no form_id or version");
  return std::make_pair(id->get<std::string>(), v->get<std::int64_t>());
}

Result<FormSession> FormSession::from_draft(std::shared_ptr<const FormDefinition> def, const json& draft, NowFn now,
                                            int utc_offset_minutes) {
  auto form = draft_form(draft);
  if (!form) return form.error();
  if (form->first != def->form_id || form->second != def->version)
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                      "the draft was started on '" + form->first + "' version " + std::to_string(form->second) +
                          "; open it with that version, not '" + def->form_id + "' version " +
                          std::to_string(def->version));
  auto st = std::make_unique<State>(std::move(def), std::move(now), utc_offset_minutes);
  auto answers = draft.find("answers");
  if (answers == draft.end()) return corrupt("no answers");
  DOORSTEP_TRY(restore(*st, *answers, -1, -1));
  if (auto reps = draft.find("repeats"); reps != draft.end()) {
    if (!reps->is_object()) return corrupt("repeats are not an object");
    for (const auto& [name, list] : reps->items()) {
      int r = st->def->index_of(name);
      if (r < 0 || st->q(r).type != QuestionType::repeat) return corrupt("'" + name + "' is not a repeat of this form version");
      if (!list.is_array() || list.size() > static_cast<std::size_t>(kMaxRepeatInstances))
        return corrupt("'" + name + "' is not a list of at most " + std::to_string(kMaxRepeatInstances) + " entries");
      for (const auto& inst : list) {
        auto& instances = st->repeats[static_cast<std::size_t>(r)];
        instances.push_back(st->new_instance());
        DOORSTEP_TRY(restore(*st, inst, r, static_cast<int>(instances.size()) - 1));
      }
    }
  }
  st->evaluate_all();
  return FormSession(std::move(st));
}

}  // namespace doorstep::forms
