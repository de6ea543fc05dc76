// XLSForm sheets saved as CSV: a council's spreadsheet, exported by Excel or LibreOffice,
// loads to the form its author meant, or says which row is wrong.
#include <catch2/catch.hpp>

#include <fstream>

#include "form_fixture.h"
#include "temp_store.h"

using namespace doorstep::forms;
using namespace doorstep::forms::testing;

namespace {

const char* kSettings = "form_id,version\nt,3\n";
const char* kChoices = "list_name,name,label\nyes_no,yes,Yes\nyes_no,no,No\n";

std::string all_problems(const DefinitionLoad& l) {
  std::string out;
  for (const auto& p : l.problems) out += p.describe() + "\n";
  return out;
}

}  // namespace

TEST_CASE("quoted cells keep their commas, quotes and line breaks", "[forms][csv]") {
  const char* survey =
      "type,name,label,hint\n"
      "text,a,\"Name, as written\",\"Say \"\"as on the letter\"\"\"\n"
      "note,b,\"Line one\nLine two\",\n";
  auto l = load_xlsform_csv(survey, "", kSettings);
  INFO(all_problems(l));
  REQUIRE(l.ok());
  CHECK(l.definition->find("a")->label == "Name, as written");
  CHECK(l.definition->find("a")->hint == "Say \"as on the letter\"");
  CHECK(l.definition->find("b")->label == "Line one\nLine two");
  CHECK(l.definition->version == 3);
}

TEST_CASE("a byte order mark and CRLF or CR line ends are read like plain LF", "[forms][csv]") {
  std::string lf = "type,name,label\ntext,a,A\ninteger,b,B\n";
  std::string crlf = "\xEF\xBB\xBFtype,name,label\r\ntext,a,A\r\ninteger,b,B\r\n";
  std::string cr = "type,name,label\rtext,a,A\rinteger,b,B";  // and no line end at the end
  auto want = definition_to_json(*must_load(load_xlsform_csv(lf, "", kSettings)));
  CHECK(definition_to_json(*must_load(load_xlsform_csv(crlf, "", kSettings))) == want);
  CHECK(definition_to_json(*must_load(load_xlsform_csv(cr, "", kSettings))) == want);
}

TEST_CASE("columns come in any order, and language columns count as the label", "[forms][csv]") {
  const char* survey =
      "label::English (en),required,name,type,hint::English (en)\n"
      "Were they in?,yes,home,select_one yes_no,Knock twice\n";
  auto l = load_xlsform_csv(survey, kChoices, kSettings);
  INFO(all_problems(l));
  REQUIRE(l.ok());
  const Question& q = *l.definition->find("home");
  CHECK(q.label == "Were they in?");
  CHECK(q.hint == "Knock twice");
  CHECK(q.required.always);
  CHECK(q.type == QuestionType::select_one);
}

TEST_CASE("a second language is ignored with a warning, a plain label wins", "[forms][csv]") {
  const char* survey =
      "type,name,label::Welsh (cy),label\n"
      "text,a,Enw,Name\n";
  auto l = load_xlsform_csv(survey, "", kSettings);
  REQUIRE(l.ok());
  CHECK(l.definition->find("a")->label == "Name");
  REQUIRE(l.warnings.size() == 1);
  CHECK(l.warnings[0].column == "label::Welsh (cy)");
}

TEST_CASE("unknown columns are ignored with one warning each", "[forms][csv]") {
  const char* survey =
      "type,name,label,media::image,colour\n"
      "text,a,A,pic.png,red\n"
      "text,b,B,,blue\n";
  auto l = load_xlsform_csv(survey, "", kSettings);
  REQUIRE(l.ok());
  REQUIRE(l.warnings.size() == 2);
  CHECK(l.warnings[0].row == 1);
  CHECK(l.warnings[0].message == "column 'media::image' is not used by Doorstep and is ignored");
  CHECK(l.warnings[1].column == "colour");
}

TEST_CASE("blank rows are skipped but rows keep their spreadsheet numbers", "[forms][csv]") {
  const char* survey =
      "type,name,label\n"
      "text,a,\"Two\nlines\"\n"
      ",,\n"
      "\n"
      "txt,b,B\n";  // spreadsheet row 5 (the quoted line break is inside row 2)
  auto l = load_xlsform_csv(survey, "", kSettings);
  REQUIRE(l.problems.size() == 1);
  CHECK(l.problems[0].row == 5);
  CHECK(l.problems[0].column == "type");
}

TEST_CASE("trailing empty columns from a spreadsheet export are harmless", "[forms][csv]") {
  auto l = load_xlsform_csv("type,name,label,,\ntext,a,A,,\n", "", kSettings);
  CHECK(l.ok());
  CHECK(l.warnings.empty());
}

