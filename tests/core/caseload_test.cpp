// Caseload: the worker's list of open cases with the next visit, an overdue flag for
// statutory visits, and a search over names, addresses and note text. Whatever a
// worker types into the search box must never fail or show the wrong family.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "doorstep/core/case_notes.h"
#include "doorstep/core/caseload.h"
#include "doorstep/core/loader.h"
#include "doorstep/core/timeline.h"
#include "temp_store.h"

using namespace doorstep;
using namespace doorstep::test;

namespace {

const char* kCaseload = R"({
  "people": [
    {"id": "p1", "name": "Dana Whitfield", "address": "14 Orchard Row", "markers": ["dog at property"]},
    {"id": "p2", "name": "Amir Okafor", "address": "3 Mill Lane"},
    {"id": "p3", "name": "Andrea Orr", "address": "22 Nearfield Road", "markers": ["lone-worker risk", "oxygen in use"]},
    {"id": "p4", "name": "Zoë Brennan", "address": "Flat 2, Église Court"},
    {"id": "p5", "name": "Closed Person", "address": "1 Shut Street"}],
  "cases": [
    {"id": "c1", "person_id": "p1", "kind": "children", "status": "open", "title": "Child in need", "visit_interval_days": 10},
    {"id": "c2", "person_id": "p2", "kind": "children", "status": "open", "visit_interval_days": 10},
    {"id": "c3", "person_id": "p3", "kind": "reablement", "status": "open"},
    {"id": "c4", "person_id": "p4", "kind": "children", "status": "open", "visit_interval_days": 28},
    {"id": "c5", "person_id": "p5", "kind": "neighbourhood", "status": "closed"}],
  "visits": [
    {"id": "v1-done", "case_id": "c1", "planned_start": "2026-11-15T10:00:00Z", "status": "completed",
     "checked_out_at": "2026-11-15T12:00:00Z"},
    {"id": "v1-next", "case_id": "c1", "planned_start": "2026-11-27T10:00:00Z"},
    {"id": "v1-later", "case_id": "c1", "planned_start": "2026-12-05T10:00:00Z"},
    {"id": "v1-cancelled", "case_id": "c1", "planned_start": "2026-11-26T10:00:00Z", "status": "cancelled"},
    {"id": "v2-done", "case_id": "c2", "planned_start": "2026-11-10T09:00:00Z", "status": "completed",
     "checked_out_at": "2026-11-10T10:00:00Z"},
    {"id": "v4-now", "case_id": "c4", "planned_start": "2026-11-25T09:00:00Z", "status": "under_way"}],
  "notes": [
    {"id": "n1", "case_id": "c2", "body": "Smoke alarm fitted in the hallway.", "visibility": "normal",
     "author": "sam", "state": "final", "written_at": "2026-11-10T10:30:00Z"},
    {"id": "n2", "case_id": "c1", "body": "Discussed school uniform grant.", "visibility": "normal",
     "author": "sam", "state": "final", "written_at": "2026-11-15T12:30:00Z"}]
})";

std::int64_t at_ms(const std::string& ts) {
  auto r = parse_timestamp(ts);
  REQUIRE(r.ok());
  return *r;
}

struct Fixture {
  TempDir tmp;
  ManualClock clock{at_ms("2026-11-25T12:00:00Z")};
  std::unique_ptr<Store> store;
  Fixture() {
    store = make_store(tmp / "alex", fast_options(&clock));
    auto r = load_json(*store, kCaseload);
    INFO((r ? "" : r.error().describe()));
    REQUIRE(r.ok());
  }
};

std::vector<std::string> case_ids(Caseload& c, const std::string& search) {
  auto r = c.list(search);
  INFO("search \"" << search << "\": " << (r ? "" : r.error().describe()));
  REQUIRE(r.ok());
  std::vector<std::string> out;
  for (const auto& e : *r) out.push_back(e.case_id);
  return out;
}

