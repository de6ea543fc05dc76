// XLSForm sheets saved as CSV -> the sheet model; the column names both formats share.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "forms/answer_types.h"
#include "forms/csv.h"
#include "forms/sheets.h"
#include "forms/workbook.h"

namespace doorstep::forms {
namespace {

std::string trim(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

const std::string& SheetRow::get(const std::string& column) const {
  static const std::string empty;
  auto it = cells.find(column);
  return it == cells.end() ? empty : it->second;
}

std::vector<std::string> map_header(std::string_view sheet, const std::vector<std::string>& header,
                                    std::vector<DefinitionProblem>& warnings,
                                    std::vector<DefinitionProblem>& problems) {
  std::vector<std::string> mapping(header.size());
  std::vector<std::string> languages(header.size());
  std::map<std::string, std::size_t> taken;  // canonical -> header index
  const std::string sh(sheet);
  for (std::size_t i = 0; i < header.size(); ++i) {
    std::string written = trim(header[i]);
    if (written.empty()) continue;  // spreadsheets export trailing empty columns
    ColumnMeaning m = read_column(sheet, written);
    if (!m.refusal.empty()) {
      mapping[i] = std::string(1, kRefusedColumn) + written;
      continue;
    }
    if (!m.ignored.empty()) {
      warnings.push_back({sh, 1, written, m.ignored});
      continue;
    }
    if (!m.deprecated.empty())
      warnings.push_back({sh, 1, written, "'" + written + "' is an old spelling, read as '" + m.deprecated +
                                              "'; write it that way"});
    languages[i] = m.language;
    auto it = taken.find(m.canonical);
    if (it == taken.end()) {
      taken[m.canonical] = i;
      mapping[i] = m.canonical;
      continue;
    }
    std::string other = trim(header[it->second]);
    if (!m.language.empty()) {
      // The first language column, in the order written, is the one used.
      warnings.push_back({sh, 1, written, "column '" + written + "' is ignored: Doorstep forms use one language ('" +
                                              other + "')"});
    } else if (!languages[it->second].empty()) {
      // A plain column wins over a language column.
      warnings.push_back({sh, 1, other, "column '" + other + "' is ignored: Doorstep forms use one language ('" +
                                            written + "')"});
      mapping[it->second].clear();
      mapping[i] = m.canonical;
      it->second = i;
    } else {
      problems.push_back({sh, 1, written, "column '" + written + "' appears twice; keep one"});
    }
  }
  return mapping;
}

DefinitionProblem refused_cell(std::string_view sheet, int row, const std::string& mapping) {
  const std::string written = mapping.substr(1);
  return {std::string(sheet), row, written, read_column(sheet, written).refusal};
}

void read_grid(std::string_view sheet, const Grid& grid, std::vector<SheetRow>& rows, Sheets& out) {
  if (grid.empty()) return;
  auto mapping = map_header(sheet, grid.front().cells, out.warnings, out.problems);
  for (std::size_t r = 1; r < grid.size(); ++r) {
    const auto& fields = grid[r].cells;
    SheetRow row;
    row.row = grid[r].row;
    bool extra = false;
    for (std::size_t c = 0; c < fields.size(); ++c) {
      std::string cell = trim(fields[c]);
      if (cell.empty()) continue;
      if (c >= mapping.size()) {
        extra = true;
        continue;
      }
      if (mapping[c].empty()) continue;
      if (mapping[c][0] == kRefusedColumn) out.problems.push_back(refused_cell(sheet, row.row, mapping[c]));
      else row.cells[mapping[c]] = std::move(cell);
    }
    if (extra)
      out.warnings.push_back({std::string(sheet), row.row, "",
                              "the row has more cells than the header; the extra cells are ignored"});
    if (!row.cells.empty()) rows.push_back(std::move(row));
  }
}

namespace {

// One CSV sheet into rows: a spreadsheet row is a record (header = 1).
void read_sheet(std::string_view sheet, std::string_view text, std::vector<SheetRow>& rows,
                Sheets& out, std::size_t max_rows) {
  if (!valid_utf8(text)) {
    out.problems.push_back({std::string(sheet), 0, "", "the sheet is not UTF-8 text; save the CSV as UTF-8"});
    return;
  }
  auto records = read_csv(text, kMaxCellBytes, max_rows + 1);
  if (!records) {
    out.problems.push_back({std::string(sheet), 0, "", records.error().message});
    return;
  }
  Grid grid;
  grid.reserve(records->size());
  for (std::size_t r = 0; r < records->size(); ++r)
    grid.push_back({static_cast<int>(r + 1), std::move((*records)[r].fields)});
  read_grid(sheet, grid, rows, out);
}

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  });
}

}  // namespace

