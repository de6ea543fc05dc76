// Enrolment, refresh credentials and access tokens: who gets in, and who does not.
#include <catch2/catch.hpp>

#include <thread>

#include "hub/tokens.h"
#include "server_fixture.h"

using namespace doorstep::server;
using namespace doorstep::server::test;
using nlohmann::json;

namespace {

json enrol_body(const std::string& user, const std::string& password, const std::string& device) {
  return {{"username", user}, {"password", password}, {"device_id", device}, {"device_name", "tablet"}};
}

}  // namespace

TEST_CASE("a worker enrols a device with the right password and gets working tokens") {
  TestServer s;
  s.add_worker("sam");
  auto r = s.call_json("POST", "/v1/enrol", enrol_body("sam", kWorkerPassword, "dev-1"));
  REQUIRE(r.status == 200);
  CHECK(r.json["device_id"] == "dev-1");
  CHECK(r.json["worker"] == "sam");
  CHECK(r.json["team"] == "children-south");
  CHECK(r.json["access_expires_in"] == 900);
  CHECK_FALSE(r.json["server_hlc"].get<std::string>().empty());
  CHECK(r.json["epoch"] == s.hub().epoch());
  const std::string access = r.json["access_token"], refresh = r.json["refresh_token"];
  CHECK(s.call("GET", "/v1/sync/changes", "", access).status == 200);

  auto t = s.call_json("POST", "/v1/token", {{"device_id", "dev-1"}, {"refresh_token", refresh}});
  REQUIRE(t.status == 200);
  CHECK(s.call("GET", "/v1/sync/changes", "", t.json["access_token"]).status == 200);
}

TEST_CASE("a wrong password and an unknown user get the same 401") {
  TestServer s;
  s.add_worker("sam");
  auto wrong = s.call_json("POST", "/v1/enrol", enrol_body("sam", "not-the-password", "dev-1"));
  auto unknown = s.call_json("POST", "/v1/enrol", enrol_body("nobody", kWorkerPassword, "dev-1"));
  CHECK(wrong.status == 401);
  CHECK(unknown.status == 401);
  CHECK(wrong.error_code() == "unauthorised");
  CHECK(wrong.json["message"] == unknown.json["message"]);
  // No device was recorded for either attempt.
  CHECK(s.office("GET", "/v1/office/devices")["devices"].empty());
}

TEST_CASE("an office account cannot enrol a device") {
  TestServer s;
  CHECK(s.call_json("POST", "/v1/enrol", enrol_body("office", kOfficePassword, "dev-1")).status == 401);
}

TEST_CASE("re-enrolling the same device id re-issues credentials, the old refresh credential stops working") {
  TestServer s;
  s.add_worker("sam");
  auto first = s.call_json("POST", "/v1/enrol", enrol_body("sam", kWorkerPassword, "dev-1"));
  auto second = s.call_json("POST", "/v1/enrol", enrol_body("sam", kWorkerPassword, "dev-1"));
  REQUIRE(first.status == 200);
  REQUIRE(second.status == 200);
  CHECK(first.json["refresh_token"] != second.json["refresh_token"]);
  CHECK(s.call_json("POST", "/v1/token", {{"device_id", "dev-1"}, {"refresh_token", first.json["refresh_token"]}})
            .status == 401);
  CHECK(s.call_json("POST", "/v1/token", {{"device_id", "dev-1"}, {"refresh_token", second.json["refresh_token"]}})
            .status == 200);
  CHECK(s.office("GET", "/v1/office/devices")["devices"].size() == 1);
}

TEST_CASE("a device id enrolled by one worker cannot be taken over by another") {
  TestServer s;
  s.add_worker("sam");
  s.add_worker("priya");
  REQUIRE(s.call_json("POST", "/v1/enrol", enrol_body("sam", kWorkerPassword, "dev-1")).status == 200);
  auto r = s.call_json("POST", "/v1/enrol", enrol_body("priya", kWorkerPassword, "dev-1"));
  CHECK(r.status == 409);
}

TEST_CASE("a wrong refresh credential or unknown device gets 401") {
  TestServer s;
  s.add_worker("sam");
  TestDevice d(s, "sam");
  CHECK(s.call_json("POST", "/v1/token", {{"device_id", d.device_id}, {"refresh_token", "x" + d.refresh_token}})
            .status == 401);
  CHECK(s.call_json("POST", "/v1/token", {{"device_id", "no-such-device"}, {"refresh_token", d.refresh_token}})
            .status == 401);
}

