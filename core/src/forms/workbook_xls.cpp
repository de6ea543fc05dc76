// .xls workbooks (BIFF, Excel 97-2003) -> the sheet model, with FreeXL. FreeXL reads
// from a path, so the bytes go to a private temporary file, removed at once. Every
// sheet's dimension is checked in FreeXL's metadata-only pass before a full open
// allocates its cells.
#include <fcntl.h>
#include <freexl.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "doorstep/core/forms/form_files.h"
#include "forms/sheets.h"
#include "forms/workbook.h"

namespace doorstep::forms {
namespace {

class TempFile {
 public:
  ~TempFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  Status write(std::string_view bytes) {
    const char* dir = std::getenv("TMPDIR");
    std::string tmpl = std::string(dir && *dir ? dir : "/tmp") + "/doorstep-xls-XXXXXX";
    int fd = ::mkstemp(tmpl.data());
    if (fd < 0) return make_error(ErrorDomain::io, ErrorCode::io_error, "cannot make a temporary file for the workbook");
    path_ = tmpl;
    std::size_t off = 0;
    while (off < bytes.size()) {
      const ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
      if (n <= 0) {
        ::close(fd);
        return make_error(ErrorDomain::io, ErrorCode::io_error, "cannot write a temporary file for the workbook");
      }
      off += static_cast<std::size_t>(n);
    }
    ::close(fd);
    return {};
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct Handle {
  const void* h = nullptr;
  ~Handle() {
    if (h != nullptr) freexl_close(h);
  }
};

// VBA lives in an OLE stream named _VBA_PROJECT_CUR; its directory entry holds the name
// in UTF-16LE.
bool has_macros(std::string_view bytes) {
  static const std::string name = [] {
    std::string s;
    for (char c : std::string("_VBA_PROJECT")) {
      s.push_back(c);
      s.push_back('\0');
    }
    return s;
  }();
  return bytes.find(name) != std::string_view::npos;
}

std::string number_text(double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", d);
  return buf;
}

Status check_dimension(const void* h, unsigned int sheet, unsigned int rows, unsigned short cols) {
  if (rows <= static_cast<unsigned int>(kMaxSheetRows) && cols <= kMaxSheetColumns &&
      static_cast<std::size_t>(rows) * cols <= kMaxWorkbookCells)
    return {};
  const char* raw = nullptr;
  std::string name = freexl_get_worksheet_name(h, static_cast<unsigned short>(sheet), &raw) == FREEXL_OK && raw
                         ? std::string(raw)
                         : std::to_string(sheet + 1);
  return refuse_workbook("sheet " + name + " has " + std::to_string(rows) + " rows and " + std::to_string(cols) +
                         " columns; a form sheet has at most " + std::to_string(kMaxSheetRows) + " rows, " +
                         std::to_string(kMaxSheetColumns) + " columns and " + std::to_string(kMaxWorkbookCells) +
                         " cells");
}

}  // namespace

DefinitionLoad load_xlsform_xls(std::string_view bytes, std::string_view fallback_form_id) {
  if (bytes.size() > kMaxWorkbookBytes)
    return workbook_refused("the workbook is larger than " + std::to_string(kMaxWorkbookBytes >> 20) + " MiB");
  if (has_macros(bytes))
    return workbook_refused("the workbook holds macros; Doorstep does not run them: save it without macros");
  TempFile file;
  if (auto st = file.write(bytes); !st.ok()) return workbook_refused(st.error().message);

  unsigned int sheets = 0;
  {
    Handle info;
    if (freexl_open_info(file.path().c_str(), &info.h) != FREEXL_OK)
      return workbook_refused("the file is not an .xls workbook that can be read");
    unsigned int v = 0;
    if (freexl_get_info(info.h, FREEXL_BIFF_PASSWORD, &v) == FREEXL_OK && v == FREEXL_BIFF_OBFUSCATED)
      return workbook_refused("the workbook is protected with a password; save it without one");
    if (freexl_get_info(info.h, FREEXL_BIFF_SHEET_COUNT, &sheets) != FREEXL_OK)
      return workbook_refused("the file is not an .xls workbook that can be read");
    // The full open allocates every sheet's cells by its dimension: check them first.
    for (unsigned int i = 0; i < sheets && i < 0xFFFF; ++i) {
      unsigned int rows = 0;
      unsigned short cols = 0;
      if (freexl_select_active_worksheet(info.h, static_cast<unsigned short>(i)) != FREEXL_OK ||
          freexl_worksheet_dimensions(info.h, &rows, &cols) != FREEXL_OK)
        continue;
      if (auto st = check_dimension(info.h, i, rows, cols); !st.ok()) return workbook_refused(st.error().message);
    }
  }

  Handle wb;
  if (freexl_open(file.path().c_str(), &wb.h) != FREEXL_OK)
    return workbook_refused("the file is not an .xls workbook that can be read");
  WorkbookGrids grids;
  grids.fallback_form_id = std::string(fallback_form_id);
  for (unsigned int i = 0; i < sheets && i < 0xFFFF; ++i) {
    const char* raw = nullptr;
    if (freexl_get_worksheet_name(wb.h, static_cast<unsigned short>(i), &raw) != FREEXL_OK || raw == nullptr) continue;
    const std::string name = raw;
    std::optional<Grid>* slot = workbook_slot(grids, name);
    if (slot == nullptr) continue;
    unsigned int rows = 0;
    unsigned short cols = 0;
    if (freexl_select_active_worksheet(wb.h, static_cast<unsigned short>(i)) != FREEXL_OK ||
        freexl_worksheet_dimensions(wb.h, &rows, &cols) != FREEXL_OK)
      return workbook_refused("the workbook is damaged: sheet " + name + " cannot be read");
    if (auto st = check_dimension(wb.h, i, rows, cols); !st.ok()) return workbook_refused(st.error().message);
    Grid grid;
    for (unsigned int r = 0; r < rows; ++r) {
      GridRow row;
      row.row = static_cast<int>(r + 1);
      for (unsigned short c = 0; c < cols; ++c) {
        FreeXL_CellValue v;
        if (freexl_get_cell_value(wb.h, r, c, &v) != FREEXL_OK) continue;
        std::string text;
        switch (v.type) {
          case FREEXL_CELL_INT: text = std::to_string(v.value.int_value); break;
          case FREEXL_CELL_DOUBLE: text = number_text(v.value.double_value); break;
          case FREEXL_CELL_TEXT:
          case FREEXL_CELL_SST_TEXT:
          case FREEXL_CELL_DATE:
          case FREEXL_CELL_DATETIME:
          case FREEXL_CELL_TIME: text = v.value.text_value ? v.value.text_value : ""; break;
          default: break;
        }
        if (text.empty()) continue;
        if (text.size() > kMaxCellBytes)
          return workbook_refused("sheet " + name + " row " + std::to_string(r + 1) + " has a cell longer than " +
                                  std::to_string(kMaxCellBytes) + " bytes");
        row.cells.resize(static_cast<std::size_t>(c) + 1);
        row.cells[c] = std::move(text);
      }
      if (!row.cells.empty()) grid.push_back(std::move(row));
    }
    *slot = std::move(grid);
  }
  return load_xlsform_grids(std::move(grids));
}

}  // namespace doorstep::forms
