// Forms as the office hands them in: one file whose name tells its format — `.json`
// (Doorstep's JSON format), `.xlsx` or `.xls` (an XLSForm workbook: sheets survey,
// choices, settings), `.csv` (a survey sheet alone) — or a folder of CSV sheets
// (survey.csv, choices.csv, settings.csv). Every format goes through the loader of
// definition_loader.h, so problems and warnings carry sheet, row and column alike.
//
// Library doorstep::form_files (the hub and the CLI; the app never reads workbooks).
// Workbooks are read with libzip and pugixml (.xlsx) and FreeXL (.xls). A hostile
// workbook is refused with one problem, in bounded memory: over kMaxWorkbookBytes; a zip
// part larger than kMaxWorkbookPartBytes unpacked or packed more than
// kMaxWorkbookRatio times (a zip bomb); more than kMaxWorkbookParts parts; a sheet whose
// dimension or any cell lies past kMaxSheetRows rows or kMaxSheetColumns columns;
// external links; macros (VBA). Pure functions over their input; thread-safe.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>

#include "doorstep/core/forms/definition_loader.h"

namespace doorstep::forms {

inline constexpr std::size_t kMaxWorkbookBytes = 16u << 20;
inline constexpr std::size_t kMaxWorkbookPartBytes = 16u << 20;
inline constexpr std::size_t kMaxWorkbookRatio = 100;
inline constexpr std::size_t kMaxWorkbookParts = 2000;
inline constexpr int kMaxSheetRows = static_cast<int>(kMaxChoiceRows) + 1;  // with the header
inline constexpr int kMaxSheetColumns = 512;

// An .xlsx workbook's bytes. fallback_form_id names the form when it has no settings.
DefinitionLoad load_xlsform_xlsx(std::string_view bytes, std::string_view fallback_form_id);
// An .xls (BIFF) workbook's bytes.
DefinitionLoad load_xlsform_xls(std::string_view bytes, std::string_view fallback_form_id);

// One file by its name (only the extension counts; the stem is the fallback form_id).
// An unknown extension is one problem naming the formats.
DefinitionLoad load_form_bytes(std::string_view file_name, std::string_view bytes);
// A file as above, or a folder of CSV sheets (load_xlsform_dir).
DefinitionLoad load_form_path(const std::filesystem::path& path);

}  // namespace doorstep::forms
