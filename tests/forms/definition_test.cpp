// Form definitions: what a form author writes is what the worker gets, and every mistake
// is reported with its row in one pass.
#include <catch2/catch.hpp>

#include "form_fixture.h"

using namespace doorstep::forms;
using namespace doorstep::forms::testing;
using nlohmann::json;

namespace {

const json kYesNo = json::array({{{"list_name", "yes_no"}, {"name", "yes"}, {"label", "Yes"}},
                                 {{"list_name", "yes_no"}, {"name", "no"}, {"label", "No"}}});

DefinitionLoad load(json survey, json choices = kYesNo) {
  return load_definition_json(form_json(std::move(survey), std::move(choices)));
}

// The one problem at (row, column), or fails.
const DefinitionProblem& problem(const DefinitionLoad& l, int row, const std::string& column) {
  std::string all;
  for (const auto& p : l.problems) all += p.describe() + "\n";
  INFO("problems:\n" << all);
  REQUIRE_FALSE(l.ok());
  for (const auto& p : l.problems)
    if (p.row == row && p.column == column) return p;
  FAIL("no problem at row " << row << ", " << column);
  return l.problems.front();
}

}  // namespace

TEST_CASE("every question type loads with its XLSForm spelling", "[forms][definition]") {
  auto def = form(json::array({
      {{"type", "text"}, {"name", "t"}, {"label", "T"}},
      {{"type", "integer"}, {"name", "i"}, {"label", "I"}},
      {{"type", "decimal"}, {"name", "d"}, {"label", "D"}},
      {{"type", "date"}, {"name", "da"}, {"label", "Da"}},
      {{"type", "time"}, {"name", "ti"}, {"label", "Ti"}},
      {{"type", "datetime"}, {"name", "dt"}, {"label", "Dt"}},
      {{"type", "select_one yes_no"}, {"name", "s1"}, {"label", "S1"}},
      {{"type", "select multiple yes_no"}, {"name", "sm"}, {"label", "Sm"}},
      {{"type", "note"}, {"name", "n"}, {"label", "N"}},
      {{"type", "calculate"}, {"name", "c"}, {"calculation", "1 + 1"}},
      {{"type", "geopoint"}, {"name", "g"}, {"label", "G"}},
      {{"type", "image"}, {"name", "im"}, {"label", "Im"}},
      {{"type", "signature"}, {"name", "sg"}, {"label", "Sg"}},
      {{"type", "acknowledge"}, {"name", "ak"}, {"label", "Ak"}},
      {{"type", "begin group"}, {"name", "grp"}, {"label", "Group"}},
      {{"type", "begin_repeat"}, {"name", "rep"}, {"label", "Repeat"}},
      {{"type", "text"}, {"name", "inner"}, {"label", "Inner"}},
      {{"type", "end_repeat"}},
      {{"type", "end group"}},
  }), kYesNo);
  const QuestionType expected[] = {
      QuestionType::text, QuestionType::integer, QuestionType::decimal, QuestionType::date,
      QuestionType::time, QuestionType::datetime, QuestionType::select_one, QuestionType::select_multiple,
      QuestionType::note, QuestionType::calculate, QuestionType::geopoint, QuestionType::image,
      QuestionType::signature, QuestionType::acknowledge, QuestionType::group, QuestionType::repeat,
      QuestionType::text};
  REQUIRE(def->questions.size() == 17);
  for (std::size_t i = 0; i < 17; ++i) CHECK(def->questions[i].type == expected[i]);
  CHECK(def->find("s1")->list_name == "yes_no");
  CHECK(def->find("sm")->list_name == "yes_no");
  // Structure: the repeat sits in the group, the inner question in the repeat.
  CHECK(def->find("rep")->parent == def->index_of("grp"));
  CHECK(def->find("inner")->parent == def->index_of("rep"));
  CHECK(def->find("inner")->repeat == def->index_of("rep"));
  CHECK(def->find("grp")->end_row == 20);
  CHECK(def->find("rep")->end_row == 19);
  CHECK(def->form_id == "t");
  CHECK(def->version == 1);
  CHECK(def->title == "t");  // no title: the form_id
}