const CaseloadEntry& entry(const std::vector<CaseloadEntry>& all, const std::string& case_id) {
  for (const auto& e : all)
    if (e.case_id == case_id) return e;
  FAIL("case " << case_id << " is missing from the caseload");
  throw;  // unreachable
}

using Ids = std::vector<std::string>;

}  // namespace

TEST_CASE("the caseload lists every open case by person name, without closed ones", "[caseload]") {
  Fixture f;
  Caseload caseload(*f.store);
  auto all = caseload.list();
  REQUIRE(all.ok());
  INFO("an open case missing from the list is a family nobody visits");
  CHECK(case_ids(caseload, "") == Ids{"c2", "c3", "c1", "c4"});  // Amir, Andrea, Dana, Zoë

  const auto& dana = entry(*all, "c1");
  CHECK(dana.person_id == "p1");
  CHECK(dana.person_name == "Dana Whitfield");
  CHECK(dana.kind == "children");
  CHECK(dana.status == "open");
  CHECK(dana.title == "Child in need");
  CHECK(dana.markers == std::vector<std::string>{"dog at property"});
  CHECK(entry(*all, "c3").markers == std::vector<std::string>{"lone-worker risk", "oxygen in use"});
  CHECK(entry(*all, "c2").markers.empty());

  auto limited = caseload.list("", 2);
  REQUIRE(limited.ok());
  CHECK(limited->size() == 2);
}

TEST_CASE("next visit and the statutory-visit overdue flag", "[caseload]") {
  Fixture f;
  Caseload caseload(*f.store);
  auto all = caseload.list();
  REQUIRE(all.ok());

  const auto& dana = entry(*all, "c1");
  INFO("next visit: the earliest planned visit, not a cancelled or completed one");
  REQUIRE(dana.next_visit.has_value());
  CHECK(*dana.next_visit == "2026-11-27T10:00:00.000Z");
  REQUIRE(dana.last_visit.has_value());
  CHECK(*dana.last_visit == "2026-11-15T12:00:00.000Z");
  CHECK_FALSE(dana.visit_overdue);  // exactly 10 days: due, not yet overdue

  const auto& amir = entry(*all, "c2");
  CHECK_FALSE(amir.next_visit.has_value());
  REQUIRE(amir.last_visit.has_value());
  INFO("a statutory visit 15 days ago on a 10-day interval must show as overdue");
  CHECK(amir.visit_overdue);

  const auto& andrea = entry(*all, "c3");
  CHECK_FALSE(andrea.next_visit.has_value());
  CHECK_FALSE(andrea.last_visit.has_value());
  CHECK_FALSE(andrea.visit_overdue);  // no statutory interval

  const auto& zoe = entry(*all, "c4");
  REQUIRE(zoe.next_visit.has_value());
  CHECK(*zoe.next_visit == "2026-11-25T09:00:00.000Z");  // under way counts as not yet done
  CHECK_FALSE(zoe.last_visit.has_value());
  INFO("a case with a statutory interval and no recorded visit is overdue");
  CHECK(zoe.visit_overdue);

  f.clock.advance(1);  // one millisecond past Dana's 10 days
  auto later = caseload.list();
  REQUIRE(later.ok());
  CHECK(entry(*later, "c1").visit_overdue);
}

