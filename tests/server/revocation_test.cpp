// Revocation: a revoked device is told to wipe itself on every endpoint, and can
// neither refresh nor re-enrol; the worker's other devices carry on.
#include <catch2/catch.hpp>

#include "server_fixture.h"

using namespace doorstep::server::test;
using nlohmann::json;

TEST_CASE("a revoked device gets 410 with wipe on every endpoint") {
  TestServer s;
  s.add_worker("sam");
  s.add_person("p1", "Dana Whitfield");
  s.add_case("p1", "c1", "sam");
  TestDevice lost(s, "sam"), kept(s, "sam");
  REQUIRE(s.call("GET", "/v1/sync/changes", "", lost.access_token).status == 200);

  auto revoked = s.office("POST", "/v1/office/devices/" + lost.device_id + "/revoke");
  CHECK(revoked["revoked"] == true);
  s.office("POST", "/v1/office/devices/" + lost.device_id + "/revoke");  // twice is fine

  const std::string sha(64, 'a');
  const std::vector<std::pair<std::string, std::string>> endpoints = {
      {"GET", "/v1/sync/changes"},         {"POST", "/v1/sync/push"},
      {"PUT", "/v1/blobs/" + sha},         {"GET", "/v1/blobs/" + sha},
      {"GET", "/v1/blobs/" + sha + "/status"}, {"GET", "/v1/office/devices"},
      {"POST", "/v1/office/people"},
  };
  for (const auto& [method, path] : endpoints) {
    auto r = s.call(method, path, R"({"operations": []})", lost.access_token, {{"X-Blob-Size", "3"}});
    INFO(method << " " << path << " " << r.body);
    CHECK(r.status == 410);
    CHECK(r.error_code() == "revoked");
    CHECK(r.json["wipe"] == true);
  }
  auto refresh = s.call_json("POST", "/v1/token", {{"device_id", lost.device_id}, {"refresh_token", lost.refresh_token}});
  CHECK(refresh.status == 410);
  CHECK(refresh.json["wipe"] == true);
  auto again = s.call_json("POST", "/v1/enrol",
                           {{"username", "sam"}, {"password", kWorkerPassword}, {"device_id", lost.device_id}});
  CHECK(again.status == 410);
  CHECK(again.json["wipe"] == true);

  // A wrong refresh credential for a revoked device learns nothing about it.
  CHECK(s.call_json("POST", "/v1/token", {{"device_id", lost.device_id}, {"refresh_token", "guess"}}).status == 401);

  CHECK(s.call("GET", "/v1/sync/changes", "", kept.access_token).status == 200);
  auto devices = s.office("GET", "/v1/office/devices")["devices"];
  REQUIRE(devices.size() == 2);
  for (const auto& d : devices) CHECK(d["revoked"] == (d["device_id"] == lost.device_id));
}

TEST_CASE("revoking an unknown device is 404") {
  TestServer s;
  auto r = s.call("POST", "/v1/office/devices/no-such-device/revoke", "", s.office_token());
  CHECK(r.status == 404);
  CHECK(r.error_code() == "not_found");
}