TEST_CASE("an expired access token is refused and a refreshed one works") {
  TestServer s({.access_ttl_s = 1});
  s.add_worker("sam");
  TestDevice d(s, "sam");
  CHECK(s.call("GET", "/v1/sync/changes", "", d.access_token).status == 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  auto expired = s.call("GET", "/v1/sync/changes", "", d.access_token);
  CHECK(expired.status == 401);
  CHECK(expired.error_code() == "unauthorised");
  CHECK(d.push(json::array()).status == 401);
  auto t = s.call_json("POST", "/v1/token", {{"device_id", d.device_id}, {"refresh_token", d.refresh_token}});
  REQUIRE(t.status == 200);
  CHECK(t.json["access_expires_in"] == 1);
  CHECK(s.call("GET", "/v1/sync/changes", "", t.json["access_token"]).status == 200);
}

TEST_CASE("forged, altered and missing tokens are refused") {
  TestServer s;
  s.add_worker("sam");
  s.add_worker("priya");
  TestDevice sam(s, "sam");
  TestDevice priya(s, "priya");
  const std::string good = sam.access_token;  // "<key id>.<payload>.<mac>"
  const auto dot = good.find('.');
  const auto dot2 = good.find('.', dot + 1);
  REQUIRE(dot2 != std::string::npos);
  const std::string kid = good.substr(0, dot);

  // Claims rewritten to another worker, keeping sam's signature.
  std::string payload;
  REQUIRE(from_base64url(good.substr(dot + 1, dot2 - dot - 1), payload));
  auto claims = json::parse(payload);
  claims["u"] = "priya";
  claims["d"] = priya.device_id;
  const std::string altered = kid + "." + base64url(claims.dump()) + good.substr(dot2);
  // A token signed with a key the server does not have, under the id of the one it has.
  std::vector<TokenKey> keys;
  keys.push_back(TokenKey{kid, doorstep::SecureKey::random()});
  TokenSigner forger(std::move(keys), "");
  AccessClaims as_priya;
  as_priya.device_id = priya.device_id;
  as_priya.user = "priya";
  as_priya.role = "worker";
  as_priya.token_gen = 1;
  as_priya.expires_ms = INT64_MAX / 2;
  const std::string forged = forger.issue(as_priya);
  AccessClaims as_office;
  as_office.user = "office";
  as_office.role = "admin";
  as_office.session_id = "made-up";
  as_office.expires_ms = INT64_MAX / 2;
  const std::string office_forged = forger.issue(as_office);

  for (const std::string& bad : {altered, forged, good.substr(0, dot2), good + "x", std::string("not-a-token"),
                                 std::string("a.b.c"), good.substr(dot + 1)}) {
    auto r = s.call("GET", "/v1/sync/changes", "", bad);
    CHECK(r.status == 401);
    CHECK(r.error_code() == "unauthorised");
  }
  CHECK(s.call("GET", "/v1/office/devices", "", office_forged).status == 401);
  CHECK(s.call("GET", "/v1/sync/changes").status == 401);
  CHECK(s.call("GET", "/v1/sync/changes", "", "", {{"Authorization", "Basic c2FtOnB3"}}).status == 401);
}

TEST_CASE("office login: office accounts get a token, workers 403, wrong passwords 401") {
  TestServer s;
  s.add_worker("sam");
  auto ok = s.call_json("POST", "/v1/office/login", {{"username", "office"}, {"password", kOfficePassword}});
  REQUIRE(ok.status == 200);
  CHECK(ok.json["access_expires_in"] == 43200);  // the session's longest life (12 h)
  CHECK(s.call_json("POST", "/v1/office/login", {{"username", "sam"}, {"password", kWorkerPassword}}).status == 403);
  CHECK(s.call_json("POST", "/v1/office/login", {{"username", "office"}, {"password", "wrong-password"}}).status ==
        401);
}

TEST_CASE("an office token is not a device token, and a worker token is not an office token") {
  TestServer s;
  s.add_worker("sam");
  TestDevice d(s, "sam");
  CHECK(s.call("GET", "/v1/sync/changes", "", s.office_token()).status == 403);
  CHECK(s.call("GET", "/v1/office/devices", "", d.access_token).status == 403);
  CHECK(s.call_json("POST", "/v1/office/accounts",
                    {{"username", "mallory"}, {"password", "password-123"}, {"role", "office"}}, d.access_token)
            .status == 403);
}
