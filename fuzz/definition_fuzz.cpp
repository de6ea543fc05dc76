// Fuzz entry for form definitions: the bytes as a JSON definition and as an XLSForm
// survey CSV. Whatever loads is then filled in and checked against the engine's promises:
// a definition written back loads the same, a draft reopens the same, and what the
// session submits the server's check accepts. The bytes also drive a session of a fixed
// form (answers, repeats, drafts, submits), checking after every step that re-evaluating
// only what changed agrees with evaluating everything. Built as a libFuzzer target
// (DOORSTEP_FUZZ) and as a corpus replay test (fuzz/replay_main.cpp).
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "doorstep/core/forms/definition_loader.h"
#include "doorstep/core/forms/session.h"
#include "doorstep/core/forms/submission_check.h"

namespace {

using namespace doorstep::forms;

constexpr std::int64_t kNow = 1795600800000;  // 2026-11-25T10:00:00Z

// Choices and settings for the CSV survey, so select questions have lists to use.
constexpr std::string_view kChoices =
    "list_name,name,label,kind\n"
    "yes_no,yes,Yes,a\nyes_no,no,No,b\n"
    "cat,env,Environment,a\ncat,road,Roads,b\n";
constexpr std::string_view kSettings = "form_id,version\nfuzz,1\n";

void fail(const char* what) {
  std::fprintf(stderr, "definition_fuzz: %s\n", what);
  std::abort();
}

// Answers a worker might give, tried on every question.
const Value kTries[] = {Value(std::string("yes")), Value(3.0), Value(std::string("2026-11-25")),
                        Value(std::string("env road")), Value(true), Value(std::string("51.5 -0.1"))};

// A form with groups, a repeat, relevance, a calculation chain, a choice filter,
// constraints and read-only and required expressions, for drive().
constexpr std::string_view kDriven = R"form({
  "settings": {"form_id": "driven", "version": 1},
  "survey": [
    {"type": "select_one cat", "name": "cat", "label": "C", "required": "yes"},
    {"type": "select_multiple sub", "name": "sub", "label": "S", "choice_filter": "cat = ${cat}"},
    {"type": "begin_group", "name": "g", "label": "G", "relevant": "${cat} != 'road' or count-selected(${sub}) > 1"},
    {"type": "integer", "name": "n", "label": "N", "constraint": ". < 10", "default": "1"},
    {"type": "text", "name": "t", "label": "T", "required": "${n} > 3", "read_only": "${cat} = 'road'"},
    {"type": "end_group"},
    {"type": "calculate", "name": "c2", "calculation": "${c1} + 1"},
    {"type": "calculate", "name": "c1", "calculation": "${n} * 2 + count(${r})"},
    {"type": "begin_repeat", "name": "r", "label": "R", "relevant": "${n} > 0"},
    {"type": "decimal", "name": "m", "label": "M", "constraint": ". >= ${n}"},
    {"type": "text", "name": "why", "label": "W", "relevant": "${m} > 5 and position(..) = 1"},
    {"type": "calculate", "name": "mc", "calculation": "concat(${t}, ${m})"},
    {"type": "end_repeat"},
    {"type": "calculate", "name": "total", "calculation": "sum(${m})", "constraint": ". < 100"},
    {"type": "date", "name": "d", "label": "D", "relevant": "${total} > 1", "constraint": ". >= today()"},
    {"type": "acknowledge", "name": "ok", "label": "OK", "required": "${sub} != ''"}
  ],
  "choices": [
    {"list_name": "cat", "name": "env", "label": "E"}, {"list_name": "cat", "name": "road", "label": "R"},
    {"list_name": "sub", "name": "a", "label": "A", "cat": "env"},
    {"list_name": "sub", "name": "b", "label": "B", "cat": "road"},
    {"list_name": "sub", "name": "c", "label": "C", "cat": "env"}
  ]})form";

const Value kPool[] = {Value{}, Value(std::string("env")), Value(std::string("road")), Value(std::string("a c")),
                       Value(std::string("b")), Value(0.0), Value(2.0), Value(4.0), Value(7.5), Value(12.0),
                       Value(std::string("x")), Value(true), Value(std::string("2026-11-25")),
                       Value(std::string("2026-01-01"))};