TEST_CASE("malformed CSV is a problem naming the sheet and the row", "[forms][csv]") {
  SECTION("a quoted cell never closed") {
    auto l = load_xlsform_csv("type,name,label\ntext,a,\"A\n", "", kSettings);
    REQUIRE_FALSE(l.ok());
    CHECK(l.problems[0].sheet == "survey");
    CHECK(l.problems[0].message == "CSV row 2: a quoted cell is never closed");
  }
  SECTION("text after a closing quote") {
    auto l = load_xlsform_csv("type,name,label\ntext,a,\"A\"B\n", "", kSettings);
    REQUIRE_FALSE(l.ok());
    CHECK(l.problems[0].message.rfind("CSV row 2: text after a closing quote", 0) == 0);
  }
  SECTION("not UTF-8") {
    auto l = load_xlsform_csv("type,name,label\ntext,a,Caf\xE9\n", "", kSettings);
    REQUIRE_FALSE(l.ok());
    CHECK(l.problems[0].message == "the sheet is not UTF-8 text; save the CSV as UTF-8");
  }
  SECTION("the same column twice") {
    auto l = load_xlsform_csv("type,name,label,name\ntext,a,A,b\n", "", kSettings);
    REQUIRE_FALSE(l.ok());
    CHECK(l.problems[0].message == "column 'name' appears twice; keep one");
  }
}

TEST_CASE("a bare quote inside an unquoted cell is kept as text", "[forms][csv]") {
  auto l = load_xlsform_csv("type,name,label\ntext,a,The 6\" pipe\n", "", kSettings);
  REQUIRE(l.ok());
  CHECK(l.definition->find("a")->label == "The 6\" pipe");
}

TEST_CASE("without a settings sheet the form is named by the caller, version 1", "[forms][csv]") {
  auto l = load_xlsform_csv("type,name,label\ntext,a,A\n", "", "", "street_survey");
  REQUIRE(l.ok());
  CHECK(l.definition->form_id == "street_survey");
  CHECK(l.definition->version == 1);
  REQUIRE(l.warnings.size() == 1);
  CHECK(l.warnings[0].sheet == "settings");
  auto nameless = load_xlsform_csv("type,name,label\ntext,a,A\n", "", "");
  CHECK_FALSE(nameless.ok());
}

TEST_CASE("settings use XLSForm's column names", "[forms][csv]") {
  auto l = load_xlsform_csv("type,name,label\ntext,a,A\n", "", "form_title,id_string,version,style\nStreet,street,202611\n\n,,,\n");
  REQUIRE(l.ok());
  CHECK(l.definition->title == "Street");
  CHECK(l.definition->form_id == "street");
  CHECK(l.definition->version == 202611);
  CHECK(l.warnings.size() == 1);  // style
}

TEST_CASE("choice sheets keep extra columns for choice_filter", "[forms][csv]") {
  const char* choices =
      "list name,name,label::English (en),area\n"
      "ward,north,North,\"A, B\"\n";
  auto l = load_xlsform_csv("type,name,label\nselect_one ward,w,Ward\n", choices, kSettings);
  INFO(all_problems(l));
  REQUIRE(l.ok());
  const Choice& c = l.definition->choice_list("ward")->choices[0];
  CHECK(c.label == "North");
  CHECK(c.columns.at("area") == "A, B");
  CHECK(c.row == 2);
}

TEST_CASE("a directory of sheets loads, and a directory without survey.csv says so", "[forms][csv]") {
  auto l = load_xlsform_dir(demo_forms_dir() / "xlsform" / "warden_inspection");
  INFO(all_problems(l));
  REQUIRE(l.ok());
  CHECK(l.definition->form_id == "warden_inspection");
  auto missing = load_xlsform_dir(demo_forms_dir() / "xlsform" / "no_such_form");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.problems[0].message.find("there is no survey.csv") == 0);
}

TEST_CASE("a folder's other sheets are said, and an entities sheet is refused", "[forms][csv]") {
  doorstep::test::TempDir d;
  auto write = [&](const std::string& name, const std::string& text) { std::ofstream(d / name) << text; };
  write("survey.csv", "type,name,label\ntext,a,A\n");
  write("settings.csv", kSettings);
  write("osm.csv", "list_name,name\n");
  auto l = load_xlsform_dir(d.path());
  REQUIRE(l.ok());
  bool osm = false;
  for (const auto& w : l.warnings) osm |= w.sheet == "osm";
  CHECK(osm);
  write("entities.csv", "list_name,label\ntrees,${a}\n");
  auto refused = load_xlsform_dir(d.path());
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.problems[0].sheet == "entities");
}
