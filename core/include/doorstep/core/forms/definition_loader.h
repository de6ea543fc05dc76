// Loading and checking form definitions: Doorstep's JSON format and XLSForm sheets saved
// as CSV. Every problem is reported with its sheet, row and column, all in one pass.
// Pure functions over their inputs (the *_file/_dir variants read files); thread-safe.
//
// JSON format (XLSForm's columns as keys, survey rows flat with begin_/end_ rows):
//   {"settings": {"form_id": "warden_inspection", "version": 3, "title": "..."},
//    "survey":  [{"type": "begin_group", "name": "where", "label": "Where"},
//                {"type": "select_one category", "name": "category", "label": "...",
//                 "required": "yes"}, ..., {"type": "end_group"}],
//    "choices": [{"list_name": "category", "name": "litter", "label": "Litter",
//                 "kind": "street"}]}
// Cells are text; numbers and booleans are accepted and read as their text (true =
// "yes"). Row numbers follow the spreadsheet: the header is row 1, so survey[0] is row 2.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "doorstep/core/forms/definition.h"
#include "doorstep/core/result.h"

namespace doorstep::forms {

struct DefinitionProblem {
  std::string sheet;    // "survey", "choices", "settings" (or "" for the whole input)
  int row = 0;          // spreadsheet row, header = 1; 0 when no one row is at fault
  std::string column;   // "type", "relevant", ... ("" when the row as a whole is at fault)
  std::string message;  // for the form author: what is wrong and, where known, what to do

  // "survey row 7, relevant: ${sen} is not a question in this form"
  std::string describe() const;
};

// The outcome of a load: a definition, or the problems that prevent one (never both).
// Warnings (ignored columns, extra languages) never prevent a definition.
struct DefinitionLoad {
  std::shared_ptr<const FormDefinition> definition;  // null whenever problems is non-empty
  std::vector<DefinitionProblem> problems;
  std::vector<DefinitionProblem> warnings;

  bool ok() const { return definition != nullptr; }
  // The definition, or input/invalid_argument whose message lists the first few problems.
  Result<std::shared_ptr<const FormDefinition>> as_result() const;
};

// Hard bounds on what a loader accepts (hostile or runaway input). Over a bound is a
// problem, not a crash.
inline constexpr std::size_t kMaxDefinitionBytes = 8 * 1024 * 1024;
inline constexpr std::size_t kMaxSurveyRows = 5000;
inline constexpr std::size_t kMaxChoiceRows = 50000;
inline constexpr std::size_t kMaxCellBytes = 16 * 1024;
inline constexpr int kMaxGroupDepth = 32;

// The JSON format above, as text or parsed. Malformed JSON is one problem (row 0).
// Columns keep the order they are written in (the first of two `label::…` columns is
// the label), so give the text or an ordered_json: a nlohmann::json object has already
// sorted its keys, and the json overload can only read them in that order.
DefinitionLoad load_definition_json(std::string_view text);
DefinitionLoad load_definition_json(const nlohmann::ordered_json& doc);
DefinitionLoad load_definition_json(const nlohmann::json& doc);
DefinitionLoad load_definition_file(const std::filesystem::path& json_file);

// XLSForm sheets saved as CSV (RFC 4180; UTF-8 with or without BOM; columns in any
// order; `label::English (en)` accepted as label; unknown columns ignored with a
// warning). `choices` may be empty when no question selects. `settings` may be empty:
// then form_id is `fallback_form_id` and version is 1, with a warning.
DefinitionLoad load_xlsform_csv(std::string_view survey, std::string_view choices,
                                std::string_view settings = {},
                                std::string_view fallback_form_id = {});
// CSV sheets by sheet name: survey, choices and settings as above; any other sheet is
// warned about (not used), or refused when it carries what Doorstep does not honour
// (entities).
DefinitionLoad load_xlsform_csv_sheets(const std::vector<std::pair<std::string, std::string>>& sheets,
                                       std::string_view fallback_form_id);
// Every dir/*.csv as a sheet named by its file (survey.csv required; the fallback
// form_id is the directory's name).
DefinitionLoad load_xlsform_dir(const std::filesystem::path& dir);

}  // namespace doorstep::forms
