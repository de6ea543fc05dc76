// Push: every operation applied exactly once, whatever is retried; conflicts keep
// both values; audit events and purge reports are stored once.
#include <catch2/catch.hpp>

#include <set>
#include <sstream>

#include "server_fixture.h"

using namespace doorstep::server::test;
using nlohmann::json;

namespace {

struct OneCase {
  TestServer s;
  OneCase() {
    s.add_worker("sam");
    s.add_person("p1", "Dana Whitfield");
    s.add_case("p1", "c1", "sam");
    s.add_visit("v1", "c1", "2026-12-01T10:00:00Z");
  }
  std::int64_t rev_of(const std::string& collection, const std::string& id) {
    return s.office("GET", "/v1/office/" + collection + "/" + id)["record"]["rev"].get<std::int64_t>();
  }
  json record(const std::string& collection, const std::string& id) {
    return s.office("GET", "/v1/office/" + collection + "/" + id)["record"];
  }
};

json note_fields(const std::string& case_id, const std::string& author, const std::string& body) {
  return {{"case_id", case_id},    {"body", body},       {"category", "visit"},
          {"visibility", "normal"}, {"author", author},   {"state", "final"},
          {"written_at", "2026-11-25T09:00:00.000Z"}, {"finalised_at", "2026-11-25T09:05:00.000Z"}};
}

// Every exported record of a type.
std::vector<json> exported(TestServer& s, const std::string& type) {
  auto r = s.call("GET", "/v1/office/export", "", s.office_token());
  REQUIRE(r.status == 200);
  std::vector<json> out;
  std::istringstream lines(r.body);
  std::string line;
  while (std::getline(lines, line)) {
    auto j = json::parse(line);
    if (j["type"] == type) out.push_back(j);
  }
  return out;
}

}  // namespace

TEST_CASE("a push sent twice gets identical results and has one effect") {
  OneCase t;
  TestDevice d(t.s, "sam");
  const std::int64_t visit_rev = t.rev_of("visits", "v1");
  json ops = json::array({d.op("case_note", "n1", "create", note_fields("c1", "sam", "Seen at home.")),
                          d.op("visit", "v1", "update", {{"purpose", "home visit with interpreter"}}, visit_rev)});
  auto first = d.push(ops);
  REQUIRE(first.status == 200);
  REQUIRE(first.json["results"].size() == 2);
  CHECK(first.json["results"][0]["outcome"] == "applied");
  CHECK(first.json["results"][1]["outcome"] == "applied");
  const auto visit_after = t.record("visits", "v1");

  auto second = d.push(ops);
  REQUIRE(second.status == 200);
  CHECK(second.json["results"] == first.json["results"]);
  CHECK(exported(t.s, "case_note").size() == 1);
  CHECK(t.record("visits", "v1") == visit_after);  // no second revision

  // A batch that overlaps the last one: the old operations replay, the new one applies.
  json more = ops;
  more.push_back(d.op("visit", "v1", "update", {{"outcome", "seen"}}, visit_after["rev"].get<std::int64_t>()));
  auto third = d.push(more);
  REQUIRE(third.status == 200);
  REQUIRE(third.json["results"].size() == 3);
  CHECK(third.json["results"][0] == first.json["results"][0]);
  CHECK(third.json["results"][1] == first.json["results"][1]);
  CHECK(third.json["results"][2]["outcome"] == "applied");
  CHECK(t.record("visits", "v1")["fields"]["outcome"] == "seen");
  CHECK(exported(t.s, "case_note").size() == 1);
}

TEST_CASE("a rejected operation is answered the same way when retried") {
  OneCase t;
  TestDevice d(t.s, "sam");
  // A note in someone else's name.
  json ops = json::array({d.op("case_note", "n1", "create", note_fields("c1", "priya", "Not mine to write."))});
  auto first = d.push(ops);
  REQUIRE(first.status == 200);
  CHECK(first.json["results"][0]["outcome"] == "rejected");
  CHECK(first.json["results"][0]["rev"] == 0);
  CHECK_FALSE(first.json["results"][0]["reason"].get<std::string>().empty());
  CHECK(d.push(ops).json["results"] == first.json["results"]);
  CHECK(exported(t.s, "case_note").empty());
}