TEST_CASE("search matches word prefixes in names, addresses and notes, ignoring case", "[caseload]") {
  Fixture f;
  Caseload caseload(*f.store);
  struct Expect {
    const char* search;
    Ids cases;
  };
  const Expect expected[] = {
      {"dana", {"c1"}},
      {"DAN", {"c1"}},
      {"whit", {"c1"}},
      {"Whitfield Dana", {"c1"}},
      {"orchard", {"c1"}},
      {"orch row", {"c1"}},
      {"14", {"c1"}},
      {"mill", {"c2"}},
      {"smoke", {"c2"}},
      {"SMO ALA", {"c2"}},
      {"hallway", {"c2"}},
      {"uniform", {"c1"}},
      {"okafor", {"c2"}},
      {"zoe", {"c4"}},
      {"Zoë", {"c4"}},
      {"eglise", {"c4"}},
      {"ÉGLISE", {"c4"}},
      {"dana amir", {}},
      {"itfield", {}},   // a prefix, not a substring
      {"closed", {}},    // closed cases never show
      {"nobody", {}},
  };
  for (const auto& e : expected) {
    INFO("search \"" << e.search << "\"");
    CHECK(case_ids(caseload, e.search) == e.cases);
  }

  SECTION("a note written now is found at once; a discarded draft is not") {
    REQUIRE(CaseNotes(*f.store).add({"c3", "Physio exercises demonstrated.", "", "normal"}).ok());
    CHECK(case_ids(caseload, "physio") == Ids{"c3"});
    auto d = CaseNotes(*f.store).save_draft({"c4", "Trampoline in garden.", "", "normal"});
    REQUIRE(d.ok());
    CHECK(case_ids(caseload, "trampoline") == Ids{"c4"});
    REQUIRE(CaseNotes(*f.store).discard_draft(d->id).ok());
    CHECK(case_ids(caseload, "trampoline").empty());
  }
}

TEST_CASE("hostile search text is never interpreted and never shows the wrong case", "[caseload]") {
  Fixture f;
  Caseload caseload(*f.store);
  struct Expect {
    std::string search;
    Ids cases;
  };
  // A search with no words in it (only punctuation) lists the whole caseload, as an
  // empty search does: it narrows nothing, and it is never read as an operator.
  const Ids all{"c2", "c3", "c1", "c4"};
  const Expect expected[] = {
      {"\"", all},
      {"\"\"\"", all},
      {"\"dana", {"c1"}},
      {"\"dana whitfield\"", {"c1"}},
      {"NEAR", {"c3"}},          // the word "near", a prefix of Nearfield: not an operator
      {"near", {"c3"}},
      {"NEAR/3", {}},
      {"dana NEAR whitfield", {}},
      {"AND OR", {"c3"}},        // Andrea Orr: plain words, not operators
      {"dana OR amir", {}},      // OR is a word: every word must match
      {"NOT dana", {}},
      {"dana AND", {}},
      {"dana -whitfield", {"c1"}},  // no exclusion operator
      {"*", all},
      {"***", all},
      {"d*", {"c1"}},
      {"'; DROP", {}},
      {"'; DROP TABLE case_file; --", {}},
      {"dana'); DROP TABLE person; --", {}},
      {"(dana", {"c1"}},
      {"dana)", {"c1"}},
      {"^dana", {"c1"}},
      {"name:amir", {}},         // not a column filter
      {"amir:", {"c2"}},
      {"%", all},
      {"_", all},
      {"\\", all},
      {std::string(1000, 'a'), {}},
      {"dana\t\nwhit", {"c1"}},
  };
  for (const auto& e : expected) {
    INFO("search \"" << e.search << "\": must not fail, and must show only the matching family");
    CHECK(case_ids(caseload, e.search) == e.cases);
  }
  // The tables are intact after all of that.
  CHECK(case_ids(caseload, "") == Ids{"c2", "c3", "c1", "c4"});
  auto ic = f.store->integrity_check();
  REQUIRE(ic.ok());
  CHECK(*ic == "ok");
}

TEST_CASE("non-ASCII punctuation in a search never fails", "[caseload]") {
  Fixture f;
  Caseload caseload(*f.store);
  // Bytes >= 0x80 count as letters in fts_query, so punctuation outside ASCII reaches FTS4.
  for (const char* search :
       {"\xe2\x80\x94", "\xe2\x80\x9c" "Dana" "\xe2\x80\x9d", "Dana\xe2\x80\x94Whitfield", "\xc2\xab", "\xe2\x80\xa6",
        "dana \xe2\x80\x94", "\xef\xbc\x8a"}) {
    INFO("search \"" << search << "\" (typed on a phone keyboard)");
    auto r = caseload.list(search);
    INFO((r ? "" : r.error().describe()));
    REQUIRE(r.ok());
    for (const auto& e : *r) CHECK(e.case_id == "c1");
  }
}

