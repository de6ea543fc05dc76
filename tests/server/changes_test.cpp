// The changes feed: paging covers everything in scope exactly once, in an order a
// device can apply page by page; reallocation revokes and hands over whole cases.
#include <catch2/catch.hpp>

#include <map>
#include <sstream>
#include <set>

#include "server_fixture.h"

using namespace doorstep::server::test;
using nlohmann::json;

namespace {

std::string key(const json& e) {
  if (e.contains("record")) return e["record"]["type"].get<std::string>() + "/" + e["record"]["id"].get<std::string>();
  return "revoke/" + e["revoke_case"].get<std::string>();
}

// The cases sam holds in the demo council, from the office's export.
std::set<std::string> held_by(TestServer& s, const std::string& worker) {
  auto r = s.call("GET", "/v1/office/export", "", s.office_token());
  std::set<std::string> out;
  std::istringstream lines(r.body);
  std::string line;
  while (std::getline(lines, line)) {
    auto j = json::parse(line);
    if (j["type"] == "case" && j["fields"]["worker"] == worker) out.insert(j["id"].get<std::string>());
  }
  return out;
}

}  // namespace

TEST_CASE("paging with a cursor covers everything in scope exactly once, whatever the page size") {
  TestServer s({.demo = true});
  TestDevice sam(s, "sam");
  const auto cases = held_by(s, "sam");
  REQUIRE(cases.size() == 11);

  auto whole = sam.pull_all(5000);
  std::set<std::string> keys;
  for (const auto& e : whole) keys.insert(key(e));
  CHECK(keys.size() == whole.size());  // no duplicates
  // 11 people, 11 cases, 2 visits and 2 notes each.
  CHECK(whole.size() == 11 * 6);
  for (const auto& e : whole) {
    REQUIRE(e.contains("record"));
    const auto& r = e["record"];
    if (r["type"] == "case") CHECK(cases.count(r["id"]) == 1);
    else if (r["type"] != "person") CHECK(cases.count(r["fields"]["case_id"]) == 1);
  }

  for (int limit : {1, 7, 50}) {
    auto paged = sam.pull_all(limit);
    std::int64_t last = 0;
    for (const auto& e : paged) {
      CHECK(e["seq"].get<std::int64_t>() >= last);  // the wire contract: seq never decreases
      last = e["seq"].get<std::int64_t>();
    }
    std::multiset<std::string> got;
    for (const auto& e : paged) got.insert(key(e));
    CHECK(got.size() == keys.size());
    CHECK(std::set<std::string>(got.begin(), got.end()) == keys);
  }
}

TEST_CASE("a first sync delivers each person before their case and each case before its records") {
  TestServer s({.demo = true});
  TestDevice joe(s, "joe");
  std::set<std::string> seen;
  for (const auto& e : joe.pull_all(3)) {
    const auto& r = e["record"];
    if (r["type"] == "case") CHECK(seen.count("person/" + r["fields"]["person_id"].get<std::string>()) == 1);
    if (r["fields"].contains("case_id") && !r["fields"]["case_id"].is_null())
      CHECK(seen.count("case/" + r["fields"]["case_id"].get<std::string>()) == 1);
    seen.insert(key(e));
  }
  CHECK(seen.size() > 40);
}

TEST_CASE("after the first sync only new changes arrive, and an empty page keeps the cursor moving") {
  TestServer s;
  s.add_worker("sam");
  s.add_person("p1", "Dana Whitfield");
  s.add_case("p1", "c1", "sam");
  TestDevice d(s, "sam");
  std::string cursor;
  auto first = d.pull_all(0, &cursor);
  CHECK(first.size() == 2);
  auto none = d.changes(cursor);
  CHECK(none["entries"].empty());
  CHECK(none["more"] == false);
  CHECK_FALSE(none["server_hlc"].get<std::string>().empty());
  CHECK(none["epoch"] == s.hub().epoch());

  s.add_visit("v1", "c1", "2026-12-01T10:00:00Z");
  s.add_person("p-other", "Someone Else");  // out of scope: never delivered
  auto next = d.changes(none["cursor"]);
  REQUIRE(next["entries"].size() == 1);
  CHECK(next["entries"][0]["record"]["id"] == "v1");
  CHECK(next["entries"][0]["seq"] == next["entries"][0]["record"]["rev"]);  // live: its own revision
  CHECK(next["more"] == false);
  CHECK(d.changes(next["cursor"])["entries"].empty());
}