TEST_CASE("results carry the new revision and the changes feed delivers it") {
  OneCase t;
  TestDevice d(t.s, "sam");
  auto r = d.push(json::array({d.op("case_note", "n1", "create", note_fields("c1", "sam", "Seen at home."))}));
  REQUIRE(r.status == 200);
  const auto rev = r.json["results"][0]["rev"].get<std::int64_t>();
  CHECK(rev > 0);
  bool found = false;
  for (const auto& e : d.pull_all())
    if (e.contains("record") && e["record"]["id"] == "n1") {
      found = true;
      CHECK(e["record"]["rev"] == rev);
      CHECK(e["record"]["fields"]["body"] == "Seen at home.");
    }
  CHECK(found);
}

TEST_CASE("the same field changed on two devices: one wins, a conflict keeps the other for both and the office") {
  OneCase t;
  TestDevice a(t.s, "sam"), b(t.s, "sam");
  const std::int64_t base = t.rev_of("visits", "v1");
  auto ra = a.push(json::array({a.op("visit", "v1", "update", {{"purpose", "written first"}}, base)}));
  REQUIRE(ra.status == 200);
  CHECK(ra.json["results"][0]["outcome"] == "applied");
  auto rb = b.push(json::array({b.op("visit", "v1", "update", {{"purpose", "written later"}}, base)}));
  REQUIRE(rb.status == 200);
  CHECK(rb.json["results"][0]["outcome"] == "conflict");
  CHECK(t.record("visits", "v1")["fields"]["purpose"] == "written later");

  auto queue = t.s.office("GET", "/v1/office/conflicts?open=1")["conflicts"];
  REQUIRE(queue.size() == 1);
  const auto& c = queue[0]["fields"];
  CHECK(c["record_type"] == "visit");
  CHECK(c["record_id"] == "v1");
  CHECK(c["case_id"] == "c1");
  CHECK(c["field"] == "purpose");
  CHECK(c["kept_value"] == "\"written later\"");
  CHECK(c["other_value"] == "\"written first\"");
  CHECK(c["kept_author"] == "sam");
  CHECK(c["other_author"] == "sam");

  for (TestDevice* d : {&a, &b}) {
    int conflicts = 0;
    for (const auto& e : d->pull_all())
      if (e.contains("record") && e["record"]["type"] == "conflict") ++conflicts;
    CHECK(conflicts == 1);
  }
}

TEST_CASE("changes to different fields of one record merge without a conflict") {
  OneCase t;
  TestDevice a(t.s, "sam"), b(t.s, "sam");
  const std::int64_t base = t.rev_of("visits", "v1");
  REQUIRE(a.push(json::array({a.op("visit", "v1", "update", {{"purpose", "with interpreter"}}, base)})).status == 200);
  auto rb = b.push(json::array({b.op("visit", "v1", "update", {{"planned_start", "2026-12-03T09:00:00.000Z"}}, base)}));
  REQUIRE(rb.status == 200);
  CHECK(rb.json["results"][0]["outcome"] != "conflict");
  CHECK(rb.json["results"][0]["outcome"] != "rejected");
  const auto v = t.record("visits", "v1")["fields"];
  CHECK(v["purpose"] == "with interpreter");
  CHECK(v["planned_start"] == "2026-12-03T09:00:00.000Z");
  CHECK(t.s.office("GET", "/v1/office/conflicts?open=1")["conflicts"].empty());
}

TEST_CASE("office-owned fields and record rules are enforced on pushes") {
  OneCase t;
  TestDevice d(t.s, "sam");
  const std::int64_t case_rev = t.rev_of("cases", "c1");
  auto r = d.push(json::array({
      d.op("case", "c1", "update", {{"worker", "sam2"}}, case_rev),
      d.op("case", "c1", "delete", json::object(), case_rev),
      d.op("case_note", "n-draft", "create",
           [] {
             auto f = note_fields("c1", "sam", "draft");
             f["state"] = "draft";
             return f;
           }()),
      d.op("visit", "v-bad", "create",
           {{"case_id", "c1"}, {"planned_start", "2026-12-01T10:00:00Z"}, {"status", "finished"}}),
  }));
  REQUIRE(r.status == 200);
  for (const auto& res : r.json["results"]) {
    CHECK(res["outcome"] == "rejected");
    CHECK_FALSE(res["reason"].get<std::string>().empty());
  }
  CHECK(t.record("cases", "c1")["fields"]["worker"] == "sam");
}

