// Fuzz entry for form definitions: the bytes as a JSON definition and as an XLSForm
// survey CSV. Whatever loads is then filled in and checked against the engine's promises:
// a definition written back loads the same, a draft reopens the same, and what the
// session submits the server's check accepts. Built as a libFuzzer target (DOORSTEP_FUZZ)
// and as a corpus replay test (fuzz/replay_main.cpp).
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>
#include <string_view>

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
  return 0;
}