DefinitionLoad load_xlsform_csv(std::string_view survey, std::string_view choices,
                                std::string_view settings, std::string_view fallback_form_id) {
  Sheets sheets;
  if (survey.size() + choices.size() + settings.size() > kMaxDefinitionBytes) {
    DefinitionLoad load;
    load.problems.push_back({"", 0, "", "the form is larger than " +
                                            std::to_string(kMaxDefinitionBytes) + " bytes"});
    return load;
  }
  read_sheet("survey", survey, sheets.survey, sheets, kMaxSurveyRows);
  read_sheet("choices", choices, sheets.choices, sheets, kMaxChoiceRows);
  if (!blank(settings)) {
    sheets.has_settings = true;
    read_sheet("settings", settings, sheets.settings, sheets, 100);  // the first row counts
  }
  sheets.fallback_form_id = std::string(fallback_form_id);
  return build_definition(std::move(sheets));
}

DefinitionLoad load_xlsform_grids(WorkbookGrids g) {
  Sheets sheets;
  sheets.problems = std::move(g.problems);
  sheets.warnings = std::move(g.warnings);
  if (!g.survey) sheets.problems.push_back({"survey", 0, "", "the workbook has no sheet named survey"});
  else read_grid("survey", *g.survey, sheets.survey, sheets);
  if (g.choices) read_grid("choices", *g.choices, sheets.choices, sheets);
  if (g.settings && g.settings->size() > 1) {
    sheets.has_settings = true;
    read_grid("settings", *g.settings, sheets.settings, sheets);
  }
  sheets.fallback_form_id = std::move(g.fallback_form_id);
  return build_definition(std::move(sheets));
}

namespace {

// Reads a whole file; nullopt when it does not exist; a problem when it cannot be read.
std::optional<std::string> read_file(const std::filesystem::path& p, std::vector<DefinitionProblem>& problems) {
  std::error_code ec;
  if (!std::filesystem::exists(p, ec)) return std::nullopt;
  auto size = std::filesystem::file_size(p, ec);
  if (ec || size > kMaxDefinitionBytes) {
    problems.push_back({"", 0, "", p.filename().string() + (ec ? ": cannot be read" : ": too large")});
    return std::nullopt;
  }
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (!in && !in.eof()) {
    problems.push_back({"", 0, "", p.filename().string() + ": cannot be read"});
    return std::nullopt;
  }
  return ss.str();
}

}  // namespace

DefinitionLoad load_xlsform_csv_sheets(const std::vector<std::pair<std::string, std::string>>& sheets,
                                       std::string_view fallback_form_id) {
  std::string_view survey, choices, settings;
  bool has_survey = false;
  WorkbookGrids others;  // sheets besides these three: said, never silently left out
  for (const auto& [name, text] : sheets) {
    std::optional<Grid>* slot = workbook_slot(others, name);
    if (slot == &others.survey) survey = text, has_survey = true;
    else if (slot == &others.choices) choices = text;
    else if (slot == &others.settings) settings = text;
  }
  DefinitionLoad load;
  if (!has_survey) {
    load.problems.push_back({"survey", 0, "", "there is no survey sheet"});
  } else {
    load = load_xlsform_csv(survey, choices, settings, fallback_form_id);
  }
  load.warnings.insert(load.warnings.begin(), others.warnings.begin(), others.warnings.end());
  if (!others.problems.empty()) {
    load.problems.insert(load.problems.begin(), others.problems.begin(), others.problems.end());
    load.definition.reset();
  }
  return load;
}

DefinitionLoad load_xlsform_dir(const std::filesystem::path& dir) {
  DefinitionLoad failed;
  std::vector<std::pair<std::string, std::string>> sheets;
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".csv") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::size_t total = 0;
  for (const auto& f : files) {
    auto text = read_file(f, failed.problems);
    if (!text) continue;
    total += text->size();
    if (total > kMaxDefinitionBytes) {
      failed.problems.push_back({"", 0, "", "the form is larger than " + std::to_string(kMaxDefinitionBytes) + " bytes"});
      break;
    }
    sheets.emplace_back(f.stem().string(), std::move(*text));
  }
  if (!failed.problems.empty()) return failed;
  if (std::none_of(sheets.begin(), sheets.end(), [](const auto& s) { return s.first == "survey"; })) {
    failed.problems.push_back({"survey", 0, "", "there is no survey.csv in " + dir.string()});
    return failed;
  }
  auto name = dir.filename().empty() ? dir.parent_path().filename() : dir.filename();
  return load_xlsform_csv_sheets(sheets, name.string());
}

}  // namespace doorstep::forms
