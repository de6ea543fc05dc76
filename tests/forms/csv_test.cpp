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
  CHECK(l.warnings[0].column == "media::image");
  CHECK(l.warnings[0].message.find("media") != std::string::npos);
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

TEST_CASE("bind:: columns are the columns they alias, and their logic runs", "[forms][csv]") {
  // Skip logic and a constraint in pyxform's bind:: columns: a question for under-fives
  // is not asked of a ten-year-old, and an impossible age is a problem with its message.
  const char* survey =
      "type,name,label,bind::constraint,bind::jr:constraintMsg,bind::relevant,bind::required,bind::jr:requiredMsg\n"
      "integer,age,Age,. < 120,No one is that old,,yes,Give the age\n"
      "text,nursery,Which nursery?,,,${age} < 5,,\n";
  auto l = load_xlsform_csv(survey, "", kSettings);
  INFO(all_problems(l));
  auto def = must_load(l);
  auto s = start(def);
  CHECK(problem_at(s, "age") == "Give the age");  // the required message, shown to the worker
  answer(s, "age", Value(10.0));
  CHECK_FALSE(s.state("nursery")->relevant);
  answer(s, "age", Value(3.0));
  CHECK(s.state("nursery")->relevant);
  answer(s, "age", Value(130.0));
  CHECK(problem_at(s, "age") == "No one is that old");
}

TEST_CASE("a column with logic or a message Doorstep does not honour is a problem on each row that uses it", "[forms][csv]") {
  const char* survey =
      "type,name,label,repeat_count,bind::saveIncomplete,requiredMsg,colour\n"
      "begin_repeat,kids,Children,3,,,\n"
      "text,kid,Name,,,,blue\n"
      "end_repeat,,,,,,\n"
      "text,why,Why?,,true(),Say why,\n";
  auto l = load_xlsform_csv(survey, "", kSettings);
  REQUIRE_FALSE(l.ok());
  auto at = [&](int row, const std::string& column) {
    for (const auto& p : l.problems)
      if (p.sheet == "survey" && p.row == row && p.column == column) return p.message;
    return std::string();
  };
  CHECK(at(2, "repeat_count").find("not supported") != std::string::npos);
  CHECK(at(5, "bind::saveIncomplete").find("bind attribute") != std::string::npos);
  CHECK(at(5, "requiredMsg").find("message") != std::string::npos);
  CHECK(l.problems.size() == 3);
  // A column that only describes (colour) stays a warning.
  bool colour = false;
  for (const auto& w : l.warnings) colour |= w.column == "colour";
  CHECK(colour);
  // An empty repeat_count column carries nothing: not a problem.
  CHECK(load_xlsform_csv("type,name,label,repeat_count\ntext,a,A,\n", "", kSettings).ok());
}

TEST_CASE("old spellings pyxform still reads load with a warning naming the row", "[forms][csv]") {
  const char* survey =
      "type,name,label:English,bind:relevant,required\n"
      "int,n,How many?,,TRUE\n"
      "select one from yes_no,s,Seen?,FALSE,\n"
      "select all that apply from yes_no,m,Which?,TRUE,\n"
      "string,t,Text,,\n"
      "gps,g,Where?,,\n"
      "trigger,ok,Understood,,\n"
      "phone number,p,Phone,,\n";
  auto l = load_xlsform_csv(survey, kChoices, kSettings);
  INFO(all_problems(l));
  auto def = must_load(l);
  CHECK(def->find("n")->type == QuestionType::integer);
  CHECK(def->find("n")->label == "How many?");
  CHECK(def->find("n")->required.always);
  CHECK(def->find("s")->type == QuestionType::select_one);
  CHECK(def->find("s")->list_name == "yes_no");
  CHECK(def->find("m")->type == QuestionType::select_multiple);
  CHECK(def->find("t")->type == QuestionType::text);
  CHECK(def->find("g")->type == QuestionType::geopoint);
  CHECK(def->find("ok")->type == QuestionType::acknowledge);
  CHECK(def->find("p")->type == QuestionType::text);
  auto s = start(def);
  CHECK_FALSE(s.state("s")->relevant);  // FALSE: never asked
  CHECK(s.state("m")->relevant);        // TRUE: always
  auto warned = [&](int row, const std::string& column) {
    for (const auto& w : l.warnings)
      if (w.row == row && w.column == column && w.message.find("old spelling") != std::string::npos) return true;
    return false;
  };
  CHECK(warned(1, "label:English"));
  CHECK(warned(1, "bind:relevant"));
  CHECK(warned(2, "type"));
  CHECK(warned(2, "required"));
  CHECK(warned(3, "type"));
  CHECK(warned(3, "relevant"));
  CHECK(warned(4, "type"));
  for (int row = 5; row <= 8; ++row) CHECK(warned(row, "type"));
}

TEST_CASE("settings without a version or form_id, or a form_id with spaces, load as pyxform would", "[forms][csv]") {
  auto l = load_xlsform_csv("type,name,label\ntext,a,A\n", "", "form_title,form_id\nA form,Spec test\n", "fallback");
  auto def = must_load(l);
  CHECK(def->form_id == "Spec_test");
  CHECK(def->version == 1);
  CHECK(l.warnings.size() == 2);
  auto named = must_load(load_xlsform_csv("type,name,label\ntext,a,A\n", "", "form_title\nA form\n", "visit_check"));
  CHECK(named->form_id == "visit_check");
  // A settings sheet with nothing Doorstep uses is no settings.
  auto unused = must_load(load_xlsform_csv("type,name,label\ntext,a,A\n", "", "clean_text_values\nyes\n", "cleaned"));
  CHECK(unused->form_id == "cleaned");
  CHECK(unused->version == 1);
  auto stamped = load_xlsform_csv("type,name,label\ntext,a,A\n", "", "form_id,version\nf,2022-04-11T16:26:28\n");
  REQUIRE_FALSE(stamped.ok());
  CHECK(stamped.problems[0].column == "version");
  CHECK(stamped.problems[0].message.find("whole number") != std::string::npos);
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
