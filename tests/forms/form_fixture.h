// Helpers for the definition, session and demo form tests: a fixed clock, inline forms
// and the demo forms under share/forms. Not thread-safe; each test builds its own.
#pragma once

#include <memory>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "doorstep/core/forms/definition_loader.h"
#include "doorstep/core/forms/session.h"

namespace doorstep::forms::testing {

// 2026-11-25T10:00:00Z: today() is "2026-11-25".
inline constexpr std::int64_t kNow = 1795600800000;
inline NowFn fixed_now() { return [] { return kNow; }; }

// A form with these survey rows and choices, settings form_id "t", version 1.
inline nlohmann::json form_json(nlohmann::json survey, nlohmann::json choices = nlohmann::json::array()) {
  return {{"settings", {{"form_id", "t"}, {"version", 1}}}, {"survey", std::move(survey)}, {"choices", std::move(choices)}};
}

// Loads a form that must be valid; fails the test with its problems otherwise.
inline std::shared_ptr<const FormDefinition> must_load(const DefinitionLoad& load) {
  std::string problems;
  for (const auto& p : load.problems) problems += p.describe() + "\n";
  INFO(problems);
  REQUIRE(load.ok());
  return load.definition;
}

inline std::shared_ptr<const FormDefinition> form(nlohmann::json survey, nlohmann::json choices = nlohmann::json::array()) {
  return must_load(load_definition_json(form_json(std::move(survey), std::move(choices))));
}

inline std::filesystem::path demo_forms_dir() { return DOORSTEP_FORMS_DIR; }

inline std::shared_ptr<const FormDefinition> demo_form(const std::string& name) {
  return must_load(load_definition_file(demo_forms_dir() / (name + ".json")));
}

inline FormSession start(std::shared_ptr<const FormDefinition> def, const FormSession::Prefill& prefill = {}) {
  return FormSession::start(std::move(def), prefill, fixed_now());
}

// The problem message at a path, "" when there is none.
inline std::string problem_at(const FormSession& s, const std::string& path) {
  auto st = s.state(path);
  REQUIRE(st.ok());
  return st->problem;
}

inline void answer(FormSession& s, const std::string& path, const Value& v) {
  auto r = s.answer(path, v);
  INFO(path << ": " << (r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
}

// True when some problem of `problems` has this exact path, row or message.
template <typename Problems>
bool has_problem_at_row(const Problems& problems, int row, const std::string& column) {
  for (const auto& p : problems)
    if (p.row == row && p.column == column) return true;
  return false;
}

}  // namespace doorstep::forms::testing
