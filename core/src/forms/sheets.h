// Private to the forms loader: the sheet model both input formats (JSON, CSV) are read
// into, and the builder that checks it and makes a FormDefinition. Pure; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doorstep/core/forms/definition_loader.h"

namespace doorstep::forms {

// One data row: canonical column name -> cell text (trimmed of surrounding spaces).
struct SheetRow {
  int row = 0;  // spreadsheet row, header = 1
  std::map<std::string, std::string> cells;
  const std::string& get(const std::string& column) const;  // "" when absent
};

struct Sheets {
  std::vector<SheetRow> survey, choices, settings;
  bool has_settings = false;
  std::string fallback_form_id;  // used when there is no settings sheet
  std::vector<std::pair<int, std::string>> save_to;  // question index -> save_to as written
  std::vector<DefinitionProblem> problems, warnings;
};

// What a column header means for `sheet` (columns.cpp). `label::English (en)` is
// "label" in language "English (en)", and so on for hint, constraint_message and
// required_message; bind::relevant and the other bind:: and control:: aliases pyxform
// reads are their columns; the old one-colon spellings (`label:English`,
// `bind:relevant`) are read the same with `deprecated` set. In the choices sheet every
// other column is kept (extras serve choice_filter).
struct ColumnMeaning {
  std::string canonical;   // the column it is; "" when not used
  std::string language;    // the part after "::" of a translatable column
  std::string deprecated;  // when the spelling is an old one: how to write it now
  std::string ignored;     // when not used: why (a warning)
  std::string refusal;     // when it carries logic or a message Doorstep does not honour:
                           // why (a problem on every row that fills it in)
};
ColumnMeaning read_column(std::string_view sheet, std::string_view header);

// The mapping of one sheet's header: mapping[i] is the canonical column, "" for an
// ignored column, or kRefusedColumn + the header for a refused one (each row with a
// cell there is a problem). Warns about unknown columns, extra languages and old
// spellings; two columns for one canonical column (in one language) are a problem.
inline constexpr char kRefusedColumn = '\x01';
std::vector<std::string> map_header(std::string_view sheet, const std::vector<std::string>& header,
                                    std::vector<DefinitionProblem>& warnings,
                                    std::vector<DefinitionProblem>& problems);
// The problem for a cell in a refused column (mapping entry as map_header made it).
DefinitionProblem refused_cell(std::string_view sheet, int row, const std::string& mapping);

// A sheet as cells, as CSV records and workbook sheets both become: its rows in order,
// the first one the header. A row's number is the spreadsheet's (blank rows may be left
// out); cells by column from the first (A).
struct GridRow {
  int row = 0;
  std::vector<std::string> cells;
};
using Grid = std::vector<GridRow>;

// One sheet's grid into rows of canonical columns (map_header on its first row); blank
// rows are skipped, rows keep their numbers.
void read_grid(std::string_view sheet, const Grid& grid, std::vector<SheetRow>& rows, Sheets& out);

// A workbook's sheets (absent ones: std::nullopt) and what reading the workbook found.
struct WorkbookGrids {
  std::optional<Grid> survey, choices, settings;
  std::string fallback_form_id;
  std::vector<DefinitionProblem> problems, warnings;
};
DefinitionLoad load_xlsform_grids(WorkbookGrids grids);

// Checks everything and builds the definition and its evaluation plan.
DefinitionLoad build_definition(Sheets sheets);

// Internal steps of build_definition (definition_check.cpp): reference, save_to and
// cycle checks, then the plan. Appends to `problems`.
void check_references(const FormDefinition& def, std::vector<DefinitionProblem>& problems);
// save_to as written, by question index: checked against the schema and set on the question.
void resolve_save_to(FormDefinition& def, const std::vector<std::pair<int, std::string>>& written,
                     std::vector<DefinitionProblem>& problems);
void build_plan(FormDefinition& def, std::vector<DefinitionProblem>& problems);

// Rewrites the bare names of a choice_filter (XLSForm: the choice's columns) into
// ${__choice.<column>} so the one evaluator reads them through the session's scope.
// Names that are not columns of `list` are reported in *unknown.
std::string rewrite_choice_filter(std::string_view text, const ChoiceList& list,
                                  std::vector<std::string>* unknown);
inline constexpr std::string_view kChoiceColumnPrefix = "__choice.";

}  // namespace doorstep::forms
