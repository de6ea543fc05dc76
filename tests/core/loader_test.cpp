// load_json: office data (people, cases, visits, tasks, notes) loaded as server state.
// A file is all or nothing: one bad record loads nothing, and the error names the
// list, the element and the field so the office can fix the file. Loaded records are
// the server's, so nothing is queued to be sent back.
#include <catch2/catch.hpp>

#include <string>

#include "doorstep/core/loader.h"
#include "doorstep/core/store.h"
#include "temp_store.h"

using namespace doorstep;
using namespace doorstep::test;

namespace {

const char* kGood = R"({
  "people": [
    {"id": "p1", "name": "Dana Whitfield", "date_of_birth": "2015-03-02", "address": "14 Orchard Row",
     "phone": "07700 900123", "markers": ["dog at property", "lone-worker risk"]},
    {"id": "p2", "rev": 5, "name": "Amir Okafor"}],
  "cases": [
    {"id": "c1", "person_id": "p1", "kind": "children", "title": "Child in need", "status": "open",
     "team": "north", "worker": "alex", "visit_interval_days": 10, "opened_at": "2026-01-05T09:00:00+00:00"},
    {"id": "c2", "person_id": "p2", "kind": "reablement"}],
  "visits": [
    {"id": "v1", "case_id": "c1", "planned_start": "2026-11-25T10:00:00+01:00", "purpose": "statutory visit"}],
  "tasks": [
    {"id": "t1", "case_id": "c2", "title": "Help with breakfast", "schedule": "daily 08:00"}],
  "notes": [
    {"id": "n1", "case_id": "c1", "body": "Referral received.", "visibility": "normal", "author": "sam",
     "state": "final", "written_at": "2026-01-05T09:30:00Z"}]
})";

std::size_t count(Store& s, const std::string& type) {
  auto r = s.list(type, "", "", 100000);
  REQUIRE(r.ok());
  return r->size();
}

struct Counts {
  std::size_t people, cases, visits, tasks, notes, outbox, audit;
};
Counts counts(Store& s) {
  return {count(s, "person"), count(s, "case"), count(s, "visit"), count(s, "task"),
          count(s, "case_note"), s.outbox()->size(), count(s, "audit_event")};
}

Record get(Store& s, const std::string& type, const std::string& id) {
  auto r = s.get(type, id);
  REQUIRE(r.ok());
  INFO(type << " " << id << " was not loaded");
  REQUIRE(r->has_value());
  return **r;
}

}  // namespace

TEST_CASE("a valid file loads every record as server state", "[loader]") {
  TempDir tmp;
  auto store = make_store(tmp / "alex");
  auto r = load_json(*store, kGood);
  INFO((r ? "" : r.error().describe()));
  REQUIRE(r.ok());
  CHECK(r->people == 2);
  CHECK(r->cases == 2);
  CHECK(r->visits == 1);
  CHECK(r->tasks == 1);
  CHECK(r->notes == 1);

  const Record dana = get(*store, "person", "p1");
  CHECK(dana.text("name") == "Dana Whitfield");
  CHECK(dana.text("date_of_birth") == "2015-03-02");
  CHECK(dana.text("phone") == "07700 900123");
  CHECK(dana.text("markers") == R"(["dog at property","lone-worker risk"])");
  CHECK(dana.rev == 1);  // default revision
  CHECK_FALSE(dana.hlc.empty());
  CHECK_FALSE(dana.deleted);
  CHECK(get(*store, "person", "p2").rev == 5);
  CHECK(get(*store, "person", "p2").text("markers") == "[]");

  const Record c1 = get(*store, "case", "c1");
  CHECK(c1.integer("visit_interval_days") == 10);
  CHECK(c1.text("opened_at") == "2026-01-05T09:00:00.000Z");  // normalised
  CHECK(get(*store, "case", "c2").text("status") == "open");   // default status

  const Record v1 = get(*store, "visit", "v1");
  CHECK(v1.text("status") == "planned");
  CHECK(v1.text("planned_start") == "2026-11-25T09:00:00.000Z");
  CHECK(get(*store, "case_note", "n1").text("written_at") == "2026-01-05T09:30:00.000Z");

  INFO("loaded office data queued in the outbox would be echoed back to the server as the worker's changes");
  CHECK(store->outbox()->empty());
  auto info = store->info();
  REQUIRE(info.ok());
  CHECK(info->pending_operations == 0);
  auto audit = store->list("audit_event", "action", "loaded");
  REQUIRE(audit.ok());
  CHECK(audit->size() == 1);

  SECTION("loading the same file again updates in place") {
    auto again = load_json(*store, kGood);
    REQUIRE(again.ok());
    CHECK(count(*store, "person") == 2);
    CHECK(count(*store, "case") == 2);
    CHECK(store->outbox()->empty());
  }
  SECTION("markers may also come as already-encoded text") {
    auto m = load_json(*store, R"({"people": [{"id": "p3", "name": "Zoë", "markers": "[\"oxygen in use\"]"}]})");
    INFO((m ? "" : m.error().describe()));
    REQUIRE(m.ok());
    CHECK(get(*store, "person", "p3").text("markers") == R"(["oxygen in use"])");
  }
  SECTION("an empty object loads nothing and is fine") {
    auto e = load_json(*store, "{}");
    REQUIRE(e.ok());
    CHECK(e->people == 0);
  }
}

