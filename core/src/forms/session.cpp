// Form session: starting, answering, paths, repeats and question state.
#include <algorithm>

#include "forms/answer_types.h"
#include "forms/session_state.h"

namespace doorstep::forms {
namespace {

Error not_found(std::string msg) { return make_error(ErrorDomain::input, ErrorCode::not_found, std::move(msg)); }
Error bad_path(std::string msg) { return make_error(ErrorDomain::input, ErrorCode::invalid_argument, std::move(msg)); }

}  // namespace

// ---- state ----

FormSession::State::State(std::shared_ptr<const FormDefinition> d, NowFn n, int offset)
    : def(std::move(d)), now(std::move(n)), utc_offset_minutes(offset) {
  const std::size_t count = def->questions.size();
  top = new_instance();
  repeats.assign(count, {});
  members.assign(count, {});
  section.assign(count, -1);
  for (std::size_t i = 0; i < count; ++i) {
    const Question& qq = def->questions[i];
    if (qq.repeat >= 0) members[static_cast<std::size_t>(qq.repeat)].push_back(static_cast<int>(i));
    section[i] = qq.parent < 0 ? static_cast<int>(i) : section[static_cast<std::size_t>(qq.parent)];
  }
}

Instance FormSession::State::new_instance() const {
  Instance in;
  in.slots.resize(def->questions.size());
  return in;
}

Slot& FormSession::State::slot(int question, int instance) {
  const Question& qq = q(question);
  if (qq.repeat < 0 || instance < 0) return top.slots[static_cast<std::size_t>(question)];
  return repeats[static_cast<std::size_t>(qq.repeat)][static_cast<std::size_t>(instance)].slots[static_cast<std::size_t>(question)];
}

const Slot& FormSession::State::slot(int question, int instance) const {
  return const_cast<State*>(this)->slot(question, instance);
}

int FormSession::State::instances_of(int question) const {
  const Question& qq = q(question);
  return qq.repeat < 0 ? 1 : instances_of_repeat(qq.repeat);
}

int FormSession::State::instances_of_repeat(int repeat) const {
  return static_cast<int>(repeats[static_cast<std::size_t>(repeat)].size());
}

Value FormSession::State::visible(int question, int instance) const {
  const Slot& sl = slot(question, instance);
  return sl.relevant ? sl.value : Value{};
}

Result<Place> FormSession::State::resolve(std::string_view path) const {
  std::string_view name = path;
  int repeat = -1, instance = -1;
  if (auto slash = path.find('/'); slash != std::string_view::npos) {
    std::string_view head = path.substr(0, slash);
    name = path.substr(slash + 1);
    auto open = head.find('[');
    if (open == std::string_view::npos || head.back() != ']' || open + 2 > head.size() - 1)
      return bad_path("'" + std::string(path) + "' is not a path: write repeat[n]/name");
    std::string_view digits = head.substr(open + 1, head.size() - open - 2);
    if (digits.size() > 6 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return bad_path("'" + std::string(path) + "' is not a path: write repeat[n]/name");
    repeat = def->index_of(head.substr(0, open));
    if (repeat < 0 || q(repeat).type != QuestionType::repeat)
      return not_found("there is no repeat '" + std::string(head.substr(0, open)) + "'");
    instance = std::stoi(std::string(digits)) - 1;
    if (instance < 0 || instance >= instances_of_repeat(repeat))
      return not_found("repeat '" + q(repeat).name + "' has no instance " + std::string(digits));
  }
  int qi = def->index_of(name);
  if (qi < 0) return not_found("there is no question '" + std::string(name) + "'");
  if (q(qi).repeat != repeat) {
    if (q(qi).repeat < 0) return bad_path("'" + std::string(name) + "' is not inside repeat '" + q(repeat).name + "'");
    return bad_path("'" + std::string(name) + "' is inside repeat '" + q(q(qi).repeat).name + "': write " +
                    q(q(qi).repeat).name + "[1]/" + std::string(name));
  }
  return Place{qi, instance};
}

std::string FormSession::State::path_of(int question, int instance) const {
  const Question& qq = q(question);
  if (qq.repeat < 0) return qq.name;
  return q(qq.repeat).name + "[" + std::to_string(instance + 1) + "]/" + qq.name;
}

Status FormSession::State::store(int question, int instance, const Value& v) {
  auto c = canonical_answer(*def, q(question), v);
  if (!c) return c.error();
  slot(question, instance).value = std::move(*c);
  return {};
}

void FormSession::State::apply_defaults(int repeat, int instance) {
  for (std::size_t i = 0; i < def->questions.size(); ++i) {
    const Question& qq = def->questions[i];
    if (qq.repeat != repeat || qq.default_value.empty() || !qq.takes_answer()) continue;
    (void)store(static_cast<int>(i), instance, Value(qq.default_value));  // checked at load
  }
}

// ---- session ----

FormSession::FormSession(std::unique_ptr<State> state) : s_(std::move(state)) {}
FormSession::FormSession(FormSession&&) noexcept = default;
FormSession& FormSession::operator=(FormSession&&) noexcept = default;
FormSession::~FormSession() = default;

FormSession FormSession::start(std::shared_ptr<const FormDefinition> def, const Prefill& prefill, NowFn now,
                               int utc_offset_minutes) {
  auto st = std::make_unique<State>(std::move(def), std::move(now), utc_offset_minutes);
  st->apply_defaults(-1, -1);
  for (const auto& [key, value] : prefill) {
    int qi = -1;
    if (key.find('.') != std::string::npos) {
      for (std::size_t i = 0; i < st->def->questions.size(); ++i) {
        const auto& t = st->def->questions[i].save_to;
        if (t && t->text() == key) qi = static_cast<int>(i);
      }
    }
    if (qi < 0) qi = st->def->index_of(key);
    if (qi < 0 || st->q(qi).repeat >= 0 || !st->q(qi).takes_answer()) continue;
    (void)st->store(qi, -1, value);  // a value that does not fit is left for the worker
  }
  st->evaluate_all();
  return FormSession(std::move(st));
}

const FormDefinition& FormSession::definition() const { return *s_->def; }
const std::shared_ptr<const FormDefinition>& FormSession::definition_ptr() const { return s_->def; }

Status FormSession::answer(std::string_view path, const Value& value) {
  auto place = s_->resolve(path);
  if (!place) return place.error();
  const Question& q = s_->q(place->question);
  auto refuse = [&](const std::string& why) {
    return make_error(ErrorDomain::state, ErrorCode::invalid_transition, "'" + q.name + "' " + why);
  };
  if (q.is_container()) return refuse("is a group or repeat, not a question");
  if (q.type == QuestionType::note) return refuse("is a note and takes no answer");
  if (!q.takes_answer()) return refuse("is calculated by the form");
  Slot& sl = s_->slot(place->question, place->instance);
  if (sl.read_only) return refuse("is read-only");
  auto c = canonical_answer(*s_->def, q, value);
  if (!c) return c.error();
  if (auto ok = s_->check_choices(place->question, place->instance, *c); !ok) return ok.error();
  if (sl.value == *c) return {};
  sl.value = std::move(*c);
  s_->propagate({place->question});
  return {};
}

Result<QuestionState> FormSession::state(std::string_view path) const {
  auto place = s_->resolve(path);
  if (!place) return place.error();
  const Slot& sl = s_->slot(place->question, place->instance);
  return QuestionState{sl.value, sl.relevant, sl.required, sl.read_only, sl.problem};
}

Result<std::vector<const Choice*>> FormSession::choices(std::string_view path) const {
  auto place = s_->resolve(path);
  if (!place) return place.error();
  const Question& q = s_->q(place->question);
  const ChoiceList* list = s_->def->choice_list(q.list_name);
  if (!list) return bad_path("'" + q.name + "' is not a select question");
  std::vector<const Choice*> out;
  for (const auto& c : list->choices)
    if (s_->choice_allowed(place->question, place->instance, c)) out.push_back(&c);
  return out;
}

Result<int> FormSession::add_repeat(std::string_view repeat_name) {
  int r = s_->def->index_of(repeat_name);
  if (r < 0 || s_->q(r).type != QuestionType::repeat) return not_found("there is no repeat '" + std::string(repeat_name) + "'");
  auto& list = s_->repeats[static_cast<std::size_t>(r)];
  if (list.size() >= static_cast<std::size_t>(kMaxRepeatInstances))
    return make_error(ErrorDomain::input, ErrorCode::too_large,
                      "'" + s_->q(r).name + "' has the most entries allowed (" + std::to_string(kMaxRepeatInstances) + ")");
  list.push_back(s_->new_instance());
  int k = static_cast<int>(list.size()) - 1;
  s_->apply_defaults(r, k);
  // Every member gained an instance: what reads them (sum(), count()) must follow.
  std::vector<int> members = s_->members[static_cast<std::size_t>(r)];
  members.push_back(r);
  s_->propagate(members, members);
  return k + 1;
}

Status FormSession::remove_repeat(std::string_view repeat_name, int instance) {
  int r = s_->def->index_of(repeat_name);
  if (r < 0 || s_->q(r).type != QuestionType::repeat) return not_found("there is no repeat '" + std::string(repeat_name) + "'");
  auto& list = s_->repeats[static_cast<std::size_t>(r)];
  if (instance < 1 || static_cast<std::size_t>(instance) > list.size())
    return not_found("repeat '" + s_->q(r).name + "' has no instance " + std::to_string(instance));
  list.erase(list.begin() + (instance - 1));
  // Every member lost an instance and later ones moved up (position() changed).
  std::vector<int> members = s_->members[static_cast<std::size_t>(r)];
  members.push_back(r);
  s_->propagate(members, members);
  return {};
}

int FormSession::repeat_count(std::string_view repeat_name) const {
  int r = s_->def->index_of(repeat_name);
  if (r < 0 || s_->q(r).type != QuestionType::repeat) return 0;
  return s_->instances_of_repeat(r);
}

void FormSession::refresh() { s_->evaluate_all(); }

std::int64_t FormSession::evaluations() const { return s_->evaluations; }

}  // namespace doorstep::forms