TEST_CASE("every survey column is kept as the author wrote it", "[forms][definition]") {
  json choices = kYesNo;
  choices.push_back({{"list_name", "kind"}, {"name", "a"}, {"label", "A"}, {"group", "yes"}});
  auto def = form(json::array({
      {{"type", "select_one yes_no"}, {"name", "ok"}, {"label", "OK?"}},
      {{"type", "integer"}, {"name", "age"}, {"label", "Age"}, {"hint", "In whole years"},
       {"appearance", "numbers"}, {"required", "yes"}, {"required_message", "Age, please"},
       {"relevant", "${ok} = 'yes'"}, {"constraint", ". < 130"}, {"constraint_message", "Too old"},
       {"default", "7"}, {"read_only", "${ok} = 'no'"}},
      {{"type", "calculate"}, {"name", "double_age"}, {"calculation", "${age} * 2"}},
      {{"type", "select_one kind"}, {"name", "k"}, {"label", "Kind"}, {"choice_filter", "group = ${ok}"}},
      {{"type", "text"}, {"name", "addr"}, {"label", "Address"}, {"save_to", "person.address"}},
  }), choices);
  const Question& age = *def->find("age");
  CHECK(age.hint == "In whole years");
  CHECK(age.appearance == "numbers");
  CHECK(age.required.always);
  CHECK(age.required_message == "Age, please");
  CHECK(age.relevant.text() == "${ok} = 'yes'");
  CHECK(age.constraint.text() == ". < 130");
  CHECK(age.constraint_message == "Too old");
  CHECK(age.default_value == "7");
  CHECK_FALSE(age.read_only.always);
  CHECK(age.read_only.when.text() == "${ok} = 'no'");
  CHECK(def->find("double_age")->calculation.references() == std::vector<std::string>{"age"});
  CHECK(def->find("k")->choice_filter == "group = ${ok}");
  REQUIRE(def->find("addr")->save_to);
  CHECK(def->find("addr")->save_to->text() == "person.address");
  CHECK(def->choice_list("kind")->choices[0].columns.at("group") == "yes");
}

TEST_CASE("JSON numbers and booleans in cells read as their text", "[forms][definition]") {
  json j = form_json(json::array({{{"type", "integer"}, {"name", "n"}, {"label", "N"}, {"required", true},
                                   {"default", 3}},
                                  {{"type", "text"}, {"name", "t"}, {"label", "T"}, {"read_only", false}}}));
  j["settings"]["version"] = "12";
  auto def = must_load(load_definition_json(j));
  CHECK(def->find("n")->required.always);
  CHECK(def->find("n")->default_value == "3");
  CHECK(def->find("t")->read_only.never());
  CHECK(def->version == 12);
}

TEST_CASE("a JSON form takes its labels from the first language column as written", "[forms][definition]") {
  // English is written first; Cymraeg sorts first. Column order decides, as in a sheet.
  const std::string text = R"JSON({"settings": {"form_id": "t", "version": 1},
    "survey": [{"type": "select_one yn", "name": "home", "label::English (en)": "Were they in?",
                "label::Cymraeg (cy)": "Oedden nhw i mewn?", "hint::English (en)": "Knock twice",
                "hint::Cymraeg (cy)": "Curwch ddwywaith"},
               {"type": "text", "name": "why", "label::English (en)": "Why not?", "label::Cymraeg (cy)": ""}],
    "choices": [{"list_name": "yn", "name": "yes", "label::English (en)": "Yes", "label::Cymraeg (cy)": "Ie"},
                {"list_name": "yn", "name": "no", "label::English (en)": "No", "label::Cymraeg (cy)": ""}]})JSON";
  auto def = must_load(load_definition_json(std::string_view(text)));
  CHECK(def->find("home")->label == "Were they in?");
  CHECK(def->find("home")->hint == "Knock twice");
  CHECK(def->find("why")->label == "Why not?");  // an empty second language is no missing label
  CHECK(def->choice_list("yn")->choices[0].label == "Yes");
  CHECK(def->choice_list("yn")->choices[1].label == "No");
  // The same through an ordered_json: the order the document was built in.
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(text);
  CHECK(must_load(load_definition_json(doc))->find("home")->label == "Were they in?");
}

TEST_CASE("a definition written back to JSON loads to the same definition", "[forms][definition]") {
  for (const char* name : {"statutory_visit_child", "reablement_review", "warden_inspection"}) {
    auto def = demo_form(name);
    json written = definition_to_json(*def);
    auto again = must_load(load_definition_json(written));
    CHECK(definition_to_json(*again) == written);
    CHECK(again->questions.size() == def->questions.size());
  }
}

TEST_CASE("unknown columns and keys are ignored with a warning, not a failure", "[forms][definition]") {
  json j = form_json(json::array({{{"type", "text"}, {"name", "t"}, {"label", "T"}, {"colour", "red"}}}));
  j["extras"] = 1;
  auto l = load_definition_json(j);
  REQUIRE(l.ok());
  REQUIRE(l.warnings.size() == 2);
  bool column = false;
  for (const auto& w : l.warnings) column |= w.column == "colour" && w.sheet == "survey";
  CHECK(column);
}

