// Forms as workbooks: an .xlsx a council saves from Excel loads like its CSV sheets, and
// a hostile workbook (zip bomb, huge sheet, far cell, external links, macros) is refused
// with one clear problem before it costs memory. The workbooks are written here, with
// libzip, cell for cell.
#include <zip.h>

#include <catch2/catch.hpp>
#include <deque>
#include <fstream>
#include <sstream>

#include "doorstep/core/forms/form_files.h"
#include "form_fixture.h"
#include "temp_store.h"

using namespace doorstep::forms;
using namespace doorstep::forms::testing;

namespace {

using Parts = std::vector<std::pair<std::string, std::string>>;

// The bytes of a zip holding these parts (deflated, as Excel writes them).
std::string zip_bytes(const Parts& parts) {
  doorstep::test::TempDir dir;
  const std::string path = (dir / "book.xlsx").string();
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  REQUIRE(z != nullptr);
  for (const auto& [name, data] : parts) {
    zip_source_t* src = zip_source_buffer(z, data.data(), data.size(), 0);
    REQUIRE(src != nullptr);
    REQUIRE(zip_file_add(z, name.c_str(), src, ZIP_FL_OVERWRITE) >= 0);
  }
  REQUIRE(zip_close(z) == 0);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out.push_back(c);
  }
  return out;
}

// A sheet of inline-string cells; rows are numbered from 1, "" cells left out.
std::string sheet_xml(const std::vector<std::vector<std::string>>& rows, const std::string& dimension = "") {
  std::string x = R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
                  R"(<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)";
  if (!dimension.empty()) x += "<dimension ref=\"" + dimension + "\"/>";
  x += "<sheetData>";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    x += "<row r=\"" + std::to_string(r + 1) + "\">";
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      if (rows[r][c].empty()) continue;
      const std::string ref = std::string(1, static_cast<char>('A' + c)) + std::to_string(r + 1);
      x += "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + escape(rows[r][c]) + "</t></is></c>";
    }
    x += "</row>";
  }
  return x + "</sheetData></worksheet>";
}

// A workbook with these sheets (name, sheet XML), plus any extra parts.
std::string workbook(const std::vector<std::pair<std::string, std::string>>& sheets, const Parts& extra = {}) {
  std::string types = R"(<?xml version="1.0" encoding="UTF-8"?>)"
                      R"(<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">)"
                      R"(<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>)"
                      R"(<Default Extension="xml" ContentType="application/xml"/>)"
                      R"(<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>)";
  std::string book = R"(<?xml version="1.0" encoding="UTF-8"?>)"
                     R"(<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" )"
                     R"(xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>)";
  std::string rels = R"(<?xml version="1.0" encoding="UTF-8"?>)"
                     R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)";
  Parts parts;
  for (std::size_t i = 0; i < sheets.size(); ++i) {
    const std::string n = std::to_string(i + 1);
    book += "<sheet name=\"" + sheets[i].first + "\" sheetId=\"" + n + "\" r:id=\"rId" + n + "\"/>";
    rels += "<Relationship Id=\"rId" + n +
            "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
            "Target=\"worksheets/sheet" + n + ".xml\"/>";
    types += "<Override PartName=\"/xl/worksheets/sheet" + n +
             ".xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>";
    parts.emplace_back("xl/worksheets/sheet" + n + ".xml", sheets[i].second);
  }
  parts.emplace_back("[Content_Types].xml", types + "</Types>");
  parts.emplace_back("xl/workbook.xml", book + "</sheets></workbook>");
  parts.emplace_back("xl/_rels/workbook.xml.rels", rels + "</Relationships>");
  for (const auto& p : extra) parts.push_back(p);
  return zip_bytes(parts);
}

