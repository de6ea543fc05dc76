// Devices at the end of their use: retired (what it holds arrives, then it erases
// itself) or lost (nothing more accepted); the wipe receipt; the office's device list;
// a manager's reach over devices; and refresh credentials that rotate on every use,
// with an old one used again ending the device's sign-in.
#include <catch2/catch.hpp>

#include "server_fixture.h"

using namespace doorstep::server::test;
using nlohmann::json;

namespace {

json note(const std::string& case_id, const std::string& body) {
  return {{"case_id", case_id},    {"body", body},     {"category", "visit"},
          {"visibility", "normal"}, {"author", "sam"},  {"state", "final"},
          {"written_at", "2026-11-25T09:00:00.000Z"}, {"finalised_at", "2026-11-25T09:05:00.000Z"}};
}

json device_row(TestServer& s, const std::string& id) {
  const json all = s.office("GET", "/v1/office/devices");
  for (const auto& d : all["devices"])
    if (d["device_id"] == id) return d;
  FAIL("device " << id << " is not listed");
  return nullptr;
}

Reply refresh(TestServer& s, const TestDevice& d, const std::string& credential) {
  return s.call_json("POST", "/v1/token", {{"device_id", d.device_id}, {"refresh_token", credential}});
}

}  // namespace

TEST_CASE("a retired device's unsent notes are accepted, then its receipt marks it wiped") {
  TestServer s;
  s.add_worker("sam");
  s.add_person("p1", "Dana Whitfield");
  s.add_case("p1", "c1", "sam");
  TestDevice tablet(s, "sam");
  CHECK(device_row(s, tablet.device_id)["wipe"].is_null());

  auto retired = s.office("POST", "/v1/office/devices/" + tablet.device_id + "/retire");
  CHECK(retired["wipe"] == "pending");
  CHECK(retired["wipe_kind"] == "retire");
  auto pushed = tablet.push(json::array({tablet.op("case_note", "n1", "create", note("c1", "Seen at home.")),
                                         tablet.op("case_note", "n2", "create", note("c1", "Spoke to school."))}));
  REQUIRE(pushed.status == 200);
  CHECK(pushed.json["retire"] == true);
  CHECK(pushed.json["results"][0]["outcome"] == "applied");
  CHECK(pushed.json["results"][1]["outcome"] == "applied");
  auto exported = s.call("GET", "/v1/office/export", "", s.office_token());
  CHECK(exported.body.find("Spoke to school.") != std::string::npos);
  // Nothing more is read: the feed is closed to it.
  CHECK(s.call("GET", "/v1/sync/changes", "", tablet.access_token).error_code() == "retired");

  auto receipt = s.call_json("POST", "/v1/devices/wiped", {{"device_id", tablet.device_id}}, tablet.access_token);
  CHECK(receipt.status == 200);
  auto row = device_row(s, tablet.device_id);
  CHECK(row["wipe"] == "wiped");
  CHECK(row["wiped_at"].is_string());
  // Once wiped it is gone for good: every request is a wipe, and its id cannot enrol again.
  CHECK(s.call("GET", "/v1/sync/changes", "", tablet.access_token).status == 410);
  CHECK(refresh(s, tablet, tablet.refresh_token).status == 410);
  CHECK(s.call_json("POST", "/v1/enrol",
                    {{"username", "sam"}, {"password", kWorkerPassword}, {"device_id", tablet.device_id}})
            .status == 410);
  s.office("POST", "/v1/office/devices/" + tablet.device_id + "/retire", nullptr, 403);  // already wiped
  bool audited = false;
  const json events = s.office("GET", "/v1/office/audit?record_id=" + tablet.device_id);
  for (const auto& e : events["events"])
    audited = audited || (e["action"] == "wiped" && e["detail"] == "retired");
  CHECK(audited);
}

