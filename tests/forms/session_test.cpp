// The form session: what a worker sees and is told while filling in a form, what is
// submitted, and what a draft keeps.
#include <catch2/catch.hpp>

#include "form_fixture.h"

using namespace doorstep;
using namespace doorstep::forms;
using namespace doorstep::forms::testing;
using nlohmann::json;

namespace {

const json kYesNo = json::array({{{"list_name", "yes_no"}, {"name", "yes"}, {"label", "Yes"}},
                                 {{"list_name", "yes_no"}, {"name", "no"}, {"label", "No"}}});

std::string answer_error(FormSession& s, const std::string& path, const Value& v) {
  auto r = s.answer(path, v);
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

std::shared_ptr<const FormDefinition> all_types() {
  return form(json::array({
      {{"type", "text"}, {"name", "t"}, {"label", "T"}},
      {{"type", "integer"}, {"name", "i"}, {"label", "I"}},
      {{"type", "decimal"}, {"name", "d"}, {"label", "D"}},
      {{"type", "date"}, {"name", "da"}, {"label", "Da"}},
      {{"type", "time"}, {"name", "ti"}, {"label", "Ti"}},
      {{"type", "datetime"}, {"name", "dt"}, {"label", "Dt"}},
      {{"type", "select_one yes_no"}, {"name", "s1"}, {"label", "S1"}},
      {{"type", "select_multiple yes_no"}, {"name", "sm"}, {"label", "Sm"}},
      {{"type", "note"}, {"name", "n"}, {"label", "N"}},
      {{"type", "calculate"}, {"name", "c"}, {"calculation", "${i} * 2"}},
      {{"type", "geopoint"}, {"name", "g"}, {"label", "G"}},
      {{"type", "image"}, {"name", "im"}, {"label", "Im"}},
      {{"type", "signature"}, {"name", "sg"}, {"label", "Sg"}},
      {{"type", "acknowledge"}, {"name", "ak"}, {"label", "Ak"}},
  }), kYesNo);
}

}  // namespace

TEST_CASE("each question type takes the answers it should and refuses the rest", "[forms][session]") {
  auto s = start(all_types());
  answer(s, "t", std::string("anything at all"));
  answer(s, "i", std::string(" 42 "));
  CHECK(s.state("i")->value == Value(42.0));
  CHECK(answer_error(s, "i", 4.5) == "Enter a whole number.");
  CHECK(answer_error(s, "i", std::string("four")) == "Enter a whole number.");
  answer(s, "d", std::string("-2.5"));
  CHECK(s.state("d")->value == Value(-2.5));
  CHECK(answer_error(s, "d", std::string("2,5")) == "Enter a number.");
  answer(s, "da", std::string("2024-02-29"));
  CHECK(answer_error(s, "da", std::string("2023-02-29")) == "Enter a date as YYYY-MM-DD.");
  CHECK(answer_error(s, "da", std::string("29/02/2024")) == "Enter a date as YYYY-MM-DD.");
  answer(s, "ti", std::string("14:30"));
  answer(s, "ti", std::string("14:30:05.250+01:00"));
  CHECK(answer_error(s, "ti", std::string("25:00")) == "Enter a time as HH:MM or HH:MM:SS.");
  answer(s, "dt", std::string("2026-11-25T09:15:00Z"));
  CHECK(answer_error(s, "dt", std::string("2026-11-25")) == "Enter a date and time as YYYY-MM-DDTHH:MM.");
  answer(s, "s1", std::string("yes"));
  CHECK(answer_error(s, "s1", std::string("maybe")) == "'maybe' is not one of the options.");
  CHECK(answer_error(s, "s1", std::string("yes no")) == "Choose one of the options.");
  answer(s, "sm", std::string("no yes no"));
  CHECK(s.state("sm")->value == Value(std::string("no yes")));  // duplicates dropped
  CHECK(answer_error(s, "sm", std::string("yes perhaps")) == "'perhaps' is not one of the options.");
  answer(s, "g", std::string("51.5  -0.12 30 5"));
  CHECK(s.state("g")->value == Value(std::string("51.5 -0.12 30 5")));
  CHECK(answer_error(s, "g", std::string("91 0")) == "Latitude must be between -90 and 90.");
  CHECK(answer_error(s, "g", std::string("51.5")).rfind("Enter a location", 0) == 0);
  CHECK(answer_error(s, "g", std::string("51 0 0 -1")) == "Accuracy cannot be negative.");
  // Pictures: a reference to a blob (sha256, media type, bytes), never a file name.
  const std::string sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  answer(s, "im", std::string("sha256:" + sha + " image/jpeg 48213"));
  answer(s, "sg", std::string("sha256:" + sha + " image/png 900"));
  const std::string no_photo = "Attach a photo; this answer does not name a stored picture.";
  CHECK(answer_error(s, "im", std::string("kitchen.jpg")) == no_photo);
  CHECK(answer_error(s, "im", sha) == no_photo);
  CHECK(answer_error(s, "im", std::string("sha256:" + sha + " text/plain 10")) == no_photo);
  CHECK(answer_error(s, "im", std::string("sha256:" + sha + " image/jpeg 0")) == no_photo);
  CHECK(answer_error(s, "im", std::string("sha256:" + sha + " image/jpeg 26214401")) == no_photo);  // over 25 MiB
  CHECK(answer_error(s, "im", std::string("SHA256:" + sha + " image/jpeg 10")) == no_photo);
  CHECK(answer_error(s, "sg", std::string("signature.png")) ==
        "Sign again; this answer does not name a stored signature.");
  CHECK(s.state("sg")->value == Value(std::string("sha256:" + sha + " image/png 900")));
  answer(s, "ak", true);
  CHECK(s.state("ak")->value == Value(std::string("OK")));
  CHECK(answer_error(s, "ak", std::string("nope")) == "Acknowledge with OK.");
  answer(s, "ak", false);  // un-acknowledging clears the answer
  CHECK(is_empty(s.state("ak")->value));
  // Notes and calculations take no answer from the worker.
  auto note = s.answer("n", std::string("x"));
  REQUIRE_FALSE(note.ok());
  CHECK(note.error().code == ErrorCode::invalid_transition);
  CHECK(s.answer("c", 1.0).error().message == "'c' is calculated by the form");
  CHECK(s.state("c")->value == Value(84.0));
  // A wrong answer changes nothing.
  CHECK(s.state("i")->value == Value(42.0));
}

TEST_CASE("unknown and malformed paths are refused", "[forms][session]") {
  auto s = start(form(json::array({{{"type", "begin_repeat"}, {"name", "r"}},
                                   {{"type", "text"}, {"name", "a"}, {"label", "A"}},
                                   {{"type", "end_repeat"}},
                                   {{"type", "text"}, {"name", "b"}, {"label", "B"}}})));
  CHECK(s.answer("zz", std::string("x")).error().code == ErrorCode::not_found);
  CHECK(s.answer("a", std::string("x")).error().message == "'a' is inside repeat 'r': write r[1]/a");
  CHECK(s.answer("r[1]/a", std::string("x")).error().code == ErrorCode::not_found);  // no instance yet
  CHECK(s.answer("r[x]/a", std::string("x")).error().code == ErrorCode::invalid_argument);
  CHECK(s.answer("/a", std::string("x")).error().code == ErrorCode::invalid_argument);
  CHECK(s.answer("r[1]/b", std::string("x")).error().code != ErrorCode::internal);
}

TEST_CASE("relevance hides questions, keeps their answers, and a hidden group hides its children", "[forms][session]") {
  auto def = form(json::array({
      {{"type", "select_one yes_no"}, {"name", "home"}, {"label", "Home?"}},
      {{"type", "begin_group"}, {"name", "inside"}, {"label", "Inside"}, {"relevant", "${home} = 'yes'"}},
      {{"type", "text"}, {"name", "room"}, {"label", "Room"}, {"required", "yes"}},
      {{"type", "end_group"}},
      {{"type", "calculate"}, {"name", "room_upper"}, {"calculation", "concat('[', ${room}, ']')"}},
  }), kYesNo);
  auto s = start(def);
  CHECK_FALSE(s.state("inside")->relevant);  // no answer yet: '' is not 'yes'
  answer(s, "home", std::string("no"));
  CHECK_FALSE(s.state("inside")->relevant);
  CHECK_FALSE(s.state("room")->relevant);
  answer(s, "home", std::string("yes"));
  answer(s, "room", std::string("kitchen"));
  CHECK(s.state("room_upper")->value == Value(std::string("[kitchen]")));
  answer(s, "home", std::string("no"));
  // The answer is kept while editing, but expressions no longer see it ...
  CHECK(s.state("room")->value == Value(std::string("kitchen")));
  CHECK(s.state("room_upper")->value == Value(std::string("[]")));
  // ... and a hidden required question is no problem.
  CHECK(s.problems().empty());
  auto sub = s.submit();
  REQUIRE(sub.ok());
  CHECK(sub.submission->answers == json{{"home", "no"}, {"room_upper", "[]"}});
  // Showing the group again brings the answer back.
  answer(s, "home", std::string("yes"));
  CHECK(s.state("room_upper")->value == Value(std::string("[kitchen]")));
}

TEST_CASE("a question is relevant until its relevant says otherwise", "[forms][session]") {
  auto s = start(form(json::array({{{"type", "integer"}, {"name", "n"}, {"label", "N"}},
                                   {{"type", "text"}, {"name", "why"}, {"label", "Why"}, {"relevant", "${n} > 3"}}})));
  CHECK_FALSE(s.state("why")->relevant);  // '' > 3 is false
  answer(s, "n", 4.0);
  CHECK(s.state("why")->relevant);
}

TEST_CASE("constraints give the form's message, or a default one", "[forms][session]") {
  auto s = start(form(json::array({
      {{"type", "integer"}, {"name", "age"}, {"label", "Age"}, {"constraint", ". >= 0 and . < 130"},
       {"constraint_message", "An age is between 0 and 129."}},
      {{"type", "text"}, {"name", "code"}, {"label", "Code"}, {"constraint", "string-length(.) = 4"}},
  })));
  answer(s, "age", 140.0);  // kept: a constraint problem is shown, not refused
  CHECK(s.state("age")->value == Value(140.0));
  CHECK(problem_at(s, "age") == "An age is between 0 and 129.");
  answer(s, "age", 12.0);
  CHECK(problem_at(s, "age").empty());
  answer(s, "code", std::string("ABC"));
  CHECK(problem_at(s, "code") == kDefaultConstraintMessage);
  answer(s, "code", std::string(""));  // an empty answer is not checked against the constraint
  CHECK(problem_at(s, "code").empty());
}

TEST_CASE("required questions say so, with the form's message when it has one", "[forms][session]") {
  auto s = start(form(json::array({
      {{"type", "select_one yes_no"}, {"name", "worried"}, {"label", "Worried?"}, {"required", "yes"}},
      {{"type", "text"}, {"name", "details"}, {"label", "Details"}, {"required", "${worried} = 'yes'"},
       {"required_message", "Say what worries you."}},
  }), kYesNo));
  CHECK(problem_at(s, "worried") == kDefaultRequiredMessage);
  CHECK(problem_at(s, "details").empty());
  CHECK_FALSE(s.state("details")->required);
  answer(s, "worried", std::string("yes"));
  CHECK(s.state("details")->required);
  CHECK(problem_at(s, "details") == "Say what worries you.");
  auto sub = s.submit();
  REQUIRE_FALSE(sub.ok());
  REQUIRE(sub.problems.size() == 1);
  CHECK(sub.problems[0].path == "details");
  CHECK(sub.problems[0].message == "Say what worries you.");
}

TEST_CASE("calculations follow their dependencies, whatever the row order", "[forms][session]") {
  auto s = start(form(json::array({
      {{"type", "calculate"}, {"name", "total"}, {"calculation", "${subtotal} + ${vat}"}},
      {{"type", "calculate"}, {"name", "vat"}, {"calculation", "${subtotal} * 0.2"}},
      {{"type", "calculate"}, {"name", "subtotal"}, {"calculation", "${units} * ${price}"}},
      {{"type", "integer"}, {"name", "units"}, {"label", "Units"}},
      {{"type", "decimal"}, {"name", "price"}, {"label", "Price"}},
      {{"type", "integer"}, {"name", "paid"}, {"label", "Paid"}, {"calculation", "round(${total}, 0)"}},
  })));
  answer(s, "units", 3.0);
  answer(s, "price", 2.5);
  CHECK(s.state("subtotal")->value == Value(7.5));
  CHECK(s.state("vat")->value == Value(1.5));
  CHECK(s.state("total")->value == Value(9.0));
  CHECK(s.state("paid")->value == Value(9.0));  // a calculated integer
  CHECK(s.state("paid")->read_only);
  answer(s, "units", 4.0);
  CHECK(s.state("total")->value == Value(12.0));
}

TEST_CASE("one answer re-evaluates only what depends on it", "[forms][session]") {
  json survey = json::array();
  survey.push_back({{"type", "integer"}, {"name", "a"}, {"label", "A"}});
  survey.push_back({{"type", "integer"}, {"name", "b"}, {"label", "B"}});
  for (int i = 0; i < 30; ++i)  // thirty questions that only read b
    survey.push_back({{"type", "text"}, {"name", "x" + std::to_string(i)}, {"label", "X"}, {"relevant", "${b} > " + std::to_string(i)}});
  survey.push_back({{"type", "calculate"}, {"name", "a2"}, {"calculation", "${a} * 2"}});
  survey.push_back({{"type", "text"}, {"name", "y"}, {"label", "Y"}, {"relevant", "${a2} > 2"}});
  auto s = start(form(survey));
  auto before = s.evaluations();
  answer(s, "a", 5.0);
  // a2's calculation, then y's relevant: nothing that reads only b.
  CHECK(s.evaluations() - before == 2);
  CHECK(s.state("y")->relevant);
  before = s.evaluations();
  answer(s, "a", 5.0);  // the same answer again changes nothing
  CHECK(s.evaluations() == before);
}

TEST_CASE("defaults are set at the start and read_only questions cannot be changed", "[forms][session]") {
  auto s = start(form(json::array({
      {{"type", "text"}, {"name", "team"}, {"label", "Team"}, {"default", "Wardens"}, {"read_only", "yes"}},
      {{"type", "integer"}, {"name", "n"}, {"label", "N"}, {"default", "2"}},
      {{"type", "select_one yes_no"}, {"name", "lock"}, {"label", "Lock?"}},
      {{"type", "text"}, {"name", "note"}, {"label", "Note"}, {"read_only", "${lock} = 'yes'"}},
  }), kYesNo));
  CHECK(s.state("team")->value == Value(std::string("Wardens")));
  CHECK(s.state("n")->value == Value(2.0));
  auto r = s.answer("team", std::string("Social care"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "'team' is read-only");
  answer(s, "note", std::string("first"));
  answer(s, "lock", std::string("yes"));
  CHECK(s.state("note")->read_only);
  CHECK_FALSE(s.answer("note", std::string("second")).ok());
  CHECK(s.state("note")->value == Value(std::string("first")));
}

TEST_CASE("a choice_filter limits the options and flags a choice that no longer fits", "[forms][session]") {
  json choices = json::array({{{"list_name", "cat"}, {"name", "env"}, {"label", "Environment"}},
                              {{"list_name", "cat"}, {"name", "road"}, {"label", "Roads"}},
                              {{"list_name", "sub"}, {"name", "litter"}, {"label", "Litter"}, {"cat", "env"}},
                              {{"list_name", "sub"}, {"name", "graffiti"}, {"label", "Graffiti"}, {"cat", "env"}},
                              {{"list_name", "sub"}, {"name", "pothole"}, {"label", "Pothole"}, {"cat", "road"}}});
  auto s = start(form(json::array({{{"type", "select_one cat"}, {"name", "cat"}, {"label", "Category"}},
                                   {{"type", "select_multiple sub"}, {"name", "sub"}, {"label", "Kind"},
                                    {"choice_filter", "cat = ${cat}"}}}), choices));
  answer(s, "cat", std::string("env"));
  auto offered = s.choices("sub");
  REQUIRE(offered.ok());
  REQUIRE(offered->size() == 2);
  CHECK((*offered)[0]->name == "litter");
  CHECK((*offered)[1]->name == "graffiti");
  CHECK(answer_error(s, "sub", std::string("pothole")) == "'pothole' is not one of the options for the answers given.");
  answer(s, "sub", std::string("litter graffiti"));
  answer(s, "cat", std::string("road"));  // the earlier choice no longer fits
  CHECK(problem_at(s, "sub") == "'litter' is not one of the options for the answers given.");
  CHECK_FALSE(s.submit().ok());
}

namespace {

std::shared_ptr<const FormDefinition> task_form() {
  return form(json::array({
      {{"type", "begin_repeat"}, {"name", "tasks"}, {"label", "Tasks"}},
      {{"type", "text"}, {"name", "title"}, {"label", "Title"}, {"required", "yes"}},
      {{"type", "integer"}, {"name", "minutes"}, {"label", "Minutes"}, {"default", "15"}},
      {{"type", "text"}, {"name", "why_long"}, {"label", "Why so long?"}, {"relevant", "${minutes} > 60"}},
      {{"type", "calculate"}, {"name", "label_text"}, {"calculation", "concat(position(..), ': ', ${title})"}},
      {{"type", "end_repeat"}},
      {{"type", "calculate"}, {"name", "count"}, {"calculation", "count(${tasks})"}},
      {{"type", "calculate"}, {"name", "total"}, {"calculation", "sum(${minutes})"}},
  }));
}

}  // namespace

TEST_CASE("repeats are added and removed, each instance with its own answers", "[forms][session]") {
  auto s = start(task_form());
  CHECK(s.repeat_count("tasks") == 0);
  CHECK(s.state("count")->value == Value(0.0));
  REQUIRE(s.add_repeat("tasks").value() == 1);
  REQUIRE(s.add_repeat("tasks").value() == 2);
  CHECK(s.state("tasks[2]/minutes")->value == Value(15.0));  // defaults in each new instance
  answer(s, "tasks[1]/title", std::string("Shower"));
  answer(s, "tasks[2]/title", std::string("Breakfast"));
  answer(s, "tasks[2]/minutes", 90.0);
  CHECK_FALSE(s.state("tasks[1]/why_long")->relevant);
  CHECK(s.state("tasks[2]/why_long")->relevant);
  CHECK(s.state("tasks[2]/label_text")->value == Value(std::string("2: Breakfast")));
  CHECK(s.state("count")->value == Value(2.0));
  CHECK(s.state("total")->value == Value(105.0));
  REQUIRE(s.remove_repeat("tasks", 1).ok());
  CHECK(s.repeat_count("tasks") == 1);
  CHECK(s.state("tasks[1]/title")->value == Value(std::string("Breakfast")));
  CHECK(s.state("tasks[1]/label_text")->value == Value(std::string("1: Breakfast")));  // renumbered
  CHECK(s.state("total")->value == Value(90.0));
  CHECK(s.remove_repeat("tasks", 2).error().code == ErrorCode::not_found);
  CHECK(s.add_repeat("title").error().code == ErrorCode::not_found);
  auto sub = s.submit();
  REQUIRE(sub.ok());
  CHECK(sub.submission->answers["tasks"] ==
        json::array({{{"title", "Breakfast"}, {"minutes", 90}, {"label_text", "1: Breakfast"}}}));
}

TEST_CASE("a repeat cannot grow past its limit", "[forms][session]") {
  auto s = start(task_form());
  for (int i = 0; i < kMaxRepeatInstances; ++i) REQUIRE(s.add_repeat("tasks").ok());
  auto r = s.add_repeat("tasks");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::too_large);
}

TEST_CASE("progress counts each top-level group and names its first problem", "[forms][session]") {
  auto s = start(form(json::array({
      {{"type", "text"}, {"name", "ref"}, {"label", "Ref"}},
      {{"type", "begin_group"}, {"name", "visit"}, {"label", "Visit"}},
      {{"type", "select_one yes_no"}, {"name", "seen"}, {"label", "Seen?"}, {"required", "yes"}},
      {{"type", "begin_group"}, {"name", "inner"}, {"label", "Inner"}},
      {{"type", "integer"}, {"name", "mins"}, {"label", "Minutes"}, {"required", "yes"}, {"constraint", ". > 0"}},
      {{"type", "end_group"}},
      {{"type", "note"}, {"name", "n"}, {"label", "A note"}},
      {{"type", "end_group"}},
      {{"type", "begin_group"}, {"name", "later"}, {"label", "Later"}, {"relevant", "${seen} = 'no'"}},
      {{"type", "text"}, {"name", "why"}, {"label", "Why not?"}, {"required", "yes"}},
      {{"type", "end_group"}},
  }), kYesNo));
  answer(s, "mins", 0.0);
  auto p = s.progress();
  REQUIRE(p.size() == 3);
  CHECK(p[0].name == "");
  CHECK(p[0].questions == 1);
  CHECK(p[0].answered == 0);
  CHECK_FALSE(p[0].first_problem);
  CHECK(p[1].name == "visit");
  CHECK(p[1].label == "Visit");
  CHECK(p[1].questions == 2);
  CHECK(p[1].answered == 1);
  CHECK(p[1].required == 2);
  CHECK(p[1].required_answered == 1);
  REQUIRE(p[1].first_problem);
  CHECK(p[1].first_problem->path == "seen");
  CHECK(p[1].first_problem->message == kDefaultRequiredMessage);
  CHECK_FALSE(p[2].relevant);
  CHECK(p[2].questions == 0);
  answer(s, "seen", std::string("no"));
  p = s.progress();
  CHECK(p[1].first_problem->path == "mins");
  CHECK(p[2].relevant);
  CHECK(p[2].required == 1);
  CHECK(p[2].first_problem->path == "why");
}