const std::vector<std::vector<std::string>> kSurvey = {
    {"type", "name", "label::English (en)", "label::Cymraeg (cy)", "relevant", "constraint", "constraint_message"},
    {"integer", "age", "Age", "Oed", "", ". < 120", "Check the age"},
    {"select_one yes_no", "in_school", "In school?", "Yn yr ysgol?", "${age} < 5", "", ""},
};
const std::vector<std::vector<std::string>> kChoices = {
    {"list_name", "name", "label"}, {"yes_no", "yes", "Yes"}, {"yes_no", "no", "No"}};
const std::vector<std::vector<std::string>> kSettings = {{"form_id", "version", "form_title"},
                                                         {"child_check", "3", "Child check"}};

std::string good_workbook(const Parts& extra = {}) {
  return workbook({{"survey", sheet_xml(kSurvey)}, {"choices", sheet_xml(kChoices)}, {"settings", sheet_xml(kSettings)}},
                  extra);
}

std::string first_problem(const DefinitionLoad& l) {
  REQUIRE_FALSE(l.ok());
  REQUIRE_FALSE(l.problems.empty());
  return l.problems.front().describe();
}

}  // namespace

TEST_CASE("an .xlsx workbook loads its survey, choices and settings sheets", "[forms][workbook]") {
  auto l = load_xlsform_xlsx(good_workbook(), "fallback");
  auto def = must_load(l);
  CHECK(def->form_id == "child_check");
  CHECK(def->version == 3);
  CHECK(def->title == "Child check");
  REQUIRE(def->questions.size() == 2);
  CHECK(def->find("age")->label == "Age");  // the first language column
  CHECK(def->find("age")->constraint.text() == ". < 120");
  CHECK(def->find("age")->constraint_message == "Check the age");
  CHECK(def->find("in_school")->relevant.text() == "${age} < 5");
  CHECK(def->find("in_school")->row == 3);
  CHECK(def->choice_list("yes_no")->choices.size() == 2);
  // The same workbook by its file name, as the office API and the CLI take it.
  CHECK(must_load(load_form_bytes("child_check.xlsx", good_workbook()))->form_id == "child_check");
}

TEST_CASE("an .xlsx with shared strings, sheets in any case and no settings is named after its file", "[forms][workbook]") {
  const std::string sst = R"(<?xml version="1.0" encoding="UTF-8"?>)"
                          R"(<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)"
                          R"(<si><t>type</t></si><si><t>name</t></si><si><r><t>la</t></r><r><t>bel</t></r></si>)"
                          R"(<si><t>text</t></si><si><t>who</t></si><si><t>Who is &amp; was in?</t></si></sst>)";
  const std::string survey = R"(<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)"
                             R"(<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>)"
                             R"(<row r="4"><c r="A4" t="s"><v>3</v></c><c r="B4" t="s"><v>4</v></c><c r="C4" t="s"><v>5</v></c></row>)"
                             R"(</sheetData></worksheet>)";
  std::string book = workbook({{"Survey", survey}, {"notes", sheet_xml({{"a"}})}},
                              {{"xl/sharedStrings.xml", sst}});
  auto l = load_form_bytes("visit_check.xlsx", book);
  auto def = must_load(l);
  CHECK(def->form_id == "visit_check");
  CHECK(def->find("who")->label == "Who is & was in?");
  CHECK(def->find("who")->row == 4);  // blank rows keep the spreadsheet's numbering
  bool warned = false;
  for (const auto& w : l.warnings) warned |= w.sheet == "notes";
  CHECK(warned);  // a sheet Doorstep does not use is said, not silently dropped
}

TEST_CASE("a zip bomb is refused before it is unpacked", "[forms][workbook]") {
  // 2 MiB of zeros packs to a few KiB: far more than 100 times.
  auto l = load_xlsform_xlsx(good_workbook({{"xl/media/big.bin", std::string(2u << 20, '\0')}}), "f");
  CHECK(first_problem(l).find("zip bomb") != std::string::npos);
  // And one part larger than the bound, whatever it packs to.
  std::string big(kMaxWorkbookPartBytes + 1, 'x');
  for (std::size_t i = 0; i < big.size(); i += 7) big[i] = static_cast<char>('a' + (i * 31) % 26);
  auto l2 = load_xlsform_xlsx(good_workbook({{"xl/media/big.bin", big}}), "f");
  CHECK(first_problem(l2).find("zip bomb") != std::string::npos);
}

