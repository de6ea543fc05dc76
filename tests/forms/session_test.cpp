// The form session: what a worker sees and is told while filling in a form, what is
// submitted, and what a draft keeps.
#include <catch2/catch.hpp>

#include "doorstep/core/forms/submission_check.h"
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
  answer(s, "im", std::string("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"));
  answer(s, "sg", std::string("signature.png"));
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

TEST_CASE("a draft keeps every answer, repeat and the version, and reopens the same", "[forms][session]") {
  auto def = form(json::array({
      {{"type", "select_one yes_no"}, {"name", "home"}, {"label", "Home?"}},
      {{"type", "text"}, {"name", "room"}, {"label", "Room"}, {"relevant", "${home} = 'yes'"}},
      {{"type", "begin_repeat"}, {"name", "people"}, {"label", "People"}},
      {{"type", "text"}, {"name", "who"}, {"label", "Who"}},
      {{"type", "decimal"}, {"name", "age"}, {"label", "Age"}},
      {{"type", "end_repeat"}},
      {{"type", "calculate"}, {"name", "n"}, {"calculation", "count(${people})"}},
  }), kYesNo);
  auto s = start(def);
  answer(s, "home", std::string("yes"));
  answer(s, "room", std::string("lounge"));
  answer(s, "home", std::string("no"));  // room is now hidden but kept
  REQUIRE(s.add_repeat("people").ok());
  REQUIRE(s.add_repeat("people").ok());
  REQUIRE(s.add_repeat("people").ok());
  answer(s, "people[1]/who", std::string("Mum"));
  answer(s, "people[1]/age", 34.5);
  answer(s, "people[3]/who", std::string("Sam"));
  json draft = s.to_draft();
  CHECK(draft["form_id"] == "t");
  CHECK(draft["version"] == 1);
  CHECK(draft["answers"] == json{{"home", "no"}, {"room", "lounge"}});
  CHECK(draft["repeats"]["people"].size() == 3);
  // Through text, as the encrypted store will hold it.
  auto again = FormSession::from_draft(def, json::parse(draft.dump()), fixed_now());
  REQUIRE(again.ok());
  CHECK(again->to_draft() == draft);
  CHECK(again->state("room")->value == Value(std::string("lounge")));
  CHECK_FALSE(again->state("room")->relevant);
  CHECK(again->state("n")->value == Value(3.0));
  CHECK(again->state("people[1]/age")->value == Value(34.5));
  answer(*again, "home", std::string("yes"));
  CHECK(again->state("room")->relevant);
}

TEST_CASE("a draft opens only with the version it was started on", "[forms][session]") {
  auto v1 = form(json::array({{{"type", "text"}, {"name", "a"}, {"label", "A"}}}));
  json j = form_json(json::array({{{"type", "text"}, {"name", "a"}, {"label", "A"}}}));
  j["settings"]["version"] = 2;
  auto v2 = must_load(load_definition_json(j));
  auto s = start(v1);
  answer(s, "a", std::string("x"));
  json draft = s.to_draft();
  auto form_of = FormSession::draft_form(draft);
  REQUIRE(form_of.ok());
  CHECK(form_of->first == "t");
  CHECK(form_of->second == 1);
  auto wrong = FormSession::from_draft(v2, draft, fixed_now());
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().message.find("started on 't' version 1") != std::string::npos);
}

TEST_CASE("a damaged draft is refused as corrupt, never half-loaded", "[forms][session]") {
  auto def = form(json::array({{{"type", "integer"}, {"name", "a"}, {"label", "A"}}}));
  json good = start(def).to_draft();
  for (json bad : {json(nullptr), json{{"draft_format", 9}}, json{{"draft_format", 1}, {"form_id", "t"}},
                   [&] { json d = good; d["answers"]["zz"] = 1; return d; }(),
                   [&] { json d = good; d["answers"]["a"] = "many"; return d; }(),
                   [&] { json d = good; d["answers"]["a"] = json::array(); return d; }(),
                   [&] { json d = good; d["repeats"]["a"] = json::array(); return d; }()}) {
    auto r = FormSession::from_draft(def, bad, fixed_now());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::corrupt);
  }
}

TEST_CASE("submit leaves out what is not relevant, types numbers, and lists save_to", "[forms][session]") {
  auto def = form(json::array({
      {{"type", "select_one yes_no"}, {"name", "moved"}, {"label", "Moved?"}},
      {{"type", "text"}, {"name", "new_address"}, {"label", "New address"}, {"relevant", "${moved} = 'yes'"},
       {"save_to", "person.address"}},
      {{"type", "text"}, {"name", "phone"}, {"label", "Phone"}, {"save_to", "person.phone"}},
      {{"type", "integer"}, {"name", "adults"}, {"label", "Adults"}},
      {{"type", "decimal"}, {"name", "rent"}, {"label", "Rent"}},
      {{"type", "note"}, {"name", "n"}, {"label", "Note"}},
      {{"type", "date"}, {"name", "since"}, {"label", "Since"}},
  }), kYesNo);
  auto s = start(def, {{"person.phone", std::string("01632 960000")}, {"adults", 2.0}, {"since", std::string("soon")}});
  CHECK(s.state("phone")->value == Value(std::string("01632 960000")));  // prefill by save_to target
  CHECK(s.state("adults")->value == Value(2.0));                          // prefill by name
  CHECK(is_empty(s.state("since")->value));                                // did not fit: left for the worker
  answer(s, "moved", std::string("yes"));
  answer(s, "new_address", std::string("1 High St"));
  answer(s, "rent", 120.5);
  answer(s, "moved", std::string("no"));
  auto r = s.submit();
  REQUIRE(r.ok());
  const Submission& sub = *r.submission;
  CHECK(sub.form_id == "t");
  CHECK(sub.version == 1);
  CHECK(sub.answers == json{{"moved", "no"}, {"phone", "01632 960000"}, {"adults", 2}, {"rent", 120.5}});
  CHECK(sub.answers["adults"].is_number_integer());
  REQUIRE(sub.save_to.size() == 1);  // the hidden new address is not saved
  CHECK(sub.save_to[0].target == "person");
  CHECK(sub.save_to[0].field == "phone");
  CHECK(sub.save_to[0].value == "01632 960000");
  json j = sub.to_json();
  CHECK(j["save_to"][0] == json{{"target", "person"}, {"field", "phone"}, {"value", "01632 960000"}});
}