TEST_CASE("each kind of definition problem is reported with its row and column", "[forms][definition]") {
  SECTION("unknown type") {
    auto l = load(json::array({{{"type", "txet"}, {"name", "a"}, {"label", "A"}}}));
    CHECK(problem(l, 2, "type").message.find("unknown question type 'txet'") != std::string::npos);
  }
  SECTION("duplicate names") {
    auto l = load(json::array({{{"type", "text"}, {"name", "a"}, {"label", "A"}},
                               {{"type", "text"}, {"name", "a"}, {"label", "B"}}}));
    CHECK(problem(l, 3, "name").message == "the name 'a' is already used at row 2");
  }
  SECTION("reference to an undefined field") {
    auto l = load(json::array({{{"type", "text"}, {"name", "a"}, {"label", "A"}, {"relevant", "${b} = 1"}}}));
    CHECK(problem(l, 2, "relevant").message == "${b} is not a question in this form");
  }
  SECTION("reference to a group") {
    auto l = load(json::array({{{"type", "begin_group"}, {"name", "g"}},
                               {{"type", "text"}, {"name", "a"}, {"label", "A"}},
                               {{"type", "end_group"}},
                               {{"type", "text"}, {"name", "b"}, {"label", "B"}, {"constraint", "${g} = 1"}}}));
    CHECK(problem(l, 5, "constraint").message == "${g} is a group, which has no value");
  }
  SECTION("unknown choice list") {
    auto l = load(json::array({{{"type", "select_one colours"}, {"name", "a"}, {"label", "A"}}}));
    CHECK(problem(l, 2, "type").message == "choice list 'colours' is not in the choices sheet");
  }
  SECTION("select without a list") {
    auto l = load(json::array({{{"type", "select_multiple"}, {"name", "a"}, {"label", "A"}}}));
    CHECK(problem(l, 2, "type").message.find("needs the name of a choice list") != std::string::npos);
  }
  SECTION("calculations in a loop") {
    auto l = load(json::array({{{"type", "calculate"}, {"name", "a"}, {"calculation", "${c} + 1"}},
                               {{"type", "calculate"}, {"name", "b"}, {"calculation", "${a} + 1"}},
                               {{"type", "calculate"}, {"name", "c"}, {"calculation", "${b} + 1"}}}));
    const auto& p = problem(l, 2, "calculation");
    CHECK(p.message.find("loop") != std::string::npos);
    CHECK(p.message.find("${a} -> ${c} -> ${b} -> ${a}") != std::string::npos);
    CHECK(l.problems.size() == 1);  // one loop, reported once
  }
  SECTION("relevance and calculation in a loop") {
    auto l = load(json::array({{{"type", "text"}, {"name", "a"}, {"label", "A"}, {"relevant", "${c} = 1"}},
                               {{"type", "calculate"}, {"name", "c"}, {"calculation", "string-length(${a})"}}}));
    CHECK(problem(l, 2, "relevant").message.find("loop") != std::string::npos);
  }
  SECTION("a group whose relevance reads its own question") {
    auto l = load(json::array({{{"type", "begin_group"}, {"name", "g"}, {"relevant", "${a} = 'x'"}},
                               {{"type", "text"}, {"name", "a"}, {"label", "A"}},
                               {{"type", "end_group"}}}));
    CHECK(problem(l, 2, "relevant").message.find("loop") != std::string::npos);
  }
  SECTION("relevance that reads itself") {
    auto l = load(json::array({{{"type", "text"}, {"name", "a"}, {"label", "A"}, {"relevant", "${a} = ''"}}}));
    CHECK(problem(l, 2, "relevant").message == "${a} depends on itself");
  }
  SECTION("a constraint may read its own answer") {
    auto l = load(json::array({{{"type", "text"}, {"name", "a"}, {"label", "A"}, {"constraint", "${a} != 'x'"}}}));
    CHECK(l.ok());
  }
  SECTION("bad expression") {
    auto l = load(json::array({{{"type", "integer"}, {"name", "a"}, {"label", "A"}, {"constraint", ". > (1"}}}));
    CHECK(problem(l, 2, "constraint").message.rfind("cannot read the expression: ", 0) == 0);
  }
  SECTION("unknown function") {
    auto l = load(json::array({{{"type", "calculate"}, {"name", "a"}, {"calculation", "shout('x')"}}}));
    CHECK(problem(l, 2, "calculation").message.find("unknown function 'shout'") != std::string::npos);
  }
  SECTION("end_group without begin_group") {
    auto l = load(json::array({{{"type", "text"}, {"name", "a"}, {"label", "A"}}, {{"type", "end_group"}}}));
    CHECK(problem(l, 3, "type").message == "end_group has no begin_group to close");
  }
  SECTION("group never closed") {
    auto l = load(json::array({{{"type", "begin_group"}, {"name", "g"}}, {{"type", "text"}, {"name", "a"}, {"label", "A"}}}));
    CHECK(problem(l, 2, "type").message.find("group 'g' is never closed") != std::string::npos);
  }
  SECTION("end_repeat closing a group") {
    auto l = load(json::array({{{"type", "begin_group"}, {"name", "g"}},
                               {{"type", "text"}, {"name", "a"}, {"label", "A"}},
                               {{"type", "end_repeat"}}}));
    CHECK(problem(l, 4, "type").message == "end_repeat closes 'g', which is a group begun at row 2");
  }
  SECTION("repeat inside a repeat") {
    auto l = load(json::array({{{"type", "begin_repeat"}, {"name", "r1"}},
                               {{"type", "begin_repeat"}, {"name", "r2"}},
                               {{"type", "text"}, {"name", "a"}, {"label", "A"}},
                               {{"type", "end_repeat"}},
                               {{"type", "end_repeat"}}}));
    CHECK(problem(l, 3, "type").message == "a repeat inside a repeat is not supported");
  }
  SECTION("missing name") {
    auto l = load(json::array({{{"type", "text"}, {"label", "A"}}}));
    CHECK(problem(l, 2, "name").message == "every question, group and repeat needs a name");
  }
  SECTION("unusable name") {
    auto l = load(json::array({{{"type", "text"}, {"name", "first name"}, {"label", "A"}}}));
    CHECK(problem(l, 2, "name").message.find("is not a usable name") != std::string::npos);
  }
  SECTION("missing label") {
    auto l = load(json::array({{{"type", "integer"}, {"name", "a"}}}));
    CHECK(problem(l, 2, "label").message == "'a' needs a label");
  }
  SECTION("calculate without a calculation") {
    auto l = load(json::array({{{"type", "calculate"}, {"name", "a"}}}));
    CHECK(problem(l, 2, "calculation").message == "a calculate needs a calculation");
  }
  SECTION("default that does not fit the type") {
    auto l = load(json::array({{{"type", "integer"}, {"name", "a"}, {"label", "A"}, {"default", "many"}}}));
    CHECK(problem(l, 2, "default").message == "the default does not fit the question: Enter a whole number.");
  }
  SECTION("default that is not a choice") {
    auto l = load(json::array({{{"type", "select_one yes_no"}, {"name", "a"}, {"label", "A"}, {"default", "maybe"}}}));
    CHECK(problem(l, 2, "default").message.find("'maybe' is not one of the options") != std::string::npos);
  }
  SECTION("choice_filter naming a column the list lacks") {
    auto l = load(json::array({{{"type", "select_one yes_no"}, {"name", "a"}, {"label", "A"}, {"choice_filter", "colour = 'red'"}}}));
    CHECK(problem(l, 2, "choice_filter").message.find("'colour' is not a column of choice list 'yes_no'") != std::string::npos);
  }
  SECTION("save_to an unknown target") {
    auto l = load(json::array({{{"type", "text"}, {"name", "a"}, {"label", "A"}, {"save_to", "visit.outcome"}}}));
    CHECK(problem(l, 2, "save_to").message == "save_to must be case.<field> or person.<field>, not 'visit.outcome'");
  }
  SECTION("save_to a field the record does not have") {
    auto l = load(json::array({{{"type", "text"}, {"name", "a"}, {"label", "A"}, {"save_to", "person.shoe_size"}}}));
    CHECK(problem(l, 2, "save_to").message == "a person has no field 'shoe_size'");
  }
  SECTION("save_to an office-owned field") {
    auto l = load(json::array({{{"type", "text"}, {"name", "a"}, {"label", "A"}, {"save_to", "case.status"}}}));
    CHECK(problem(l, 2, "save_to").message == "case.status is owned by the office; a form cannot change it");
  }
  SECTION("save_to a fixed field") {
    auto l = load(json::array({{{"type", "text"}, {"name", "a"}, {"label", "A"}, {"save_to", "case.kind"}}}));
    CHECK(problem(l, 2, "save_to").message.find("cannot be changed from a form") != std::string::npos);
  }
  SECTION("save_to inside a repeat") {
    auto l = load(json::array({{{"type", "begin_repeat"}, {"name", "r"}},
                               {{"type", "text"}, {"name", "a"}, {"label", "A"}, {"save_to", "person.phone"}},
                               {{"type", "end_repeat"}}}));
    CHECK(problem(l, 3, "save_to").message.find("inside a repeat") != std::string::npos);
  }
  SECTION("two questions saving to one field") {
    auto l = load(json::array({{{"type", "text"}, {"name", "a"}, {"label", "A"}, {"save_to", "person.phone"}},
                               {{"type", "text"}, {"name", "b"}, {"label", "B"}, {"save_to", "person.phone"}}}));
    CHECK(problem(l, 3, "save_to").message == "person.phone is already saved to by the question at row 2");
  }
  SECTION("settings without form_id or with a bad version") {
    json j = form_json(json::array({{{"type", "text"}, {"name", "a"}, {"label", "A"}}}));
    j["settings"] = {{"version", "v2"}};
    auto l = load_definition_json(j);
    CHECK(problem(l, 2, "form_id").sheet == "settings");
    CHECK(problem(l, 2, "version").message.find("must be a whole number") != std::string::npos);
    CHECK(problem(l, 2, "version").message.find("not 'v2'") != std::string::npos);
  }
  SECTION("choice without label, and a repeated choice") {
    json choices = json::array({{{"list_name", "l"}, {"name", "a"}},
                                {{"list_name", "l"}, {"name", "a"}, {"label", "A"}}});
    auto l = load(json::array({{{"type", "select_one l"}, {"name", "q"}, {"label", "Q"}}}), choices);
    CHECK(problem(l, 2, "label").sheet == "choices");
    CHECK(problem(l, 3, "name").message == "list 'l' already has a choice 'a' (row 2)");
  }
  SECTION("not JSON, or not a form") {
    auto l = load_definition_json(std::string_view("{\"survey\": ["));
    REQUIRE(l.problems.size() == 1);
    CHECK(l.problems[0].message == "not valid JSON");
    auto l2 = load_definition_json(std::string_view("[1, 2]"));
    CHECK_FALSE(l2.ok());
    auto l3 = load_definition_json(json{{"settings", {{"form_id", "x"}, {"version", 1}}}, {"survey", json::array({"text"})}});
    CHECK(problem(l3, 2, "").message == "each row must be an object of column: text");
  }
}

