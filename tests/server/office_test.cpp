// The office API: accounts, records and their rules, allocation, the conflict
// queue, audit, export; and /healthz and /metrics.
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "server_fixture.h"

using namespace doorstep::server::test;
using nlohmann::json;

TEST_CASE("the office creates accounts, names, roles and passwords are checked") {
  TestServer s;
  auto made = s.office("POST", "/v1/office/accounts",
                       {{"username", "sam"}, {"password", "long-enough"}, {"team", "children-south"}, {"role", "worker"}});
  CHECK(made["username"] == "sam");
  CHECK(made["role"] == "worker");
  CHECK(made["team"] == "children-south");
  CHECK(made["enabled"] == true);
  s.office("POST", "/v1/office/accounts", {{"username", "sam"}, {"password", "long-enough"}}, 409);
  s.office("POST", "/v1/office/accounts", {{"username", "lee"}, {"password", "too-short"}}, 400);        // 9 < 10
  s.office("POST", "/v1/office/accounts", {{"username", "lee"}, {"password", "long-enough"}, {"role", "office"}}, 400);
  s.office("POST", "/v1/office/accounts", {{"username", "lee"}, {"password", "long-enough"}, {"role", "boss"}}, 400);
  s.office("POST", "/v1/office/accounts", {{"username", "no spaces"}, {"password", "long-enough"}}, 400);
  s.office("POST", "/v1/office/accounts", {{"username", "lee"}, {"password", 12345678}}, 400);
  s.office("POST", "/v1/office/accounts", {{"password", "long-enough"}}, 400);
  auto boss = s.office("POST", "/v1/office/accounts", {{"username", "boss"}, {"password", "long-enough"}, {"role", "admin"}});
  CHECK(boss["role"] == "admin");
  CHECK(s.call_json("POST", "/v1/office/login", {{"username", "boss"}, {"password", "long-enough"}}).status == 200);
}

TEST_CASE("office records: create, read, update, and the rules a device store relies on") {
  TestServer s;
  s.add_worker("sam");
  auto person = s.office("POST", "/v1/office/people", {{"fields", {{"name", "Dana Whitfield"}}}});
  const std::string pid = person["record"]["id"];
  CHECK(person["record"]["fields"]["markers"] == json::array());  // a device store needs a list
  CHECK(person["record"]["rev"].get<std::int64_t>() > 0);

  auto c = s.office("POST", "/v1/office/cases", {{"id", "c1"}, {"fields", {{"person_id", pid}, {"kind", "reablement"}}}});
  CHECK(c["record"]["fields"]["status"] == "open");
  CHECK_FALSE(c["record"]["fields"]["opened_at"].is_null());
  s.office("POST", "/v1/office/cases", {{"id", "c1"}, {"fields", {{"person_id", pid}, {"kind", "children"}}}}, 409);
  s.office("POST", "/v1/office/cases", {{"fields", {{"person_id", "nobody"}, {"kind", "children"}}}}, 400);
  s.office("POST", "/v1/office/cases", {{"fields", {{"person_id", pid}, {"kind", "astrology"}}}}, 400);
  s.office("POST", "/v1/office/cases", {{"fields", {{"person_id", pid}, {"kind", "children"}, {"worker", "nobody"}}}}, 400);
  s.office("POST", "/v1/office/people", {{"fields", {{"name", "X"}, {"shoe_size", 9}}}}, 400);
  s.office("POST", "/v1/office/people", {{"fields", {{"name", 42}}}}, 400);
  s.office("POST", "/v1/office/people", {{"fields", {{"address", "no name"}}}}, 400);
  s.office("POST", "/v1/office/people", {{"id", "bad id!"}, {"fields", {{"name", "X"}}}}, 400);
  s.office("POST", "/v1/office/people", {{"name", "no fields object"}}, 400);

  auto v = s.office("POST", "/v1/office/visits",
                    {{"id", "v1"}, {"fields", {{"case_id", "c1"}, {"planned_start", "2026-12-01T10:00:00Z"}}}});
  CHECK(v["record"]["fields"]["status"] == "planned");
  CHECK(v["record"]["fields"]["planned_start"] == "2026-12-01T10:00:00Z");
  s.office("POST", "/v1/office/visits", {{"fields", {{"case_id", "c9"}, {"planned_start", "2026-12-01T10:00:00Z"}}}}, 400);
  s.office("POST", "/v1/office/visits", {{"fields", {{"case_id", "c1"}, {"planned_start", "next tuesday"}}}}, 400);
  auto t = s.office("POST", "/v1/office/tasks", {{"id", "t1"}, {"fields", {{"case_id", "c1"}, {"title", "Prompt medication"}}}});
  CHECK(t["record"]["fields"]["title"] == "Prompt medication");

  auto changed = s.office("PUT", "/v1/office/visits/v1", {{"fields", {{"purpose", "review"}}}});
  CHECK(changed["record"]["fields"]["purpose"] == "review");
  CHECK(changed["record"]["rev"].get<std::int64_t>() > v["record"]["rev"].get<std::int64_t>());
  s.office("PUT", "/v1/office/visits/v1", {{"fields", {{"case_id", "c2"}}}}, 400);  // fixed
  CHECK(s.office("GET", "/v1/office/visits/v1")["record"] == changed["record"]);
  s.office("GET", "/v1/office/visits/nope", nullptr, 404);
  // PUT of an id that does not exist yet creates it (imports).
  auto put = s.office("PUT", "/v1/office/people/p-import", {{"fields", {{"name", "Imported Person"}}}});
  CHECK(put["record"]["id"] == "p-import");
  s.office("PUT", "/v1/office/field-reports/nope", {{"fields", {{"status", "closed"}}}}, 400);  // required fields missing
}