TEST_CASE("a lost device gets nothing in: every request is 410 wipe, then its receipt is taken") {
  TestServer s;
  s.add_worker("sam");
  s.add_person("p1", "Dana Whitfield");
  s.add_case("p1", "c1", "sam");
  TestDevice tablet(s, "sam");
  auto lost = s.office("POST", "/v1/office/devices/" + tablet.device_id + "/lost");
  CHECK(lost["wipe"] == "pending");
  CHECK(lost["wipe_kind"] == "lost");
  auto pushed = tablet.push(json::array({tablet.op("case_note", "n1", "create", note("c1", "Seen at home."))}));
  CHECK(pushed.status == 410);
  CHECK(pushed.json["wipe"] == true);
  CHECK(s.call("GET", "/v1/office/export", "", s.office_token()).body.find("Seen at home.") == std::string::npos);
  CHECK(refresh(s, tablet, tablet.refresh_token).status == 410);
  // A lost device never turns back into a retired one.
  s.office("POST", "/v1/office/devices/" + tablet.device_id + "/retire");
  CHECK(device_row(s, tablet.device_id)["wipe_kind"] == "lost");
  // It gets no access token any more: its refresh credential signs the receipt.
  CHECK(s.call_json("POST", "/v1/devices/wiped", {{"device_id", tablet.device_id}, {"refresh_token", "forged"}})
            .status == 401);
  CHECK(s.call_json("POST", "/v1/devices/wiped", {{"device_id", tablet.device_id}, {"refresh_token", tablet.refresh_token}})
            .status == 200);
  CHECK(device_row(s, tablet.device_id)["wipe"] == "wiped");
  // "revoke" is the older name of "lost".
  TestDevice other(s, "sam");
  CHECK(s.office("POST", "/v1/office/devices/" + other.device_id + "/revoke")["wipe_kind"] == "lost");
  // A device nobody asked to erase cannot claim it did.
  TestDevice third(s, "sam");
  CHECK(s.call_json("POST", "/v1/devices/wiped", {{"device_id", third.device_id}}, third.access_token).status == 403);
}

TEST_CASE("a manager retires or marks lost only the devices of their teams' workers") {
  TestServer s;
  s.add_worker("sam", "children-south");
  s.add_worker("ana", "wardens-central");
  TestDevice sams(s, "sam"), anas(s, "ana");
  const std::string m = s.add_office("morgan", "manager", {"children-south"});
  auto listed = s.call("GET", "/v1/office/devices", "", m);
  REQUIRE(listed.status == 200);
  REQUIRE(listed.json["devices"].size() == 1);
  CHECK(listed.json["devices"][0]["worker"] == "sam");
  CHECK(s.call("POST", "/v1/office/devices/" + anas.device_id + "/retire", "{}", m).status == 403);
  CHECK(s.call("POST", "/v1/office/devices/" + anas.device_id + "/lost", "{}", m).status == 403);
  CHECK(s.call("POST", "/v1/office/devices/" + sams.device_id + "/retire", "{}", m).status == 200);
  CHECK(s.call("POST", "/v1/office/devices/no-such-device/retire", "{}", m).status == 404);
  const std::string auditor = s.add_office("alex", "auditor");
  CHECK(s.call("GET", "/v1/office/devices", "", auditor).status == 403);
}

TEST_CASE("refresh credentials rotate on every use, an old one used again ends the device's sign-in") {
  TestClock clock;
  ServerOptions o;
  o.clock = &clock;
  TestServer s(o);
  s.add_worker("sam");
  TestDevice d(s, "sam");

  const std::string first = d.refresh_token;
  auto r1 = refresh(s, d, first);
  REQUIRE(r1.status == 200);
  const std::string second = r1.json["refresh_token"];
  CHECK(second != first);
  // The answer was lost: the same credential again is honoured, however late, because
  // the one issued then was never used.
  clock.advance(3 * 3600'000);
  auto again = refresh(s, d, first);
  REQUIRE(again.status == 200);
  const std::string third = again.json["refresh_token"];
  auto r3 = refresh(s, d, third);
  REQUIRE(r3.status == 200);
  const std::string fourth = r3.json["refresh_token"];
  const std::string access = r3.json["access_token"];
  CHECK(s.call("GET", "/v1/sync/changes", "", access).status == 200);

  // A copy of an older credential presented later: someone else holds it.
  clock.advance(60'000);
  auto stolen = refresh(s, d, second);
  CHECK(stolen.status == 401);
  // Every credential of the device has ended, the newest and its access token too.
  CHECK(refresh(s, d, fourth).status == 401);
  CHECK(s.call("GET", "/v1/sync/changes", "", access).status == 401);
  bool audited = false;
  const std::string admin = s.sign_in("office");  // the fixture's session idled out meanwhile
  const json events = s.call("GET", "/v1/office/audit?record_id=" + d.device_id, "", admin).json;
  for (const auto& e : events["events"])
    audited = audited || e["action"] == "credential_reused";
  CHECK(audited);
  // Enrolling again starts afresh.
  TestDevice back(s, "sam", d.device_id);
  CHECK(refresh(s, back, back.refresh_token).status == 200);
  // A refresh credential is not an access token.
  CHECK(s.call("GET", "/v1/sync/changes", "", back.refresh_token).status == 401);
  CHECK(refresh(s, back, back.access_token).status == 401);
}
