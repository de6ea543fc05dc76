// Private to the workbook readers (workbook_xlsx.cpp, workbook_xls.cpp): one refusal
// for a hostile or damaged workbook, and which sheet a workbook's sheet is. Pure.
#pragma once

#include <optional>
#include <string>

#include "forms/sheets.h"

namespace doorstep::forms {

// Cells a workbook sheet may hold (rows times their widths), so a sheet of far-apart
// cells cannot make the grid huge.
inline constexpr std::size_t kMaxWorkbookCells = 2'000'000;

Error refuse_workbook(const std::string& message);
// A load with that one problem (sheet "", row 0).
DefinitionLoad workbook_refused(const std::string& message);

// The grid a sheet named `name` fills (survey, choices, settings: any case), or nullptr
// for another sheet: a warning that it is not used, or a problem for a sheet that
// carries logic Doorstep does not honour (entities). Also for a folder of CSV sheets.
std::optional<Grid>* workbook_slot(WorkbookGrids& grids, const std::string& name);

}  // namespace doorstep::forms