TEST_CASE("allocation names a worker account, the audit log records who did it") {
  TestServer s;
  s.add_worker("sam");
  s.add_worker("priya");
  s.add_person("p1", "Dana Whitfield");
  s.add_case("p1", "c1", "sam");
  s.office("POST", "/v1/office/cases/c1/allocate", {{"worker", "nobody"}}, 400);
  s.office("POST", "/v1/office/cases/c1/allocate", {{"worker", "office"}}, 400);
  s.office("POST", "/v1/office/cases/c9/allocate", {{"worker", "priya"}}, 404);
  s.office("POST", "/v1/office/cases/c1/allocate", {{"team", "x"}}, 400);
  auto moved = s.office("POST", "/v1/office/cases/c1/allocate", {{"worker", "priya"}});
  CHECK(moved["record"]["fields"]["worker"] == "priya");
  auto unallocated = s.office("POST", "/v1/office/cases/c1/allocate", {{"worker", nullptr}});
  CHECK(unallocated["record"]["fields"]["worker"].is_null());

  auto events = s.office("GET", "/v1/office/audit?record_id=c1")["events"];
  std::multiset<std::string> actions;
  for (const auto& e : events) {
    actions.insert(e["action"].get<std::string>());
    CHECK(e["actor"] == "office");
  }
  CHECK(actions.count("allocated") == 2);
  CHECK(actions.count("created") == 1);
  CHECK(s.office("GET", "/v1/office/audit?actor=office&limit=1")["events"].size() == 1);
  CHECK(s.office("GET", "/v1/office/audit?actor=nobody")["events"].empty());
  s.office("GET", "/v1/office/audit?limit=0", nullptr, 400);
}

TEST_CASE("the office resolves conflicts: kept leaves the record, other writes the other value") {
  TestServer s;
  s.add_worker("sam");
  s.add_person("p1", "Dana Whitfield");
  s.add_case("p1", "c1", "sam");
  s.add_visit("v1", "c1", "2026-12-01T10:00:00Z");
  s.add_visit("v2", "c1", "2026-12-02T10:00:00Z");
  TestDevice a(s, "sam"), b(s, "sam");
  for (const char* v : {"v1", "v2"}) {
    const auto base = s.office("GET", std::string("/v1/office/visits/") + v)["record"]["rev"].get<std::int64_t>();
    a.push(json::array({a.op("visit", v, "update", {{"purpose", "from a"}}, base)}));
    b.push(json::array({b.op("visit", v, "update", {{"purpose", "from b"}}, base)}));
  }
  auto open = s.office("GET", "/v1/office/conflicts?open=1")["conflicts"];
  REQUIRE(open.size() == 2);
  std::map<std::string, std::string> by_visit;
  for (const auto& c : open) by_visit[c["fields"]["record_id"]] = c["id"];

  auto kept = s.office("POST", "/v1/office/conflicts/" + by_visit["v1"] + "/resolve", {{"resolution", "kept"}, {"note", "checked with sam"}});
  CHECK(kept["record"]["fields"]["resolution"] == "kept");
  CHECK(kept["record"]["fields"]["resolved_by"] == "office");
  CHECK(s.office("GET", "/v1/office/visits/v1")["record"]["fields"]["purpose"] == "from b");

  s.office("POST", "/v1/office/conflicts/" + by_visit["v2"] + "/resolve", {{"resolution", "other"}});
  CHECK(s.office("GET", "/v1/office/visits/v2")["record"]["fields"]["purpose"] == "from a");

  s.office("POST", "/v1/office/conflicts/" + by_visit["v2"] + "/resolve", {{"resolution", "other"}}, 409);
  s.office("POST", "/v1/office/conflicts/" + by_visit["v1"] + "/resolve", {{"resolution", "maybe"}}, 400);
  s.office("POST", "/v1/office/conflicts/nope/resolve", {{"resolution", "kept"}}, 404);
  CHECK(s.office("GET", "/v1/office/conflicts?open=1")["conflicts"].empty());
  CHECK(s.office("GET", "/v1/office/conflicts")["conflicts"].size() == 2);
  s.office("GET", "/v1/office/conflicts?open=maybe", nullptr, 400);

  // The devices pull the resolution and the winning value.
  bool resolved_seen = false;
  for (const auto& e : a.pull_all())
    if (e["record"]["type"] == "conflict" && e["record"]["fields"]["resolution"] == "other") resolved_seen = true;
  CHECK(resolved_seen);
}

