// The three demo forms (share/forms) filled in as a worker would: a complete visit is
// accepted on the device and by the server, and each mistake is caught with its message.
#include <catch2/catch.hpp>

#include "doorstep/core/forms/submission_check.h"
#include "form_fixture.h"

using namespace doorstep::forms;
using namespace doorstep::forms::testing;
using nlohmann::json;

namespace {

// Submits, requires success, and requires the server's check to agree.
Submission submit_ok(FormSession& s) {
  auto r = s.submit();
  std::string problems;
  for (const auto& p : r.problems) problems += p.path + ": " + p.message + "\n";
  INFO(problems);
  REQUIRE(r.ok());
  CHECK(check_submission(s.definition(), r.submission->answers, kNow).empty());
  return *r.submission;
}

// The problem at `path` after submitting, "" when none.
std::string submit_problem(FormSession& s, const std::string& path) {
  auto r = s.submit();
  for (const auto& p : r.problems)
    if (p.path == path) return p.message;
  return "";
}

FormSession statutory_visit_filled() {
  auto s = start(demo_form("statutory_visit_child"), {{"person.address", std::string("4 Mill Lane, Upton")}});
  answer(s, "visit_date", std::string("2026-11-25"));
  answer(s, "arrival_time", std::string("10:05"));
  answer(s, "child_seen", std::string("yes"));
  answer(s, "seen_alone", std::string("yes"));
  answer(s, "bedroom_seen", std::string("yes"));
  answer(s, "child_views", std::string("Likes the new school."));
  answer(s, "any_concerns", std::string("no"));
  answer(s, "visit_minutes", 45.0);
  answer(s, "family_phone", std::string("01632 960123"));
  answer(s, "next_visit_date", std::string("2026-12-20"));
  answer(s, "declaration", true);
  return s;
}

}  // namespace

TEST_CASE("statutory visit: a complete visit is accepted and flows into the person record", "[forms][demo]") {
  auto s = statutory_visit_filled();
  CHECK(s.state("home_address")->value == Value(std::string("4 Mill Lane, Upton")));  // prefilled
  CHECK(s.state("days_to_next_visit")->value == Value(25.0));
  CHECK_FALSE(s.state("soon_note")->relevant);
  Submission sub = submit_ok(s);
  CHECK(sub.form_id == "statutory_visit_child");
  CHECK(sub.answers["visit_minutes"] == 45);
  CHECK(sub.answers["declaration"] == "OK");
  CHECK_FALSE(sub.answers.contains("not_seen_reason"));
  REQUIRE(sub.save_to.size() == 2);
  CHECK(sub.save_to[0].target == "person");
  CHECK(sub.save_to[0].field == "address");
  CHECK(sub.save_to[1].field == "phone");
  CHECK(sub.save_to[1].value == "01632 960123");
}

TEST_CASE("statutory visit: each rule gives its message", "[forms][demo]") {
  auto s = statutory_visit_filled();
  SECTION("a visit date in the future") {
    answer(s, "visit_date", std::string("2026-11-26"));
    CHECK(submit_problem(s, "visit_date") == "The visit date cannot be in the future.");
  }
  SECTION("a child not seen needs a reason, and the seen-alone questions go away") {
    answer(s, "child_seen", std::string("no"));
    CHECK_FALSE(s.state("seen_alone")->relevant);
    CHECK(submit_problem(s, "not_seen_reason") == "Say why the child was not seen.");
    answer(s, "not_seen_reason", std::string("At grandmother's."));
    Submission sub = submit_ok(s);
    CHECK_FALSE(sub.answers.contains("seen_alone"));
    CHECK_FALSE(sub.answers.contains("child_views"));
  }
  SECTION("concerns must be described when there are concerns") {
    answer(s, "any_concerns", std::string("yes"));
    CHECK(submit_problem(s, "concerns") == "Describe your concerns: you have concerns, or the bedroom was not seen.");
    answer(s, "concerns", std::string("Little food in the house."));
    submit_ok(s);
  }
  SECTION("concerns must be described when the bedroom was not seen") {
    answer(s, "bedroom_seen", std::string("no"));
    CHECK(submit_problem(s, "concerns") == "Describe your concerns: you have concerns, or the bedroom was not seen.");
  }
  SECTION("visit length out of range") {
    answer(s, "visit_minutes", 0.0);
    CHECK(submit_problem(s, "visit_minutes") == "Enter between 1 and 600 minutes.");
  }
  SECTION("a phone number with letters") {
    answer(s, "family_phone", std::string("call the school"));
    CHECK(submit_problem(s, "family_phone") == "Enter a phone number of digits and spaces.");
  }
  SECTION("the next visit in the past, or more than six weeks away") {
    answer(s, "next_visit_date", std::string("2026-11-24"));
    CHECK(submit_problem(s, "next_visit_date") == "The next visit must be within 6 weeks and not in the past.");
    answer(s, "next_visit_date", std::string("2027-01-07"));  // 43 days
    CHECK(submit_problem(s, "next_visit_date") == "The next visit must be within 6 weeks and not in the past.");
    answer(s, "next_visit_date", std::string("2027-01-06"));  // 42 days
    CHECK(submit_problem(s, "next_visit_date").empty());
  }
  SECTION("a next visit within a week shows the note") {
    answer(s, "next_visit_date", std::string("2026-11-30"));
    CHECK(s.state("soon_note")->relevant);
  }
  SECTION("required questions left empty") {
    for (const char* q : {"visit_date", "child_seen", "any_concerns", "home_address", "next_visit_date", "declaration"}) {
      auto fresh = statutory_visit_filled();
      answer(fresh, q, Value{});
      INFO(q);
      CHECK(submit_problem(fresh, q) == kDefaultRequiredMessage);
    }
  }
}

