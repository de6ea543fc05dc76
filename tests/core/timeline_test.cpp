// Timeline: one person's whole history across their cases, newest first, paged. A
// worker reading it before a visit must see every entry exactly once, in order, with
// the warning markers up front; and opening it must leave a "viewed" audit event.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <string>
#include <tuple>

#include "doorstep/core/case_notes.h"
#include "doorstep/core/field_reports.h"
#include "doorstep/core/loader.h"
#include "doorstep/core/tasks.h"
#include "doorstep/core/timeline.h"
#include "doorstep/core/visits.h"
#include "temp_store.h"

using namespace doorstep;
using namespace doorstep::test;

namespace {

const char* kPeople = R"({
  "people": [
    {"id": "p1", "name": "Dana Whitfield", "markers": ["dog at property", "lone-worker risk"]},
    {"id": "p2", "name": "Amir Okafor"}],
  "cases": [
    {"id": "c1", "person_id": "p1", "kind": "children", "status": "open"},
    {"id": "c2", "person_id": "p1", "kind": "reablement", "status": "open"},
    {"id": "c3", "person_id": "p2", "kind": "children", "status": "open"}],
  "tasks": [
    {"id": "t1", "case_id": "c2", "title": "Help with breakfast"},
    {"id": "t2", "case_id": "c3", "title": "Not Dana's task"}]
})";

std::int64_t at_ms(const std::string& ts) {
  auto r = parse_timestamp(ts);
  REQUIRE(r.ok());
  return *r;
}

void load(Store& s, const std::string& json) {
  auto r = load_json(s, json);
  INFO((r ? "" : r.error().describe()));
  REQUIRE(r.ok());
}

std::string note_json(const std::string& id, const std::string& case_id, const std::string& at,
                      const std::string& body) {
  return R"({"id": ")" + id + R"(", "case_id": ")" + case_id + R"(", "body": ")" + body +
         R"(", "visibility": "normal", "author": "sam", "state": "final", "written_at": ")" + at + R"("})";
}

std::string visit_json(const std::string& id, const std::string& case_id, const std::string& start) {
  return R"({"id": ")" + id + R"(", "case_id": ")" + case_id + R"(", "planned_start": ")" + start +
         R"(", "purpose": "review"})";
}

std::string png_file(const std::filesystem::path& p) {
  std::ofstream out(p, std::ios::binary);
  out << std::string("\x89PNG\r\n\x1a\n", 8) << "test image";
  return p.string();
}

std::int64_t viewed(Store& s) {
  auto r = s.list("audit_event", "action", "viewed", 100000);
  REQUIRE(r.ok());
  return static_cast<std::int64_t>(
      std::count_if(r->begin(), r->end(), [](const Record& e) { return e.text("record_id") == "p1"; }));
}

using Key = std::tuple<std::string, std::string, std::string>;
Key key(const TimelineEntry& e) { return {e.at, e.kind, e.id}; }

struct Fixture {
  TempDir tmp;
  ManualClock clock{at_ms("2026-11-01T08:00:00Z")};
  std::unique_ptr<Store> store;
  Fixture() {
    store = make_store(tmp / "alex", fast_options(&clock));
    load(*store, kPeople);
  }
};

}  // namespace

