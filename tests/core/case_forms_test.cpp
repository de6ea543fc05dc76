// Forms on the device: a worker fills in the statutory visit form about a case, in a
// draft that survives the app closing, and submits it. Submitting must be one
// transaction (the submission, what it saves into the person's record, their outbox
// operations, the draft gone) or nothing at all; a form with problems changes nothing;
// and a draft started on one version is finished on it after a newer one arrives.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "doorstep/core/case_forms.h"
#include "doorstep/core/forms/form_records.h"
#include "doorstep/core/loader.h"
#include "doorstep/core/timeline.h"
#include "temp_store.h"

using namespace doorstep;
using namespace doorstep::test;
using nlohmann::json;

namespace {

std::int64_t ms(const std::string& ts) {
  auto r = parse_timestamp(ts);
  REQUIRE(r.ok());
  return *r;
}

json demo_form(const std::string& name) {
  std::ifstream in(std::string(DOORSTEP_FORMS_DIR) + "/" + name + ".json");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

void load_forms(Store& s, const json& forms) {
  auto r = load_json(s, json{{"forms", forms}}.dump());
  INFO((r.ok() ? std::string() : r.error().describe()));
  REQUIRE(r.ok());
}

// The statutory visit, filled in completely and correctly on 2026-11-25.
const json kGoodVisit = {{"visit_date", "2026-11-25"},     {"child_seen", "yes"},
                         {"seen_alone", "yes"},            {"bedroom_seen", "yes"},
                         {"any_concerns", "no"},           {"visit_minutes", 45},
                         {"home_address", "3 Kiln Yard, Eastmarsh"},
                         {"family_phone", "01632 960123"}, {"next_visit_date", "2026-12-01"},
                         {"declaration", true}};

struct Fixture {
  TempDir tmp;
  ManualClock clock{ms("2026-11-25T10:00:00Z")};
  std::unique_ptr<Store> store = make_store(tmp / "alex", fast_options(&clock));
  Fixture() {
    load_sample(*store);  // p1 Dana Whitfield (14 Orchard Row), case c1
    load_forms(*store, json::array({demo_form("statutory_visit_child")}));
  }
  void reopen() {
    store.reset();
    store = open_store(tmp / "alex", fast_options(&clock));
  }
  Record get(const std::string& type, const std::string& id) {
    auto r = store->get(type, id);
    REQUIRE(r.ok());
    REQUIRE(r->has_value());
    return **r;
  }
  std::vector<OutboxOperation> outbox() {
    auto o = store->outbox();
    REQUIRE(o.ok());
    return *o;
  }
};

OpenForm started(CaseForms& forms, const std::string& case_id, const std::string& form_id) {
  auto f = forms.start(case_id, form_id);
  INFO((f.ok() ? std::string() : f.error().describe()));
  REQUIRE(f.ok());
  return std::move(*f);
}

void fill(OpenForm& f, const json& answers) {
  auto st = fill_answers(f.session, answers);
  INFO((st.ok() ? std::string() : st.error().describe()));
  REQUIRE(st.ok());
}

}  // namespace

TEST_CASE("the forms a worker can start are the latest version of each, prefilled from the person", "[forms]") {
  Fixture f;
  CaseForms forms(*f.store);
  auto list = forms.available();
  REQUIRE(list.ok());
  REQUIRE(list->size() == 1);
  CHECK((*list)[0].form_id == "statutory_visit_child");
  CHECK((*list)[0].version == 1);
  CHECK((*list)[0].title == "Statutory visit (child)");

  auto open = started(forms, "c1", "statutory_visit_child");
  // Data captured once: the person's address is already in the form.
  CHECK(open.session.state("home_address")->value == forms::Value(std::string("14 Orchard Row")));
  CHECK(open.draft.case_id == "c1");
  CHECK(open.draft.version == 1);
  // Starting a form queues nothing: a draft never leaves the device.
  CHECK(f.outbox().empty());
  CHECK(f.store->info()->drafts == 1);

  CHECK(forms.start("no-such-case", "statutory_visit_child").error().code == ErrorCode::not_found);
  CHECK(forms.start("c1", "no_such_form").error().code == ErrorCode::not_found);
}

TEST_CASE("submitting writes the submission, the save_to edits and their outbox operations together", "[forms]") {
  Fixture f;
  CaseForms forms(*f.store);
  auto open = started(forms, "c1", "statutory_visit_child");
  fill(open, kGoodVisit);
  auto out = forms.submit(open.draft.id, open.session);
  REQUIRE(out.ok());
  INFO(forms::describe_problems(out->problems));
  REQUIRE(out->ok());

  const Record sub = *out->submission;
  CHECK(sub.text("case_id") == "c1");
  CHECK(sub.text("form_id") == "statutory_visit_child");
  CHECK(sub.integer("form_version") == 1);
  CHECK(sub.text("submitted_by") == "alex");
  CHECK(sub.text("submitted_at") == "2026-11-25T10:00:00.000Z");
  auto answers = json::parse(sub.text("answers"));
  CHECK(answers["visit_minutes"] == 45);
  CHECK(answers["declaration"] == "OK");

  // What the worker wrote reached the person's record, as an ordinary edit.
  const Record person = f.get("person", "p1");
  CHECK(person.text("address") == "3 Kiln Yard, Eastmarsh");
  CHECK(person.text("phone") == "01632 960123");
  REQUIRE(out->saved_to.size() == 1);
  CHECK(out->saved_to[0].id == "p1");

  // Two operations: the submission (created whole) and the person's changed fields only.
  auto ops = f.outbox();
  REQUIRE(ops.size() == 2);
  CHECK(ops[0].record_type == "form_submission");
  CHECK(ops[0].action == "create");
  CHECK(ops[1].record_type == "person");
  CHECK(ops[1].action == "update");
  CHECK(ops[1].base_rev == 1);
  CHECK(json::parse(ops[1].fields) == json{{"address", "3 Kiln Yard, Eastmarsh"}, {"phone", "01632 960123"}});

  // The draft is gone; the person's timeline shows the form.
  CHECK(forms.drafts()->empty());
  CHECK(f.store->info()->drafts == 0);
  auto page = Timeline(*f.store).page("p1");
  REQUIRE(page.ok());
  bool shown = false;
  for (const auto& e : page->entries)
    if (e.kind == "form" && e.id == sub.id) {
      shown = true;
      CHECK(e.summary == "Statutory visit (child) (version 1)");
      CHECK(e.at == "2026-11-25T10:00:00.000Z");
    }
  CHECK(shown);
  auto listed = forms.submissions("c1");
  REQUIRE(listed.ok());
  CHECK(listed->size() == 1);
}

TEST_CASE("a form with problems is refused with every problem and changes nothing", "[forms]") {
  Fixture f;
  CaseForms forms(*f.store);
  auto open = started(forms, "c1", "statutory_visit_child");
  json bad = kGoodVisit;
  bad["visit_date"] = "2026-12-25";  // in the future
  bad.erase("declaration");           // required
  fill(open, bad);
  REQUIRE(forms.save(open.draft.id, open.session).ok());
  const Record draft_before = f.get("form_draft", open.draft.id);

  auto out = forms.submit(open.draft.id, open.session);
  REQUIRE(out.ok());
  CHECK_FALSE(out->ok());
  REQUIRE(out->problems.size() == 2);
  CHECK(out->problems[0].path == "visit_date");
  CHECK(out->problems[0].message == "The visit date cannot be in the future.");
  CHECK(out->problems[1].path == "declaration");

  CHECK(f.outbox().empty());
  CHECK(f.store->list("form_submission")->empty());
  CHECK(f.get("person", "p1").text("address") == "14 Orchard Row");
  CHECK(f.get("form_draft", open.draft.id).fields == draft_before.fields);

  // A wrong answer type is refused when answering, naming the question.
  auto refused = fill_answers(open.session, json{{"visit_minutes", "forty"}});
  CHECK_FALSE(refused.ok());
  CHECK(refused.error().message.rfind("visit_minutes: ", 0) == 0);
}

TEST_CASE("a draft survives closing and reopening the store, answers and all", "[forms]") {
  Fixture f;
  std::string draft_id;
  {
    CaseForms forms(*f.store);
    auto open = started(forms, "c1", "statutory_visit_child");
    fill(open, {{"visit_date", "2026-11-25"}, {"child_seen", "no"}, {"not_seen_reason", "Child at grandmother's"}});
    REQUIRE(forms.save(open.draft.id, open.session).ok());
    draft_id = open.draft.id;
  }
  f.reopen();
  CaseForms forms(*f.store);
  auto drafts = forms.drafts();
  REQUIRE(drafts.ok());
  REQUIRE(drafts->size() == 1);
  CHECK((*drafts)[0].id == draft_id);
  CHECK((*drafts)[0].case_id == "c1");
  CHECK((*drafts)[0].title == "Statutory visit (child)");
  CHECK(forms.drafts("c1")->size() == 1);
  CHECK(forms.drafts("c2")->empty());

  auto resumed = forms.resume(draft_id);
  REQUIRE(resumed.ok());
  CHECK(resumed->session.state("not_seen_reason")->value == forms::Value(std::string("Child at grandmother's")));
  CHECK_FALSE(resumed->session.state("seen_alone")->relevant);
  CHECK(resumed->session.state("home_address")->value == forms::Value(std::string("14 Orchard Row")));

  REQUIRE(forms.discard(draft_id).ok());
  CHECK(forms.drafts()->empty());
  CHECK(forms.resume(draft_id).error().code == ErrorCode::not_found);
}

TEST_CASE("a draft started on version 1 is finished and submitted as version 1 after version 2 arrives", "[forms]") {
  Fixture f;
  CaseForms forms(*f.store);
  auto open = started(forms, "c1", "statutory_visit_child");
  fill(open, kGoodVisit);
  REQUIRE(forms.save(open.draft.id, open.session).ok());

  // Version 2 asks one more required question.
  json v2 = demo_form("statutory_visit_child");
  v2["settings"]["version"] = 2;
  v2["survey"].insert(v2["survey"].begin() + 1,
                      json{{"type", "text"}, {"name", "school"}, {"label", "Which school?"}, {"required", "yes"}});
  load_forms(*f.store, json::array({v2}));
  auto list = forms.available();
  REQUIRE(list->size() == 1);
  CHECK((*list)[0].version == 2);

  CaseForms after(*f.store);  // as after a restart: nothing cached
  auto drafts = after.drafts();
  REQUIRE(drafts->size() == 1);
  CHECK((*drafts)[0].version == 1);
  CHECK((*drafts)[0].latest_version == 2);
  auto resumed = after.resume(open.draft.id);
  REQUIRE(resumed.ok());
  CHECK(resumed->session.definition().version == 1);
  CHECK_FALSE(resumed->session.state("school").ok());  // not in version 1
  auto out = after.submit(open.draft.id, resumed->session);
  REQUIRE(out.ok());
  INFO(forms::describe_problems(out->problems));
  REQUIRE(out->ok());
  CHECK(out->submission->integer("form_version") == 1);

  // A form started now is version 2.
  auto fresh = started(after, "c1", "statutory_visit_child");
  CHECK(fresh.draft.version == 2);
  CHECK(fresh.session.state("school").ok());
  // The answers of one version cannot be saved into another's draft.
  CHECK(after.save(fresh.draft.id, resumed->session).error().code == ErrorCode::invalid_argument);
}

TEST_CASE("repeats and multiple choices are filled from JSON lists", "[forms]") {
  Fixture f;
  load_forms(*f.store, json::array({demo_form("reablement_review")}));
  CaseForms forms(*f.store);
  auto open = started(forms, "c1", "reablement_review");
  fill(open, {{"goal_areas", json::array({"mobility", "meals"})},
              {"tasks", json::array({json{{"task_title", "Walk to the shop"}, {"task_minutes", 20}},
                                     json{{"task_title", "Make lunch"}, {"task_minutes", 30}}})}});
  CHECK(open.session.state("goal_areas")->value == forms::Value(std::string("mobility meals")));
  CHECK(open.session.repeat_count("tasks") == 2);
  CHECK(open.session.state("tasks[2]/task_title")->value == forms::Value(std::string("Make lunch")));
  fill(open, {{"tasks", json::array({json{{"task_title", "Walk to the shop"}}})}});
  CHECK(open.session.repeat_count("tasks") == 1);
  CHECK_FALSE(fill_answers(open.session, json{{"tasks", "not a list"}}).ok());
}

TEST_CASE("a case leaving the caseload takes its submissions, and its unfinished forms go to the quarantine",
          "[forms]") {
  Fixture f;
  CaseForms forms(*f.store);
  auto open = started(forms, "c1", "statutory_visit_child");
  fill(open, {{"child_seen", "no"}, {"not_seen_reason", "Nobody home"}});
  REQUIRE(forms.save(open.draft.id, open.session).ok());

  auto purged = f.store->write([&](Writer& w) -> Status {
    auto r = w.purge_case("c1");
    if (!r) return r.error();
    return {};
  });
  REQUIRE(purged.ok());
  CHECK(forms.drafts()->empty());
  auto q = f.store->list("quarantine");
  REQUIRE(q->size() == 1);
  CHECK((*q)[0].text("record_type") == "form_draft");
  CHECK((*q)[0].text("reason").find("unfinished form") != std::string::npos);
  CHECK((*q)[0].text("operation").find("Nobody home") != std::string::npos);
  // The definitions stay: they belong to no case.
  CHECK(forms.available()->size() == 1);
}