namespace {

FormSession reablement_filled() {
  auto s = start(demo_form("reablement_review"));
  answer(s, "review_date", std::string("2026-11-24"));
  answer(s, "plan_week", std::string("3"));
  answer(s, "goal_areas", std::string("mobility meals"));
  answer(s, "progress_mobility", std::string("achieved"));
  answer(s, "walk_distance_m", 120.5);
  answer(s, "progress_meals", std::string("some"));
  REQUIRE(s.add_repeat("tasks").ok());
  answer(s, "tasks[1]/task_title", std::string("Make breakfast"));
  answer(s, "tasks[1]/task_minutes", 20.0);
  answer(s, "tasks[1]/task_independent", std::string("no"));
  answer(s, "tasks[1]/task_support", std::string("Prompting with the kettle"));
  answer(s, "outcome", std::string("continue"));
  return s;
}

}  // namespace

TEST_CASE("reablement review: goals with progress and a list of care tasks are accepted", "[forms][demo]") {
  auto s = reablement_filled();
  CHECK(s.state("goals_total")->value == Value(2.0));
  CHECK(s.state("goals_achieved")->value == Value(1.0));
  CHECK_FALSE(s.state("progress_personal_care")->relevant);
  REQUIRE(s.add_repeat("tasks").ok());
  answer(s, "tasks[2]/task_title", std::string("Evening meal"));
  answer(s, "tasks[2]/task_minutes", 40.0);
  answer(s, "tasks[2]/task_independent", std::string("yes"));
  CHECK(s.state("task_minutes_total")->value == Value(60.0));
  Submission sub = submit_ok(s);
  REQUIRE(sub.answers["tasks"].size() == 2);
  CHECK(sub.answers["tasks"][0]["task_frequency"] == "daily");  // the default
  CHECK(sub.answers["tasks"][1] == json{{"task_title", "Evening meal"}, {"task_frequency", "daily"},
                                        {"task_minutes", 40}, {"task_independent", "yes"}});
  CHECK(sub.answers["walk_distance_m"] == 120.5);
  CHECK(sub.answers["task_count"] == "2");
}

TEST_CASE("reablement review: each rule gives its message", "[forms][demo]") {
  auto s = reablement_filled();
  SECTION("ending as independent before every goal is achieved") {
    answer(s, "outcome", std::string("end_independent"));
    CHECK(submit_problem(s, "outcome") == "Reablement can end as independent only when every goal is achieved.");
    answer(s, "progress_meals", std::string("achieved"));
    submit_ok(s);
  }
  SECTION("no care tasks") {
    REQUIRE(s.remove_repeat("tasks", 1).ok());
    CHECK(submit_problem(s, "task_count") == "Add at least one care task.");
  }
  SECTION("too many goals") {
    answer(s, "goal_areas", std::string("mobility meals medication personal_care"));
    CHECK(submit_problem(s, "goal_areas") == "Choose at most three goals.");
  }
  SECTION("a task too long") {
    answer(s, "tasks[1]/task_minutes", 300.0);
    CHECK(submit_problem(s, "tasks[1]/task_minutes") == "A task takes between 5 and 240 minutes.");
  }
  SECTION("a walking distance out of range") {
    answer(s, "walk_distance_m", 6000.0);
    CHECK(submit_problem(s, "walk_distance_m") == "Enter a distance between 0 and 5000 metres.");
  }
  SECTION("a referral needs its reason") {
    answer(s, "outcome", std::string("refer_long_term"));
    CHECK(submit_problem(s, "referral_reason") == kDefaultRequiredMessage);
  }
  SECTION("progress is required for each chosen goal") {
    answer(s, "goal_areas", std::string("mobility meals medication"));
    CHECK(submit_problem(s, "progress_medication") == kDefaultRequiredMessage);
  }
  SECTION("a review in the future") {
    answer(s, "review_date", std::string("2026-12-01"));
    CHECK(submit_problem(s, "review_date") == "The review date cannot be in the future.");
  }
}