TEST_CASE("the timeline lists every kind of entry newest first, with the markers", "[timeline]") {
  Fixture f;
  Store& s = *f.store;
  load(s, std::string(R"({"notes": [)") + note_json("n-old", "c1", "2026-11-02T09:00:00Z", "First contact.") + "," +
              note_json("n-other", "c3", "2026-11-29T09:00:00Z", "Amir only.") + R"(], "visits": [)" +
              visit_json("v-planned", "c1", "2026-11-20T10:00:00Z") + "," +
              visit_json("v-checked", "c2", "2026-11-10T10:00:00Z") + "," +
              visit_json("v-other", "c3", "2026-11-28T10:00:00Z") + "]}");

  f.clock.set(at_ms("2026-11-22T07:30:00Z"));
  auto done = Tasks(s).complete("t1", "Ate well.");
  REQUIRE(done.ok());
  REQUIRE(Tasks(s).complete("t2").ok());  // another person's: must not appear

  f.clock.set(at_ms("2026-11-23T12:00:00Z"));
  FieldReportInput in;
  in.category = "needle found";
  in.description = "Outside the back door.";
  in.case_id = "c2";
  in.photos = {png_file(f.tmp / "needle.png")};
  auto report = FieldReports(s).create(in);
  REQUIRE(report.ok());

  f.clock.set(at_ms("2026-11-24T16:00:00Z"));
  auto fresh = CaseNotes(s).add({"c1", std::string(200, 'w'), "", "normal"});
  REQUIRE(fresh.ok());

  VisitCheckIn ci;
  ci.at = "2026-11-26T10:00:00Z";
  ci.expected_end = "2026-11-26T11:00:00Z";
  REQUIRE(Visits(s).check_in("v-checked", ci).ok());

  auto page = Timeline(s).page("p1");
  INFO((page ? "" : page.error().describe()));
  REQUIRE(page.ok());
  CHECK(page->person.id == "p1");
  INFO("the warning markers must come with the timeline: a worker walking in unwarned is at risk");
  CHECK(page->markers == std::vector<std::string>{"dog at property", "lone-worker risk"});
  CHECK_FALSE(page->next_cursor.has_value());

  struct Expect {
    const char* kind;
    std::string id;
    const char* at;
    const char* status;
  };
  const std::vector<Expect> expected = {
      {"visit", "v-checked", "2026-11-26T10:00:00.000Z", "under_way"},
      {"note", fresh->id, "2026-11-24T16:00:00.000Z", "final"},
      {"field_report", report->report.id, "2026-11-23T12:00:00.000Z", "reported"},
      {"task_completion", done->id, "2026-11-22T07:30:00.000Z", "done"},
      {"visit", "v-planned", "2026-11-20T10:00:00.000Z", "planned"},
      {"note", "n-old", "2026-11-02T09:00:00.000Z", "final"},
  };
  std::string got;
  for (const auto& e : page->entries) got += "\n  " + e.at + " " + e.kind + " " + e.id;
  INFO("timeline:" << got);
  REQUIRE(page->entries.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& e = page->entries[i];
    INFO("entry " << i);
    CHECK(e.kind == expected[i].kind);
    CHECK(e.id == expected[i].id);
    CHECK(e.at == expected[i].at);
    CHECK(e.status == expected[i].status);
  }
  CHECK(page->entries[0].case_id == "c2");
  CHECK(page->entries[1].summary == std::string(120, 'w'));
  CHECK(page->entries[2].summary == "needle found: Outside the back door.");
  CHECK(page->entries[3].summary == "Help with breakfast: Ate well.");
  CHECK(page->entries[4].summary == "review");
}

TEST_CASE("paging 237 entries by 50 returns each exactly once, in order", "[timeline]") {
  Fixture f;
  Store& s = *f.store;
  // Many entries share a timestamp, across kinds, so pages split inside ties.
  std::vector<std::string> times;
  for (int i = 0; i < 40; ++i) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "2026-10-%02dT%02d:00:00Z", 1 + i / 2, 9 + (i % 2) * 5);
    times.push_back(buf);
  }
  std::string notes, visits;
  for (int i = 0; i < 200; ++i) {
    if (i) notes += ",";
    char id[16];
    std::snprintf(id, sizeof id, "n-%03d", i);
    notes += note_json(id, i % 3 ? "c1" : "c2", times[static_cast<std::size_t>(i % 40)], "Note " + std::to_string(i));
  }
  for (int i = 0; i < 30; ++i) {
    if (i) visits += ",";
    char id[16];
    std::snprintf(id, sizeof id, "v-%03d", i);
    visits += visit_json(id, i % 2 ? "c1" : "c2", times[static_cast<std::size_t>((i * 7) % 40)]);
  }
  load(s, R"({"notes": [)" + notes + R"(], "visits": [)" + visits + "]}");
  std::set<std::string> all_ids;
  for (int i = 0; i < 200; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "n-%03d", i);
    all_ids.insert(id);
  }
  for (int i = 0; i < 30; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "v-%03d", i);
    all_ids.insert(id);
  }
  for (int i = 0; i < 4; ++i) {
    f.clock.set(at_ms(times[static_cast<std::size_t>(i * 9)]));  // tied with notes and visits
    auto c = Tasks(s).complete("t1");
    REQUIRE(c.ok());
    all_ids.insert(c->id);
  }
  for (int i = 0; i < 3; ++i) {
    f.clock.set(at_ms(times[static_cast<std::size_t>(i * 13 + 1)]));
    FieldReportInput in;
    in.category = "graffiti";
    in.case_id = "c1";
    auto r = FieldReports(s).create(in);
    REQUIRE(r.ok());
    all_ids.insert(r->report.id);
  }
  REQUIRE(all_ids.size() == 237);

  Timeline timeline(s);
  std::vector<TimelineEntry> seen;
  std::vector<std::size_t> sizes;
  std::string cursor;
  const auto viewed_before = viewed(s);
  int pages = 0;
  for (; pages < 20; ++pages) {
    auto p = timeline.page("p1", cursor, 50);
    INFO("page " << pages << ": " << (p ? "" : p.error().describe()));
    REQUIRE(p.ok());
    sizes.push_back(p->entries.size());
    seen.insert(seen.end(), p->entries.begin(), p->entries.end());
    if (!p->next_cursor) break;
    cursor = *p->next_cursor;
  }
  ++pages;
  CHECK(sizes == std::vector<std::size_t>{50, 50, 50, 50, 37});

  std::set<std::string> ids;
  std::vector<std::string> duplicates;
  for (const auto& e : seen)
    if (!ids.insert(e.id).second) duplicates.push_back(e.id);
  INFO("an entry shown twice or never shown across pages means the worker misreads the history");
  CHECK(duplicates.empty());
  CHECK(ids == all_ids);
  for (std::size_t i = 1; i < seen.size(); ++i) {
    INFO("entries " << i - 1 << " and " << i << " out of order: " << seen[i - 1].at << " " << seen[i - 1].id
                    << " then " << seen[i].at << " " << seen[i].id);
    CHECK(key(seen[i - 1]) > key(seen[i]));
  }

  INFO("opening the timeline leaves one 'viewed' audit event; further pages are the same view");
  CHECK(pages > 1);
  CHECK(viewed(s) == viewed_before + 1);
}