TEST_CASE("a search that is not valid UTF-8 is a clear error", "[caseload]") {
  Fixture f;
  Caseload caseload(*f.store);
  for (const std::string& bad : {std::string("dana\xff"), std::string("\xc3"), std::string("a\0b", 3),
                                std::string("\xed\xa0\x80")}) {
    auto r = caseload.list(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::invalid_argument);
  }
}

TEST_CASE("fts_query turns text into prefix terms and drops operators", "[caseload]") {
  CHECK(fts_query("") == "");
  CHECK(fts_query("dana") == "dana*");
  CHECK(fts_query("Dana Whitfield") == "Dana* Whitfield*");
  CHECK(fts_query("\"dana\" -x (y)") == "dana* x* y*");
  CHECK(fts_query("AND OR NOT NEAR NEAR/3") == "and* or* not* near* near* 3*");
  CHECK(fts_query("*^:'\"") == "");
}


namespace {

Record note_record(const std::string& id, const std::string& case_id, const std::string& body) {
  return Record{"case_note", id, 1, "", false,
                {{"case_id", case_id}, {"body", body}, {"visibility", "normal"}, {"author", "sam"},
                 {"state", "final"}, {"written_at", "2026-11-20T10:00:00.000Z"}}};
}

bool on_timeline(Store& store, const std::string& person_id, const std::string& note_id) {
  auto page = Timeline(store).page(person_id, "", 200);
  if (!page && page.error().code == ErrorCode::not_found) return false;  // the person left with the case
  REQUIRE(page.ok());
  for (const auto& e : page->entries)
    if (e.id == note_id) return true;
  return false;
}

}  // namespace

// Search and the timeline are indexed once per write, not per row (derived_index.cpp):
// these are the cases where a row could slip past that catch-up.
TEST_CASE("a note is searchable and on the timeline however it arrived", "[caseload][index]") {
  Fixture f;
  Caseload caseload(*f.store);

  INFO("a note written and then corrected in the same transaction is found by its final words only");
  REQUIRE(f.store->write([](Writer& w) -> Status {
    DOORSTEP_TRY(w.put_base(note_record("n-edit", "c1", "first draft mentions pelican")));
    return w.put_base(note_record("n-edit", "c1", "corrected text mentions walrus"));
  }).ok());
  CHECK(case_ids(caseload, "walrus") == Ids{"c1"});
  CHECK(case_ids(caseload, "pelican").empty());
  CHECK(on_timeline(*f.store, "p1", "n-edit"));

  INFO("the newest notes leave with a purged case; a note written next reuses their row numbers");
  REQUIRE(f.store->write([](Writer& w) -> Status { return w.put_base(note_record("n-gone", "c2", "heron")); }).ok());
  REQUIRE(f.store->write([](Writer& w) -> Status { auto r = w.purge_case("c2");
    return r ? Status{} : Status{r.error()}; }).ok());
  CHECK(case_ids(caseload, "heron").empty());
  REQUIRE(f.store->write([](Writer& w) -> Status { return w.put_base(note_record("n-after", "c3", "kingfisher")); }).ok());
  CHECK(case_ids(caseload, "kingfisher") == Ids{"c3"});
  CHECK(on_timeline(*f.store, "p3", "n-after"));

  INFO("a note deleted before it was indexed leaves nothing behind");
  REQUIRE(f.store->write([](Writer& w) -> Status {
    DOORSTEP_TRY(w.put_base(note_record("n-brief", "c4", "osprey")));
    auto r = w.purge_case("c4");
    return r ? Status{} : Status{r.error()};
  }).ok());
  CHECK(case_ids(caseload, "osprey").empty());
  CHECK_FALSE(on_timeline(*f.store, "p4", "n-brief"));
}
