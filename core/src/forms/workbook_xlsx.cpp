// .xlsx workbooks (Office Open XML) -> the sheet model: the zip with libzip, the XML
// with pugixml (which expands no DTD entities). Every bound of form_files.h is checked
// before the part it guards is unpacked or parsed.
#include <zip.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <pugixml.hpp>

#include "doorstep/core/forms/form_files.h"
#include "forms/sheets.h"
#include "forms/workbook.h"

namespace doorstep::forms {
namespace {

struct ZipClose {
  void operator()(zip_t* z) const { zip_discard(z); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipClose>;

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

bool starts_with(const std::string& s, std::string_view p) { return s.compare(0, p.size(), p) == 0; }
bool ends_with(const std::string& s, std::string_view p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

// "x:sheet" and "sheet" alike: workbooks may prefix the spreadsheet namespace.
std::string_view local(const char* name) {
  std::string_view n(name);
  auto colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

template <typename F>
void each_child(const pugi::xml_node& n, std::string_view name, F f) {
  for (auto c = n.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && local(c.name()) == name) f(c);
}

pugi::xml_node child(const pugi::xml_node& n, std::string_view name) {
  for (auto c = n.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && local(c.name()) == name) return c;
  return {};
}

// An attribute by its local name ("r:id" is "id").
const char* attr(const pugi::xml_node& n, std::string_view name) {
  for (auto a = n.first_attribute(); a; a = a.next_attribute())
    if (local(a.name()) == name) return a.value();
  return "";
}

class Workbook {
 public:
  Status open(std::string_view bytes) {
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &err);
    if (src == nullptr) {
      zip_error_fini(&err);
      return refuse_workbook("the workbook cannot be read");
    }
    zip_t* z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err);
    if (z == nullptr) {
      zip_source_free(src);
      std::string why = zip_error_strerror(&err);
      zip_error_fini(&err);
      return refuse_workbook("the file is not an .xlsx workbook (" + why + ")");
    }
    zip_error_fini(&err);
    zip_.reset(z);
    return check_parts();
  }

  // The part's bytes, or "" with *found false when the workbook has no such part.
  Result<std::string> part(const std::string& name, bool* found) {
    *found = false;
    const zip_int64_t idx = zip_name_locate(zip_.get(), name.c_str(), ZIP_FL_NOCASE);
    if (idx < 0) return std::string();
    *found = true;
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(zip_.get(), static_cast<zip_uint64_t>(idx), 0, &st) != 0)
      return refuse_workbook("the workbook is damaged (" + name + ")");
    zip_file_t* f = zip_fopen_index(zip_.get(), static_cast<zip_uint64_t>(idx), 0);
    if (f == nullptr) return refuse_workbook("the workbook is damaged (" + name + " cannot be unpacked)");
    std::string out;
    char buf[65536];
    for (;;) {
      const zip_int64_t got = zip_fread(f, buf, sizeof buf);
      if (got < 0) {
        zip_fclose(f);
        return refuse_workbook("the workbook is damaged (" + name + " cannot be unpacked)");
      }
      if (got == 0) break;
      out.append(buf, static_cast<std::size_t>(got));
      // The sizes in the zip's directory may lie: count what actually comes out.
      if (out.size() > kMaxWorkbookPartBytes || too_packed(out.size(), st.comp_size)) {
        zip_fclose(f);
        return bomb(name);
      }
    }
    zip_fclose(f);
    return out;
  }

 private:
  static bool too_packed(std::uint64_t size, std::uint64_t packed) {
    return size > (1u << 20) && size / std::max<std::uint64_t>(packed, 1) > kMaxWorkbookRatio;
  }
  static Error bomb(const std::string& name) {
    return refuse_workbook("the workbook is refused: its part " + name + " unpacks to more than " +
                           std::to_string(kMaxWorkbookPartBytes >> 20) + " MiB or more than " +
                           std::to_string(kMaxWorkbookRatio) + " times its packed size (a zip bomb)");
  }

  Status check_parts() {
    const zip_int64_t n = zip_get_num_entries(zip_.get(), 0);
    if (n < 0 || static_cast<std::uint64_t>(n) > kMaxWorkbookParts)
      return refuse_workbook("the workbook has more than " + std::to_string(kMaxWorkbookParts) + " parts");
    for (zip_int64_t i = 0; i < n; ++i) {
      zip_stat_t st;
      zip_stat_init(&st);
      if (zip_stat_index(zip_.get(), static_cast<zip_uint64_t>(i), 0, &st) != 0 || (st.valid & ZIP_STAT_NAME) == 0)
        return refuse_workbook("the workbook is damaged");
      const std::string name = lower(st.name);
      if (starts_with(name, "xl/externallinks/"))
        return refuse_workbook("the workbook links to other workbooks (external links); a form must stand alone: "
                               "break the links (Data, Edit Links) and save it again");
      if (ends_with(name, "vbaproject.bin") || starts_with(name, "xl/macrosheets/"))
        return refuse_workbook("the workbook holds macros; Doorstep does not run them: save it as .xlsx without "
                               "macros");
      if ((st.valid & ZIP_STAT_SIZE) != 0 &&
          (st.size > kMaxWorkbookPartBytes || ((st.valid & ZIP_STAT_COMP_SIZE) != 0 && too_packed(st.size, st.comp_size))))
        return bomb(st.name);
    }
    return {};
  }

  ZipPtr zip_;
};

Result<pugi::xml_document> parse_xml(Workbook& wb, const std::string& name, bool required, bool* found) {
  auto text = wb.part(name, found);
  if (!text) return text.error();
  pugi::xml_document doc;
  if (!*found) {
    if (required) return refuse_workbook("the file is not an .xlsx workbook (it has no " + name + ")");
    return doc;
  }
  auto parsed = doc.load_buffer(text->data(), text->size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) return refuse_workbook("the workbook is damaged: " + name + " is not XML (" + parsed.description() + ")");
  return doc;
}

// "xl/worksheets/sheet1.xml" from a relationship target, relative to xl/ or absolute.
std::string part_name(const std::string& target) {
  if (!target.empty() && target[0] == '/') return target.substr(1);
  return "xl/" + target;
}

// Text of a shared string or inline string: its <t>, or its runs' <t>s (not phonetics).
std::string string_item(const pugi::xml_node& si) {
  std::string out;
  if (auto t = child(si, "t")) out += t.text().get();
  each_child(si, "r", [&](const pugi::xml_node& r) {
    if (auto t = child(r, "t")) out += t.text().get();
  });
  return out;
}

// "BC12" -> column 54 (0-based 54), row 12; false when not a cell reference.
bool cell_ref(std::string_view ref, int* col, long long* row) {
  std::size_t i = 0;
  long long c = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z' && c <= 1'000'000) c = c * 26 + (ref[i++] - 'A' + 1);
  if (c == 0) return false;
  long long r = 0;
  std::size_t digits = i;
  while (i < ref.size() && ref[i] >= '0' && ref[i] <= '9' && r <= 1'000'000'000) r = r * 10 + (ref[i++] - '0');
  if (i == digits || i != ref.size()) return false;
  *col = static_cast<int>(std::min<long long>(c - 1, 1'000'000));
  *row = r;
  return true;
}

Status check_cell(const std::string& sheet, int col, long long row) {
  if (row > kMaxSheetRows)
    return refuse_workbook("sheet " + sheet + " has a cell at row " + std::to_string(row) + "; a form sheet has at most " +
                           std::to_string(kMaxSheetRows) + " rows");
  if (col >= kMaxSheetColumns)
    return refuse_workbook("sheet " + sheet + " has a cell in column " + std::to_string(col + 1) +
                           "; a form sheet has at most " + std::to_string(kMaxSheetColumns) + " columns");
  return {};
}

Result<Grid> read_sheet(const std::string& sheet, const pugi::xml_document& doc, const std::vector<std::string>& strings) {
  const auto ws = child(doc, "worksheet");
  if (!ws) return refuse_workbook("the workbook is damaged: sheet " + sheet + " has no worksheet");
  // The dimension is the used range the workbook claims: refuse a huge one before reading.
  if (auto dim = child(ws, "dimension")) {
    std::string ref = attr(dim, "ref");
    const std::string last = ref.substr(ref.find(':') == std::string::npos ? 0 : ref.find(':') + 1);
    int col = 0;
    long long row = 0;
    if (cell_ref(last, &col, &row))
      if (row > kMaxSheetRows || col >= kMaxSheetColumns)
        return refuse_workbook("sheet " + sheet + " claims " + ref + " as its size; a form sheet has at most " +
                               std::to_string(kMaxSheetRows) + " rows and " + std::to_string(kMaxSheetColumns) +
                               " columns");
  }
  Grid grid;
  std::size_t slots = 0;
  long long next_row = 1;
  Status failed;
  each_child(child(ws, "sheetData"), "row", [&](const pugi::xml_node& r) {
    if (!failed.ok()) return;
    long long row = next_row;
    if (const char* rr = attr(r, "r"); *rr) row = std::atoll(rr);
    if (row < next_row) row = next_row;  // rows come in order; a repeated number is the next row
    next_row = row + 1;
    if (auto st = check_cell(sheet, 0, row); !st.ok()) {
      failed = st;
      return;
    }
    GridRow out;
    out.row = static_cast<int>(row);
    int next_col = 0;
    each_child(r, "c", [&](const pugi::xml_node& c) {
      if (!failed.ok()) return;
      int col = next_col;
      long long cell_row = row;
      if (const char* ref = attr(c, "r"); *ref && !cell_ref(ref, &col, &cell_row)) col = next_col;
      if (auto st = check_cell(sheet, col, row); !st.ok()) {
        failed = st;
        return;
      }
      next_col = col + 1;
      const std::string type = attr(c, "t");
      std::string value;
      if (type == "inlineStr") {
        if (auto is = child(c, "is")) value = string_item(is);
      } else if (auto v = child(c, "v")) {
        value = v.text().get();
        if (type == "s") {
          const long long i = std::atoll(value.c_str());
          value = i >= 0 && static_cast<std::size_t>(i) < strings.size() ? strings[static_cast<std::size_t>(i)] : "";
        } else if (type == "b") {
          value = value == "1" ? "TRUE" : "FALSE";
        }
      }
      if (value.empty()) return;
      if (value.size() > kMaxCellBytes) {
        failed = refuse_workbook("sheet " + sheet + " row " + std::to_string(row) + " has a cell longer than " +
                                 std::to_string(kMaxCellBytes) + " bytes");
        return;
      }
      if (static_cast<std::size_t>(col) >= out.cells.size()) {
        slots += static_cast<std::size_t>(col) + 1 - out.cells.size();
        out.cells.resize(static_cast<std::size_t>(col) + 1);
      }
      out.cells[static_cast<std::size_t>(col)] = std::move(value);
    });
    if (slots > kMaxWorkbookCells) {
      failed = refuse_workbook("sheet " + sheet + " has more cells than a form sheet may (" +
                               std::to_string(kMaxWorkbookCells) + ")");
      return;
    }
    if (!out.cells.empty()) grid.push_back(std::move(out));
  });
  if (!failed.ok()) return failed.error();
  return grid;
}

}  // namespace

DefinitionLoad load_xlsform_xlsx(std::string_view bytes, std::string_view fallback_form_id) {
  if (bytes.size() > kMaxWorkbookBytes) return workbook_refused("the workbook is larger than " +
                                                                std::to_string(kMaxWorkbookBytes >> 20) + " MiB");
  Workbook wb;
  if (auto st = wb.open(bytes); !st.ok()) return workbook_refused(st.error().message);
  bool found = false;
  auto types = wb.part("[Content_Types].xml", &found);
  if (!types) return workbook_refused(types.error().message);
  if (types->find("macroEnabled") != std::string::npos)
    return workbook_refused("the workbook holds macros; Doorstep does not run them: save it as .xlsx without macros");
  auto book = parse_xml(wb, "xl/workbook.xml", true, &found);
  if (!book) return workbook_refused(book.error().message);
  auto rels = parse_xml(wb, "xl/_rels/workbook.xml.rels", true, &found);
  if (!rels) return workbook_refused(rels.error().message);

  std::map<std::string, std::string> targets;  // relationship id -> part
  std::string shared_strings = "xl/sharedStrings.xml";
  bool external = false;
  each_child(child(*rels, "Relationships"), "Relationship", [&](const pugi::xml_node& r) {
    const std::string type = attr(r, "Type");
    if (std::string(attr(r, "TargetMode")) == "External" || ends_with(type, "/externalLink")) external = true;
    if (ends_with(type, "/sharedStrings")) shared_strings = part_name(attr(r, "Target"));
    targets[attr(r, "Id")] = part_name(attr(r, "Target"));
  });
  if (external)
    return workbook_refused("the workbook links to other workbooks (external links); a form must stand alone: "
                            "break the links (Data, Edit Links) and save it again");

  std::vector<std::string> strings;
  auto sst = parse_xml(wb, shared_strings, false, &found);
  if (!sst) return workbook_refused(sst.error().message);
  each_child(child(*sst, "sst"), "si", [&](const pugi::xml_node& si) { strings.push_back(string_item(si)); });

  WorkbookGrids grids;
  grids.fallback_form_id = std::string(fallback_form_id);
  bool failed = false;
  std::string why;
  each_child(child(child(*book, "workbook"), "sheets"), "sheet", [&](const pugi::xml_node& s) {
    if (failed) return;
    const std::string name = attr(s, "name");
    std::optional<Grid>* slot = workbook_slot(grids, name);
    if (slot == nullptr) return;  // warned (or refused) by workbook_slot
    auto it = targets.find(attr(s, "id"));
    if (it == targets.end()) {
      failed = true;
      why = "the workbook is damaged: sheet " + name + " has no part";
      return;
    }
    auto doc = parse_xml(wb, it->second, true, &found);
    if (!doc) {
      failed = true;
      why = doc.error().message;
      return;
    }
    auto grid = read_sheet(name, *doc, strings);
    if (!grid) {
      failed = true;
      why = grid.error().message;
      return;
    }
    *slot = std::move(*grid);
  });
  if (failed) return workbook_refused(why);
  return load_xlsform_grids(std::move(grids));
}

}  // namespace doorstep::forms