TEST_CASE("audit events are stored once however often they are sent") {
  OneCase t;
  TestDevice d(t.s, "sam");
  const json event = {{"type", "audit_event"},
                      {"id", "aud-1"},
                      {"rev", 0},
                      {"hlc", hlc_now(d.device_id)},
                      {"deleted", false},
                      {"fields",
                       {{"at", "2026-11-25T09:00:00.000Z"},
                        {"actor", "someone-else"},
                        {"device", "another-device"},
                        {"action", "viewed"},
                        {"record_type", "person"},
                        {"record_id", "p1"}}}};
  auto first = d.push(json::array(), json::array({event}));
  REQUIRE(first.status == 200);
  CHECK(first.json["audit_accepted"] == 1);
  CHECK(d.push(json::array(), json::array({event})).json["audit_accepted"] == 1);
  json events = json::array();
  const auto all = t.s.office("GET", "/v1/office/audit?record_id=p1")["events"];
  for (const auto& e : all)
    if (e["action"] == "viewed") events.push_back(e);
  REQUIRE(events.size() == 1);
  // Who and where come from the session, not from the event.
  CHECK(events[0]["actor"] == "sam");
  CHECK(events[0]["device"] == d.device_id);
  CHECK(events[0]["action"] == "viewed");
}

TEST_CASE("purged cases are recorded for the office once") {
  OneCase t;
  TestDevice d(t.s, "sam");
  REQUIRE(d.push(json::array(), json::array(), json::array({"c1"})).status == 200);
  REQUIRE(d.push(json::array(), json::array(), json::array({"c1"})).status == 200);
  auto devices = t.s.office("GET", "/v1/office/devices")["devices"];
  REQUIRE(devices.size() == 1);
  CHECK(devices[0]["purged_cases"] == json::array({"c1"}));
  auto events = t.s.office("GET", "/v1/office/audit?record_id=c1")["events"];
  int purged = 0;
  for (const auto& e : events) purged += e["action"] == "purged";
  CHECK(purged == 1);
}

TEST_CASE("a change whose clock names another device is refused") {
  // The merge does not count a device's own earlier changes as concurrent with its
  // later ones; a clock borrowing another device's id could overwrite that device's
  // change without a conflict.
  OneCase t;
  TestDevice d(t.s, "sam");
  json op = d.op("visit", "v1", "update", {{"purpose", "borrowed clock"}}, t.rev_of("visits", "v1"));
  op["hlc"] = hlc_now("someone-elses-device");
  auto r = d.push(json::array({op}));
  REQUIRE(r.status == 200);
  CHECK(r.json["results"][0]["outcome"] == "rejected");
  CHECK(r.json["results"][0]["reason"].get<std::string>().find("clock") != std::string::npos);
  CHECK(t.record("visits", "v1")["fields"]["purpose"] == "statutory visit");
}

TEST_CASE("a push of 234 operations stores every result once, however the results are grouped") {
  // 234 = two statements of 100 results, three of 10, four of 1.
  OneCase t;
  TestDevice d(t.s, "sam");
  json ops = json::array();
  for (int i = 0; i < 233; ++i)
    ops.push_back(d.op("case_note", "n" + std::to_string(i), "create",
                       note_fields("c1", "sam", "Note " + std::to_string(i) + ".")));
  ops.push_back(d.op("case_note", "n-not-mine", "create", note_fields("c1", "priya", "Not mine to write.")));
  auto first = d.push(ops);
  REQUIRE(first.status == 200);
  REQUIRE(first.json["results"].size() == 234);
  std::set<std::int64_t> seqs, revs;
  for (std::size_t i = 0; i < 233; ++i) {
    CHECK(first.json["results"][i]["outcome"] == "applied");
    seqs.insert(first.json["results"][i]["seq"].get<std::int64_t>());
    revs.insert(first.json["results"][i]["rev"].get<std::int64_t>());
  }
  CHECK(seqs.size() == 233);
  CHECK(revs.size() == 233);
  CHECK(first.json["results"][233]["outcome"] == "rejected");

  // Sent again (a lost answer): every result as it was, each one read back from the
  // hub, nothing applied twice.
  auto again = d.push(ops);
  REQUIRE(again.status == 200);
  CHECK(again.json["results"] == first.json["results"]);
  CHECK(exported(t.s, "case_note").size() == 233);
}