TEST_CASE("one bad record loads nothing and the error names it", "[loader]") {
  TempDir tmp;
  auto store = make_store(tmp / "alex");
  load_sample(*store);  // p1, c1, v1, v2, t1 already there
  const Counts before = counts(*store);

  // Each file holds good records around one bad one.
  auto file = [](const std::string& bad_case) {
    return R"({"people": [{"id": "p9", "name": "Good Person"}],
               "cases": [{"id": "c9", "person_id": "p9", "kind": "children"}, )" +
           bad_case + R"(],
               "tasks": [{"id": "t9", "case_id": "c9", "title": "Good task"}]})";
  };
  struct Bad {
    const char* what;
    std::string json;
    std::vector<std::string> mentions;  // the error message must name these
  };
  const Bad bad[] = {
      {"unknown field", file(R"({"id": "c10", "person_id": "p9", "kind": "children", "colour": "red"})"),
       {"cases[1]", "colour"}},
      {"wrong type", file(R"({"id": "c10", "person_id": "p9", "kind": "children", "visit_interval_days": "ten"})"),
       {"cases[1]", "visit_interval_days"}},
      {"decimal for a whole number",
       file(R"({"id": "c10", "person_id": "p9", "kind": "children", "visit_interval_days": 1.5})"),
       {"cases[1]", "visit_interval_days"}},
      {"missing required field", file(R"({"id": "c10", "person_id": "p9"})"), {"cases[1]", "kind"}},
      {"empty required text", file(R"({"id": "c10", "person_id": "p9", "kind": ""})"), {"cases[1]", "kind"}},
      {"missing id", file(R"({"person_id": "p9", "kind": "children"})"), {"cases[1]", "id"}},
      {"bad id", file(R"({"id": "c 10; DROP", "person_id": "p9", "kind": "children"})"), {"cases[1]", "id"}},
      {"numeric id", file(R"({"id": 10, "person_id": "p9", "kind": "children"})"), {"cases[1]", "id"}},
      {"negative rev", file(R"({"id": "c10", "rev": -1, "person_id": "p9", "kind": "children"})"), {"cases[1]", "rev"}},
      {"bad timestamp",
       file(R"({"id": "c10", "person_id": "p9", "kind": "children", "opened_at": "2026-02-30T09:00:00Z"})"),
       {"cases[1]", "opened_at"}},
      {"kind not allowed by the table", file(R"({"id": "c10", "person_id": "p9", "kind": "adults"})"), {"cases[1]"}},
      {"invalid UTF-8", file("{\"id\": \"c10\", \"person_id\": \"p9\", \"kind\": \"children\", \"title\": \"\xff\"}"),
       {}},
      {"element not an object", file(R"("c10")"), {"cases[1]"}},
      {"reference to a missing person", file(R"({"id": "c10", "person_id": "p-missing", "kind": "children"})"),
       {"cases[1]", "person_id"}},
      {"unknown list", R"({"people": [{"id": "p9", "name": "Good"}], "pets": []})", {"pets"}},
      {"list not a list", R"({"people": {"id": "p9", "name": "Good"}})", {"people"}},
      {"not JSON", R"({"people": [)", {}},
      {"not an object", R"([{"id": "p9"}])", {}},
  };
  for (const auto& b : bad) {
    INFO(b.what << ": a bad file must load nothing and say which record is wrong");
    auto r = load_json(*store, b.json);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::invalid_argument);
    INFO(r.error().describe());
    for (const auto& m : b.mentions) CHECK(r.error().message.find(m) != std::string::npos);
    const Counts after = counts(*store);
    CHECK(after.people == before.people);
    CHECK(after.cases == before.cases);
    CHECK(after.tasks == before.tasks);
    CHECK(after.outbox == before.outbox);
    CHECK(after.audit == before.audit);
    CHECK_FALSE(store->get("person", "p9")->has_value());
  }
  auto ic = store->integrity_check();
  REQUIRE(ic.ok());
  CHECK(*ic == "ok");
}

TEST_CASE("references to records in the file or already in the store both load", "[loader]") {
  TempDir tmp;
  auto store = make_store(tmp / "alex");
  load_sample(*store);
  auto r = load_json(*store, R"({"visits": [{"id": "v9", "case_id": "c1", "planned_start": "2026-12-01"}],
                                 "notes": [{"id": "n9", "case_id": "c1", "body": "Loaded later.",
                                            "visibility": "normal", "author": "sam", "state": "final",
                                            "written_at": "2026-12-01T10:00:00Z"}]})");
  INFO((r ? "" : r.error().describe()));
  REQUIRE(r.ok());
  CHECK(get(*store, "visit", "v9").text("case_id") == "c1");
  CHECK(store->outbox()->empty());

  SECTION("a visit on a case that is nowhere is refused and named") {
    auto bad = load_json(*store, R"({"visits": [{"id": "v10", "case_id": "c1", "planned_start": "2026-12-01"},
                                                {"id": "v11", "case_id": "c-gone", "planned_start": "2026-12-01"}]})");
    REQUIRE_FALSE(bad.ok());
    INFO(bad.error().describe());
    CHECK(bad.error().message.find("visits[1]") != std::string::npos);
    CHECK(bad.error().message.find("case_id") != std::string::npos);
    CHECK_FALSE(store->get("visit", "v10")->has_value());
  }
}