namespace {

FormSession warden_filled() {
  auto s = start(demo_form("warden_inspection"));
  answer(s, "category", std::string("environment"));
  answer(s, "subcategory", std::string("fly_tipping"));
  answer(s, "description", std::string("Mattress and six black bags by the bins."));
  answer(s, "bag_count", 7.0);
  answer(s, "hazardous", std::string("no"));
  answer(s, "location", std::string("51.5072 -0.1276 11 4.5"));
  answer(s, "street_address", std::string("Rear of 12 Canal St"));
  answer(s, "photo_1", std::string("sha256:3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b image/jpeg 48213"));
  answer(s, "observed_at", std::string("2026-11-25T09:40:00Z"));
  return s;
}

}  // namespace

TEST_CASE("warden inspection: a report with category, place and photo is accepted", "[forms][demo]") {
  auto s = warden_filled();
  CHECK(s.state("priority")->value == Value(std::string("medium")));  // default
  CHECK(s.state("team")->read_only);
  CHECK(s.state("response_days")->value == Value(10.0));
  CHECK(s.state("photo_2")->relevant);
  Submission sub = submit_ok(s);
  CHECK(sub.answers["location"] == "51.5072 -0.1276 11 4.5");
  CHECK(sub.answers["bag_count"] == 7);
  CHECK(sub.answers["team"] == "Neighbourhood wardens");
  CHECK(sub.save_to.empty());
}

TEST_CASE("warden inspection: the category filters the kinds of issue offered", "[forms][demo]") {
  auto s = start(demo_form("warden_inspection"));
  answer(s, "category", std::string("highways"));
  auto offered = s.choices("subcategory");
  REQUIRE(offered.ok());
  std::vector<std::string> names;
  for (const auto* c : *offered) names.push_back(c->name);
  CHECK(names == std::vector<std::string>{"pothole", "street_light", "blocked_drain"});
  CHECK_FALSE(s.answer("subcategory", std::string("graffiti")).ok());
  answer(s, "subcategory", std::string("pothole"));
  CHECK_FALSE(s.state("bag_count")->relevant);
  CHECK_FALSE(s.state("photo_1")->required);
}

TEST_CASE("warden inspection: each rule gives its message", "[forms][demo]") {
  auto s = warden_filled();
  SECTION("hazardous waste must be urgent") {
    answer(s, "hazardous", std::string("yes"));
    CHECK(s.state("hazard_note")->relevant);
    CHECK(submit_problem(s, "priority") == "Hazardous waste is always urgent.");
    answer(s, "priority", std::string("urgent"));
    CHECK(s.state("response_days")->value == Value(1.0));
    submit_ok(s);
  }
  SECTION("fly-tipping needs a photo") {
    answer(s, "photo_1", Value{});
    CHECK_FALSE(s.state("photo_2")->relevant);
    CHECK(submit_problem(s, "photo_1") == "A photo is needed for fly-tipping and graffiti.");
  }
  SECTION("a bag count out of range") {
    answer(s, "bag_count", 0.0);
    CHECK(submit_problem(s, "bag_count") == "Enter between 1 and 500.");
  }
  SECTION("seen in the future") {
    answer(s, "observed_at", std::string("2026-11-25T11:00:00Z"));
    CHECK(submit_problem(s, "observed_at") == "The time seen cannot be in the future.");
  }
  SECTION("no location") {
    answer(s, "location", Value{});
    CHECK(submit_problem(s, "location") == kDefaultRequiredMessage);
  }
  SECTION("changing the category leaves a kind of issue that no longer fits") {
    answer(s, "category", std::string("housing"));
    CHECK(submit_problem(s, "subcategory") == "'fly_tipping' is not one of the options for the answers given.");
  }
}

TEST_CASE("warden inspection as XLSForm CSV sheets loads to the same form as the JSON", "[forms][demo][csv]") {
  auto csv = load_xlsform_dir(demo_forms_dir() / "xlsform" / "warden_inspection");
  auto from_csv = must_load(csv);
  auto from_json = demo_form("warden_inspection");
  CHECK(definition_to_json(*from_csv) == definition_to_json(*from_json));
  // Rows follow each source: the spreadsheet has a blank row after the first group.
  CHECK(from_json->find("where")->row == 10);
  CHECK(from_csv->find("where")->row == 11);
  CHECK(from_csv->find("category")->row == from_json->find("category")->row);
  // The sheets carry a media column and a default_language Doorstep does not use.
  std::vector<std::string> ignored;
  for (const auto& w : csv.warnings) ignored.push_back(w.column);
  CHECK(ignored == std::vector<std::string>{"media::image", "default_language"});
}
