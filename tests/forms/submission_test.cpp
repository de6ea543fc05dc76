// Drafts, submissions and the server's check: what leaves the device, what a draft
// keeps, and what the server accepts.
#include <catch2/catch.hpp>

#include "doorstep/core/forms/picture_answer.h"
#include "doorstep/core/forms/submission_check.h"
#include "form_fixture.h"

using namespace doorstep;
using namespace doorstep::forms;
using namespace doorstep::forms::testing;
using nlohmann::json;

namespace {

const json kYesNo = json::array({{{"list_name", "yes_no"}, {"name", "yes"}, {"label", "Yes"}},
                                 {{"list_name", "yes_no"}, {"name", "no"}, {"label", "No"}}});

}  // namespace

TEST_CASE("a draft keeps every answer, repeat and the version, and reopens the same", "[forms][submission]") {
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

TEST_CASE("a draft opens only with the version it was started on", "[forms][submission]") {
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

TEST_CASE("a damaged draft is refused as corrupt, never half-loaded", "[forms][submission]") {
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

TEST_CASE("submit leaves out what is not relevant, types numbers, and lists save_to", "[forms][submission]") {
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

TEST_CASE("today() moves on with the clock when the session refreshes", "[forms][submission]") {
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

TEST_CASE("check_submission accepts what the session submitted", "[forms][submission][server]") {
  auto s = start(form(json::array({
      {{"type", "begin_repeat"}, {"name", "tasks"}, {"label", "Tasks"}},
      {{"type", "text"}, {"name", "title"}, {"label", "Title"}, {"required", "yes"}},
      {{"type", "integer"}, {"name", "minutes"}, {"label", "Minutes"}, {"default", "15"}},
      {{"type", "end_repeat"}},
      {{"type", "calculate"}, {"name", "total"}, {"calculation", "sum(${minutes})"}},
  })));
  REQUIRE(s.add_repeat("tasks").ok());
  answer(s, "tasks[1]/title", std::string("Lunch"));
  auto r = s.submit();
  REQUIRE(r.ok());
  CHECK(check_submission(*s.definition_ptr(), r.submission->answers, kNow).empty());
}

TEST_CASE("check_submission finds each kind of bad answer", "[forms][submission][server]") {
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

TEST_CASE("check_submission refuses a picture answer that is not a blob reference, naming the question",
          "[forms][submission][server][pictures]") {
  auto def = form(json::array({
      {{"type", "image"}, {"name", "photo"}, {"label", "Photo"}},
      {{"type", "begin_repeat"}, {"name", "rooms"}, {"label", "Rooms"}},
      {{"type", "signature"}, {"name", "signed"}, {"label", "Signed"}},
      {{"type", "end_repeat"}},
  }));
  const std::string ref = "sha256:" + std::string(64, 'a') + " image/png 120";
  auto paths = [&](const json& answers) {
    std::vector<std::string> out;
    for (const auto& p : check_submission(*def, answers, kNow)) out.push_back(p.path + ": " + p.message);
    return out;
  };
  CHECK(paths({{"photo", ref}, {"rooms", json::array({{{"signed", ref}}})}}).empty());
  CHECK(paths({{"photo", "kitchen.jpg"}}) ==
        std::vector<std::string>{"photo: Attach a photo; this answer does not name a stored picture."});
  CHECK(paths({{"rooms", json::array({json::object(), {{"signed", "sig.png"}}})}}) ==
        std::vector<std::string>{"rooms[2]/signed: Sign again; this answer does not name a stored signature."});

  // The hub looks up each reference's blob: every picture answer, with its path.
  auto found = picture_answers(*def, {{"photo", ref}, {"rooms", json::array({{{"signed", "sig.png"}}, {{"signed", ref}}})}});
  REQUIRE(found.size() == 3);
  CHECK(found[0].path == "photo");
  REQUIRE(found[0].ref.has_value());
  CHECK(found[0].ref->sha256 == std::string(64, 'a'));
  CHECK(found[0].ref->media_type == "image/png");
  CHECK(found[0].ref->size_bytes == 120);
  CHECK(found[0].ref->text() == ref);
  CHECK(found[1].path == "rooms[1]/signed");
  CHECK_FALSE(found[1].ref.has_value());
  CHECK(found[2].path == "rooms[2]/signed");
  CHECK(picture_hashes_in("{\"photo\":\"" + ref + "\",\"x\":\"sha256:short\"}") ==
        std::vector<std::string>{std::string(64, 'a')});
}