TEST_CASE("a huge sheet dimension or a cell at row 1,000,000 is refused", "[forms][workbook]") {
  auto huge = load_xlsform_xlsx(workbook({{"survey", sheet_xml(kSurvey, "A1:XFD1048576")}}), "f");
  CHECK(first_problem(huge).find("XFD1048576") != std::string::npos);
  const std::string far = R"(<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)"
                          R"(<row r="1"><c r="A1" t="inlineStr"><is><t>type</t></is></c></row>)"
                          R"(<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>text</t></is></c></row>)"
                          R"(</sheetData></worksheet>)";
  auto l = load_xlsform_xlsx(workbook({{"survey", far}}), "f");
  CHECK(first_problem(l).find("row 1000000") != std::string::npos);
  const std::string wide = R"(<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)"
                           R"(<row r="1"><c r="ZZZ1" t="inlineStr"><is><t>type</t></is></c></row></sheetData></worksheet>)";
  CHECK(first_problem(load_xlsform_xlsx(workbook({{"survey", wide}}), "f")).find("column") != std::string::npos);
}

TEST_CASE("external links and macros are refused", "[forms][workbook]") {
  auto linked = load_xlsform_xlsx(good_workbook({{"xl/externalLinks/externalLink1.xml", "<externalLink/>"}}), "f");
  CHECK(first_problem(linked).find("external links") != std::string::npos);
  auto macros = load_xlsform_xlsx(good_workbook({{"xl/vbaProject.bin", "VBA"}}), "f");
  CHECK(first_problem(macros).find("macros") != std::string::npos);
  CHECK(first_problem(load_form_bytes("form.xlsm", "PK")).find("macros") != std::string::npos);
}

TEST_CASE("what is not a workbook says so", "[forms][workbook]") {
  CHECK(first_problem(load_xlsform_xlsx("not a zip at all", "f")).find("not an .xlsx workbook") != std::string::npos);
  CHECK(first_problem(load_xlsform_xls("not an xls at all", "f")).find("not an .xls workbook") != std::string::npos);
  CHECK(first_problem(load_form_bytes("form.ods", "x")).find(".xlsx, .xls") != std::string::npos);
  // A workbook without a survey sheet.
  CHECK(first_problem(load_xlsform_xlsx(workbook({{"choices", sheet_xml(kChoices)}}), "f")).find("survey") !=
        std::string::npos);
}

// The .xls workbooks are written by tests/forms/fixtures/make_xls.py (python3-xlwt).
TEST_CASE("an .xls workbook loads like the .xlsx, other sheets said", "[forms][workbook]") {
  const std::filesystem::path dir = DOORSTEP_FORMS_FIXTURES;
  auto l = load_form_path(dir / "child_check.xls");
  auto def = must_load(l);
  CHECK(def->form_id == "child_check");
  CHECK(def->version == 3);
  CHECK(def->title == "Child check");
  CHECK(def->find("age")->label == "Age");
  CHECK(def->find("age")->constraint_message == "Check the age");
  CHECK(def->find("in_school")->relevant.text() == "${age} < 5");
  CHECK(def->choice_list("yes_no")->choices.size() == 2);
  bool notes = false;
  for (const auto& w : l.warnings) notes |= w.sheet == "notes";
  CHECK(notes);
}

TEST_CASE("an .xls sheet larger than a form sheet may be is refused before its cells are read", "[forms][workbook]") {
  const std::filesystem::path dir = DOORSTEP_FORMS_FIXTURES;
  auto l = load_form_path(dir / "far_cell.xls");
  CHECK(first_problem(l).find("60000 rows") != std::string::npos);
}