TEST_CASE("an entry added while paging does not shift or repeat older pages", "[timeline]") {
  Fixture f;
  Store& s = *f.store;
  std::string notes;
  for (int i = 0; i < 30; ++i) {
    if (i) notes += ",";
    char id[16], at[40];
    std::snprintf(id, sizeof id, "n-%03d", i);
    std::snprintf(at, sizeof at, "2026-10-%02dT10:00:00Z", 1 + i);
    notes += note_json(id, "c1", at, "Note");
  }
  load(s, R"({"notes": [)" + notes + "]}");
  Timeline timeline(s);
  auto first = timeline.page("p1", "", 10);
  REQUIRE(first.ok());
  REQUIRE(first->next_cursor.has_value());
  f.clock.set(at_ms("2026-11-30T10:00:00Z"));
  REQUIRE(CaseNotes(s).add({"c1", "Written while the worker was scrolling.", "", "normal"}).ok());

  std::vector<std::string> ids;
  for (const auto& e : first->entries) ids.push_back(e.id);
  std::string cursor = *first->next_cursor;
  while (true) {
    auto p = timeline.page("p1", cursor, 10);
    REQUIRE(p.ok());
    for (const auto& e : p->entries) ids.push_back(e.id);
    if (!p->next_cursor) break;
    cursor = *p->next_cursor;
  }
  REQUIRE(ids.size() == 30);
  for (int i = 0; i < 30; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "n-%03d", 29 - i);
    CHECK(ids[static_cast<std::size_t>(i)] == id);
  }
}

TEST_CASE("bad cursors, limits and people are refused without an audit event", "[timeline]") {
  Fixture f;
  Store& s = *f.store;
  Timeline timeline(s);
  const auto before = viewed(s);
  for (const char* bad : {"garbage", "a|b", "||", "2026-11-25T10:00:00.000Z|note|",
                          "2026-11-25T10:00:00.000Z|note|bad id with spaces", "not-a-time|note|n-001",
                          "2026-02-30T10:00:00.000Z|note|n-001", "2026-11-25T10:00:00.000Z"}) {
    INFO("cursor \"" << bad << "\"");
    auto r = timeline.page("p1", bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::invalid_argument);
  }
  for (int limit : {0, -1, 501}) {
    INFO("limit " << limit);
    auto r = timeline.page("p1", "", limit);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::invalid_argument);
  }
  auto nobody = timeline.page("p-nobody");
  REQUIRE_FALSE(nobody.ok());
  CHECK(nobody.error().code == ErrorCode::not_found);
  CHECK(viewed(s) == before);

  auto empty = timeline.page("p1", "", 500);
  REQUIRE(empty.ok());
  CHECK(empty->entries.empty());
  CHECK_FALSE(empty->next_cursor.has_value());
  CHECK(viewed(s) == before + 1);
}