TEST_CASE("a change made while a first sync is paged arrives after the snapshot") {
  TestServer s({.demo = true});
  TestDevice sam(s, "sam");
  auto page = sam.changes("", 5);
  REQUIRE(page["more"] == true);
  // The office edits a person sam has already received in this snapshot.
  const std::string first_person = page["entries"][0]["record"]["id"];
  s.office("PUT", "/v1/office/people/" + first_person, {{"fields", {{"phone", "01632 960000"}}}});
  std::vector<json> rest;
  std::string cursor = page["cursor"];
  for (bool more = true; more;) {
    auto p = sam.changes(cursor, 5);
    for (const auto& e : p["entries"]) rest.push_back(e);
    cursor = p["cursor"];
    more = p["more"];
  }
  bool updated = false;
  for (const auto& e : rest)
    if (e["record"]["id"] == first_person) updated = e["record"]["fields"]["phone"] == "01632 960000";
  CHECK(updated);
}

TEST_CASE("reassigning a case revokes it for the old worker and hands the whole case to the new one") {
  TestServer s;
  s.add_worker("sam");
  s.add_worker("priya");
  s.add_person("p1", "Dana Whitfield");
  s.add_case("p1", "c1", "sam");
  s.add_visit("v1", "c1", "2026-12-01T10:00:00Z");
  TestDevice sam(s, "sam");
  auto note = sam.push(json::array({sam.op("case_note", "n1", "create",
                                           {{"case_id", "c1"},
                                            {"body", "Seen at home."},
                                            {"visibility", "normal"},
                                            {"author", "sam"},
                                            {"state", "final"},
                                            {"written_at", "2026-11-25T09:00:00Z"}})}));
  REQUIRE(note.json["results"][0]["outcome"] == "applied");
  std::string sam_cursor;
  CHECK(sam.pull_all(0, &sam_cursor).size() == 4);
  TestDevice priya(s, "priya");
  std::string priya_cursor;
  CHECK(priya.pull_all(0, &priya_cursor).empty());

  auto moved = s.office("POST", "/v1/office/cases/c1/allocate", {{"worker", "priya"}, {"team", "children-north"}});
  CHECK(moved["record"]["fields"]["worker"] == "priya");
  CHECK(moved["record"]["fields"]["team"] == "children-north");

  auto sam_next = sam.changes(sam_cursor);
  REQUIRE(sam_next["entries"].size() == 1);
  CHECK(sam_next["entries"][0]["revoke_case"] == "c1");
  CHECK_FALSE(sam_next["entries"][0].contains("record"));

  auto priya_next = priya.changes(priya_cursor);
  std::vector<std::string> order;
  for (const auto& e : priya_next["entries"]) order.push_back(key(e));
  REQUIRE(order.size() == 4);
  CHECK(order[0] == "person/p1");
  CHECK(order[1] == "case/c1");
  CHECK(std::set<std::string>(order.begin() + 2, order.end()) ==
        std::set<std::string>{"visit/v1", "case_note/n1"});

  // Sam's writes on the case are now refused; a fresh sync of sam's shows the revocation only.
  auto late = sam.push(json::array({sam.op("visit", "v1", "update", {{"purpose", "late"}}, 1)}));
  CHECK(late.json["results"][0]["outcome"] == "rejected");
  CHECK(late.json["results"][0]["reason"] == "not in your caseload");
  auto fresh = sam.pull_all();
  REQUIRE(fresh.size() == 1);
  CHECK(fresh[0]["revoke_case"] == "c1");
}

TEST_CASE("closing a case revokes it, reopening hands it back") {
  TestServer s;
  s.add_worker("sam");
  s.add_person("p1", "Dana Whitfield");
  s.add_case("p1", "c1", "sam");
  TestDevice sam(s, "sam");
  std::string cursor;
  sam.pull_all(0, &cursor);
  s.office("PUT", "/v1/office/cases/c1", {{"fields", {{"status", "closed"}}}});
  auto closed = sam.changes(cursor);
  REQUIRE(closed["entries"].size() == 1);
  CHECK(closed["entries"][0]["revoke_case"] == "c1");
  s.office("PUT", "/v1/office/cases/c1", {{"fields", {{"status", "open"}}}});
  auto reopened = sam.changes(closed["cursor"]);
  REQUIRE(reopened["entries"].size() == 2);
  CHECK(key(reopened["entries"][0]) == "person/p1");
  CHECK(key(reopened["entries"][1]) == "case/c1");
}