TEST_CASE("today() moves on with the clock when the session refreshes", "[forms][session]") {
  std::int64_t now = kNow;
  auto def = form(json::array({{{"type", "date"}, {"name", "due"}, {"label", "Due"}, {"constraint", ". >= today()"},
                                {"constraint_message", "Not in the past."}}}));
  auto s = FormSession::start(def, {}, [&now] { return now; });
  answer(s, "due", std::string("2026-11-26"));
  CHECK(problem_at(s, "due").empty());
  now += 2 * 86400000LL;
  CHECK(problem_at(s, "due").empty());  // not re-evaluated until asked
  auto r = s.submit();                   // submit re-evaluates with the time of submission
  REQUIRE_FALSE(r.ok());
  CHECK(r.problems[0].message == "Not in the past.");
}

TEST_CASE("check_submission accepts what the session submitted", "[forms][session][server]") {
  auto s = start(task_form());
  REQUIRE(s.add_repeat("tasks").ok());
  answer(s, "tasks[1]/title", std::string("Lunch"));
  auto r = s.submit();
  REQUIRE(r.ok());
  CHECK(check_submission(*s.definition_ptr(), r.submission->answers, kNow).empty());
}

TEST_CASE("check_submission finds each kind of bad answer", "[forms][session][server]") {
  auto def = form(json::array({
      {{"type", "select_one yes_no"}, {"name", "home"}, {"label", "Home?"}, {"required", "yes"}},
      {{"type", "text"}, {"name", "room"}, {"label", "Room"}, {"relevant", "${home} = 'yes'"}},
      {{"type", "integer"}, {"name", "n"}, {"label", "N"}, {"constraint", ". < 10"}, {"constraint_message", "Under 10."}},
      {{"type", "note"}, {"name", "nt"}, {"label", "Note"}},
      {{"type", "calculate"}, {"name", "c"}, {"calculation", "${n} * 2"}},
      {{"type", "begin_repeat"}, {"name", "r"}, {"label", "R"}},
      {{"type", "date"}, {"name", "when"}, {"label", "When"}},
      {{"type", "end_repeat"}},
  }), kYesNo);
  auto paths = [&](const json& answers) {
    std::vector<std::string> out;
    for (const auto& p : check_submission(*def, answers, kNow)) out.push_back(p.path + ": " + p.message);
    return out;
  };
  CHECK(paths({{"home", "yes"}, {"room", "hall"}, {"n", 3}, {"c", "anything"}, {"r", json::array({{{"when", "2026-01-01"}}})}}).empty());
  CHECK(paths({{"home", "no"}, {"bogus", 1}}) == std::vector<std::string>{"bogus: not a question in this form"});
  CHECK(paths({{"home", "no"}, {"room", "hall"}}) ==
        std::vector<std::string>{"room: answered, but the question does not apply to these answers"});
  CHECK(paths(json::object()) == std::vector<std::string>{"home: " + std::string(kDefaultRequiredMessage)});
  CHECK(paths({{"home", "no"}, {"n", 12}}) == std::vector<std::string>{"n: Under 10."});
  CHECK(paths({{"home", "no"}, {"n", "twelve"}}) == std::vector<std::string>{"n: Enter a whole number."});
  CHECK(paths({{"home", "maybe"}}) == std::vector<std::string>{"home: 'maybe' is not one of the options.",
                                                               "home: " + std::string(kDefaultRequiredMessage)});
  CHECK(paths({{"home", "no"}, {"nt", "x"}}) == std::vector<std::string>{"nt: a note takes no answer"});
  CHECK(paths({{"home", "no"}, {"r", "x"}}) == std::vector<std::string>{"r: must be a list of at most 500 entries"});
  CHECK(paths({{"home", "no"}, {"r", json::array({{{"when", "soon"}}})}}) ==
        std::vector<std::string>{"r[1]/when: Enter a date as YYYY-MM-DD."});
  CHECK(paths({{"home", "no"}, {"when", "2026-01-01"}}) == std::vector<std::string>{"when: belongs inside repeat 'r'"});
  CHECK(paths({{"home", "no"}, {"room", json::object()}}).size() == 1);
  CHECK(check_submission(*def, json::array(), kNow).size() == 1);
}