TEST_CASE("every problem in a form comes back from one load, in row order", "[forms][definition]") {
  auto l = load(json::array({
      {{"type", "text"}, {"name", "a"}, {"label", "A"}},
      {{"type", "text"}, {"name", "a"}, {"label", "A again"}},          // row 3: duplicate
      {{"type", "integr"}, {"name", "b"}, {"label", "B"}},              // row 4: unknown type
      {{"type", "text"}, {"name", "c"}, {"relevant", "${zz}"}},         // row 5: no label, unknown ref
      {{"type", "select_one nolist"}, {"name", "d"}, {"label", "D"}},   // row 6: unknown list
      {{"type", "integer"}, {"name", "e"}, {"label", "E"}, {"constraint", ". >"}},  // row 7: bad expression
      {{"type", "begin_group"}, {"name", "g"}},                         // row 8: never closed
  }));
  REQUIRE_FALSE(l.ok());
  CHECK(l.definition == nullptr);
  std::vector<std::pair<int, std::string>> got;
  for (const auto& p : l.problems) got.emplace_back(p.row, p.column);
  std::vector<std::pair<int, std::string>> want = {
      {3, "name"}, {4, "type"}, {5, "label"}, {5, "relevant"}, {6, "type"}, {7, "constraint"}, {8, "type"}};
  CHECK(got == want);
  auto r = l.as_result();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.rfind("7 problems in the form definition: survey row 3, name:", 0) == 0);
}

TEST_CASE("the evaluation plan puts every dependency first", "[forms][definition]") {
  // c is written before the b it reads; the plan must still evaluate b first.
  auto def = form(json::array({{{"type", "integer"}, {"name", "a"}, {"label", "A"}},
                               {{"type", "calculate"}, {"name", "c"}, {"calculation", "${b} * 10"}},
                               {{"type", "calculate"}, {"name", "b"}, {"calculation", "${a} + 1"}},
                               {{"type", "text"}, {"name", "d"}, {"label", "D"}, {"constraint", ". != ${c}"}}}));
  const auto& plan = def->plan;
  REQUIRE(plan.order.size() == 4);
  CHECK(plan.position[def->index_of("b")] < plan.position[def->index_of("c")]);
  CHECK(plan.value_dependents[def->index_of("a")] == std::vector<int>{def->index_of("b")});
  CHECK(plan.check_dependents[def->index_of("c")] == std::vector<int>{def->index_of("d")});
}