TEST_CASE("cursors and limits the server did not make are refused with 400") {
  TestServer s;
  s.add_worker("sam");
  TestDevice d(s, "sam");
  for (const char* bad : {"abc", "-1", "1.5", "s", "s1", "s1.x", "s1.r", "s1.9.1", "1234567890123456789012", "_5",
                          "XYZ_5", "abc_s1.x"}) {
    auto r = s.call("GET", std::string("/v1/sync/changes?cursor=") + bad, "", d.access_token);
    INFO(bad);
    CHECK(r.status == 400);
    CHECK(r.error_code() == "invalid_argument");
  }
  for (const char* bad : {"0", "-5", "abc", "10x", ""}) {
    INFO(bad);
    CHECK(s.call("GET", std::string("/v1/sync/changes?limit=") + bad, "", d.access_token).status == 400);
  }
  CHECK(s.call("GET", "/v1/sync/changes?limit=99999", "", d.access_token).status == 200);
}

TEST_CASE("a change written before a case moved still reaches it, within the grace period only") {
  TestServer s;
  s.add_worker("sam");
  s.add_worker("priya");
  s.add_person("p1", "Dana Whitfield");
  s.add_case("p1", "c1", "sam");
  TestDevice sam(s, "sam");
  sam.pull_all();
  auto note = [&](const std::string& id, const std::string& hlc) {
    auto op = sam.op("case_note", id, "create",
                     {{"case_id", "c1"}, {"body", "written offline"}, {"visibility", "normal"}, {"author", "sam"},
                      {"state", "final"}, {"written_at", "2026-11-25T09:00:00Z"}});
    op["hlc"] = hlc;
    return op;
  };
  const std::string before = hlc_now(sam.device_id, -60'000);  // a minute before the handover
  s.office("POST", "/v1/office/cases/c1/allocate", {{"worker", "priya"}});
  auto r = sam.push(json::array({note("n-before", before), note("n-after", hlc_now(sam.device_id))}));
  REQUIRE(r.status == 200);
  CHECK(r.json["results"][0]["outcome"] == "applied");
  CHECK(r.json["results"][1]["outcome"] == "rejected");
  CHECK(s.office("GET", "/v1/office/cases/c1")["record"]["fields"]["worker"] == "priya");

  // Long after the handover, a clock that says "before" is no longer believed.
  {
    auto db = s.hub().pool().lease();
    REQUIRE(db.ok());
    REQUIRE((*db)->exec("UPDATE revocation SET at_ms = at_ms - ?", {std::int64_t{15} * 24 * 3600 * 1000}).ok());
  }
  auto late = sam.push(json::array({note("n-ancient", hlc_now(sam.device_id, -16ll * 24 * 3600 * 1000))}));
  CHECK(late.json["results"][0]["outcome"] == "rejected");
}

TEST_CASE("a cursor of another epoch, or ahead of the history, is 409 restored with the current epoch") {
  TestServer s;
  s.add_worker("sam");
  TestDevice d(s, "sam");
  std::string cursor;
  d.pull_all(0, &cursor);
  const auto bar = cursor.find('_');
  REQUIRE(bar != std::string::npos);
  const std::string position = cursor.substr(bar + 1);
  for (const std::string& stale : {"0123456789ab_" + position, cursor.substr(0, bar) + "_s99999.0.0",
                                  cursor.substr(0, bar) + "_99999999", std::string("99999999")}) {
    auto r = s.call("GET", "/v1/sync/changes?cursor=" + stale, "", d.access_token);
    INFO(stale);
    CHECK(r.status == 409);
    CHECK(r.error_code() == "restored");
    CHECK(r.json["epoch"] == d.changes(cursor)["epoch"]);
  }
  // A position without an epoch tag (made before cursors carried one) is still read.
  CHECK(s.call("GET", "/v1/sync/changes?cursor=" + position, "", d.access_token).status == 200);
}