TEST_CASE("the export holds every record of every type, one JSON record per line") {
  TestServer s({.demo = true});
  auto r = s.call("GET", "/v1/office/export", "", s.office_token());
  REQUIRE(r.status == 200);
  CHECK(r.headers.find("Content-Type")->second.find("application/x-ndjson") == 0);
  std::map<std::string, int> types;
  std::set<std::string> ids;
  std::istringstream lines(r.body);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    auto j = json::parse(line);
    ++types[j["type"].get<std::string>()];
    ids.insert(j["type"].get<std::string>() + "/" + j["id"].get<std::string>());
    CHECK(j.contains("rev"));
    CHECK(j.contains("hlc"));
    CHECK(j["fields"].is_object());
    ++n;
  }
  CHECK(n == static_cast<int>(ids.size()));
  CHECK(types["person"] == 40);
  CHECK(types["case"] == 40);
  CHECK(types["visit"] == 80);
  CHECK(types["case_note"] == 80);
  CHECK(types["task"] > 0);
  CHECK(types["field_report"] > 0);
  bool audited = false;
  const auto events = s.office("GET", "/v1/office/audit?actor=office")["events"];
  for (const auto& e : events) audited |= e["action"] == "exported";
  CHECK(audited);
}

TEST_CASE("healthz and metrics") {
  TestServer s;
  auto h = s.call("GET", "/healthz");
  REQUIRE(h.status == 200);
  CHECK(h.json == json({{"status", "ok"}, {"backend", s.backend()}, {"epoch", s.hub().epoch()}, {"epoch_base", 0}}));
  s.add_worker("sam");
  s.add_person("p1", "Dana Whitfield");
  s.add_case("p1", "c1", "sam");
  TestDevice d(s, "sam");
  d.pull_all();
  d.push(json::array({d.op("visit", "v-x", "create", {{"case_id", "c9"}, {"planned_start", "2026-12-01T10:00:00Z"}, {"status", "planned"}})}));
  s.call("GET", "/no/such/route");
  // A request is counted once its response has been written, so the count of the
  // request just answered may trail it by a moment: read until it is there (2 s at most).
  auto m = s.call("GET", "/metrics");
  for (int i = 0; i < 200 && m.status == 200 && m.body.find("route=\"unmatched\",status=\"404\"") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    m = s.call("GET", "/metrics");
  }
  REQUIRE(m.status == 200);
  CHECK(m.headers.find("Content-Type")->second.find("text/plain") == 0);
  const std::string backend_info = "doorstep_backend_info{backend=\"" + s.backend() + "\"} 1";
  for (const char* want : {backend_info.c_str(),
                           "doorstep_http_requests_total{method=\"POST\",route=\"/v1/enrol\",status=\"200\"} 1",
                           "doorstep_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1",
                           "doorstep_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1",
                           "doorstep_http_requests_total{method=\"PUT\",route=\"/v1/office/people/{id}\"",
                           "doorstep_push_operations_total{outcome=\"rejected\"} 1",
                           "doorstep_changes_entries_total 2"}) {
    INFO(want << "\n" << m.body);
    if (std::string(want).find("PUT") != std::string::npos) CHECK(m.body.find(want) == std::string::npos);
    else CHECK(m.body.find(want) != std::string::npos);
  }
  // No ids in route labels.
  CHECK(m.body.find("c1") == std::string::npos);
}

TEST_CASE("a delete refused because of a concurrent edit can be allowed by the office") {
  TestServer s;
  s.add_worker("sam");
  s.add_person("p1", "Dana Whitfield");
  s.add_case("p1", "c1", "sam");
  s.add_visit("v1", "c1", "2026-12-01T10:00:00Z");
  TestDevice a(s, "sam"), b(s, "sam");
  const auto base = s.office("GET", "/v1/office/visits/v1")["record"]["rev"].get<std::int64_t>();
  REQUIRE(b.push(json::array({b.op("visit", "v1", "update", {{"purpose", "edited"}}, base)})).status == 200);
  auto del = a.push(json::array({a.op("visit", "v1", "delete", json::object(), base)}));
  REQUIRE(del.status == 200);
  CHECK(del.json["results"][0]["outcome"] == "conflict");
  CHECK(s.office("GET", "/v1/office/visits/v1")["record"]["deleted"] == false);  // the edit is kept
  auto open = s.office("GET", "/v1/office/conflicts?open=1")["conflicts"];
  REQUIRE(open.size() == 1);
  CHECK(open[0]["fields"]["field"] == "deleted");
  s.office("POST", "/v1/office/conflicts/" + open[0]["id"].get<std::string>() + "/resolve", {{"resolution", "other"}});
  auto v = s.office("GET", "/v1/office/visits/v1")["record"];
  CHECK(v["deleted"] == true);
  CHECK(v["fields"]["purpose"] == "edited");
}