// Every (question, instance) path of the session, in survey order.
std::vector<std::string> paths(const FormSession& s) {
  std::vector<std::string> out;
  const auto& qs = s.definition().questions;
  for (const auto& q : qs) {
    if (q.repeat < 0) {
      out.push_back(q.name);
      continue;
    }
    const std::string& r = qs[static_cast<std::size_t>(q.repeat)].name;
    for (int k = 1; k <= s.repeat_count(r); ++k) out.push_back(r + "[" + std::to_string(k) + "]/" + q.name);
  }
  return out;
}

// The incremental session must agree with one evaluated from scratch.
void same_as_full(const FormSession& s) {
  auto full = FormSession::from_draft(s.definition_ptr(), s.to_draft(), [] { return kNow; });
  if (!full.ok()) fail("a draft does not reopen");
  for (const auto& p : paths(s)) {
    auto a = s.state(p);
    auto b = full->state(p);
    if (!a.ok() || !b.ok()) fail("a path does not resolve");
    if (!(a->value == b->value) || a->relevant != b->relevant || a->required != b->required ||
        a->read_only != b->read_only || a->problem != b->problem) {
      std::fprintf(stderr, "at %s\n", p.c_str());
      fail("re-evaluation after a change differs from a full evaluation");
    }
  }
}

void exercise(const std::shared_ptr<const FormDefinition>& def) {
  // Written back, the definition loads to the same definition.
  auto again = load_definition_json(definition_to_json(*def));
  if (!again.ok()) fail("a loaded definition, written back, does not load");
  if (definition_to_json(*again.definition) != definition_to_json(*def)) fail("write-back changed the definition");

  auto session = FormSession::start(def, {}, [] { return kNow; });
  for (const auto& q : def->questions) {
    if (q.type == QuestionType::repeat) {
      (void)session.add_repeat(q.name);
      continue;
    }
    std::string path = q.repeat >= 0 ? def->questions[static_cast<std::size_t>(q.repeat)].name + "[1]/" + q.name : q.name;
    for (const auto& v : kTries) (void)session.answer(path, v);
  }
  (void)session.progress();
  same_as_full(session);
  auto draft = session.to_draft();
  auto reopened = FormSession::from_draft(def, nlohmann::json::parse(draft.dump()), [] { return kNow; });
  if (!reopened.ok()) fail("a draft does not reopen");
  if (reopened->to_draft() != draft) fail("a reopened draft differs");
  auto submitted = session.submit();
  if (submitted.ok()) {
    // The server, with the same engine and time, must accept what the device submitted.
    if (!check_submission(*def, submitted.submission->answers, kNow).empty()) fail("check_submission refuses a submission");
    (void)submitted.submission->to_json().dump();
  }
}

void drive(std::string_view ops) {
  static const auto def = load_definition_json(kDriven).definition;
  if (!def) fail("the driven form does not load");
  std::vector<std::string> names;
  for (const auto& q : def->questions) names.push_back(q.name);
  auto s = FormSession::start(def, {}, [] { return kNow; });
  for (std::size_t i = 0; i + 2 < ops.size() && i < 120; i += 3) {  // at most 40 steps
    auto op = static_cast<unsigned char>(ops[i]) % 8;
    auto x = static_cast<unsigned char>(ops[i + 1]);
    auto y = static_cast<unsigned char>(ops[i + 2]);
    int count = s.repeat_count("r");
    if (op <= 3) {  // answer a question, in the repeat by instance
      const Question& q = def->questions[x % def->questions.size()];
      std::string path = q.repeat >= 0 ? "r[" + std::to_string(1 + y % (count + 1)) + "]/" + q.name : q.name;
      (void)s.answer(path, kPool[y % std::size(kPool)]);
    } else if (op == 4) {
      if (count < 6) (void)s.add_repeat("r");
    } else if (op == 5) {
      (void)s.remove_repeat("r", 1 + x % (count + 1));
    } else if (op == 6) {
      auto r = s.submit();
      if (r.ok() && !check_submission(*def, r.submission->answers, kNow).empty()) fail("check_submission refuses a submission");
    } else {
      (void)s.progress();
    }
    same_as_full(s);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto json_load = load_definition_json(text);
  if (json_load.ok() == json_load.problems.empty()) {
    if (json_load.ok()) exercise(json_load.definition);
  } else {
    fail("a load has both a definition and problems, or neither");
  }
  for (const auto& p : json_load.problems) (void)p.describe();
  auto csv_load = load_xlsform_csv(text, kChoices, kSettings);
  if (csv_load.ok() != csv_load.problems.empty()) fail("a CSV load has both a definition and problems, or neither");
  if (csv_load.ok()) exercise(csv_load.definition);
  drive(text);
  return 0;
}
