// Revocation wipes a device on its next contact; tokens that are expired, forged or
// another worker's open nothing.
#include <catch2/catch.hpp>
#include <thread>

#include "doorstep/core/case_notes.h"
#include "hub.h"

using namespace doorstep;
using namespace doorstep::e2e;

TEST_CASE("a revoked device is wiped on its next contact") {
  Hub hub;
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  Device d(hub, "sam");
  REQUIRE(d.sync().ok());
  REQUIRE(CaseNotes(d.store()).add({"c1", "written before the device was lost"}).ok());
  hub.office("POST", "/v1/office/devices/" + d.store().device_id() + "/revoke");
  auto r = d.sync();
  REQUIRE(r.ok());
  CHECK(r->wiped);
  CHECK(d.store().locked());
  CHECK_FALSE(Store::exists(d.store_dir()));
  CHECK_FALSE(std::filesystem::exists(d.store_dir() / "store.db"));
  CHECK_FALSE(std::filesystem::exists(d.store_dir() / "key-envelope.json"));
}

TEST_CASE("expired and forged tokens are refused, and a device refreshes its own") {
  Hub::Options o;
  o.access_ttl = "1";
  Hub hub(o);
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  Device d(hub, "sam");
  REQUIRE(d.sync().ok());

  auto refresh = d.store().meta("refresh_token");
  REQUIRE(refresh.ok());
  auto tok = hub.raw("POST", "/v1/token",
                     nlohmann::json{{"device_id", d.store().device_id()}, {"refresh_token", **refresh}}.dump());
  REQUIRE(tok.status == 200);
  const std::string access = nlohmann::json::parse(tok.body)["access_token"];
  CHECK(hub.raw("GET", "/v1/sync/changes", "", access).status == 200);

  std::string forged = access;
  forged[forged.size() / 2] = forged[forged.size() / 2] == 'A' ? 'B' : 'A';
  CHECK(hub.raw("GET", "/v1/sync/changes", "", forged).status == 401);
  CHECK(hub.raw("GET", "/v1/sync/changes", "", "not-a-token").status == 401);
  CHECK(hub.raw("GET", "/v1/sync/changes").status == 401);
  CHECK(hub.raw("POST", "/v1/token",
                nlohmann::json{{"device_id", d.store().device_id()}, {"refresh_token", "guess"}}.dump())
            .status == 401);

  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  CHECK(hub.raw("GET", "/v1/sync/changes", "", access).status == 401);
  CHECK(hub.raw("POST", "/v1/sync/push", R"({"operations":[]})", access).status == 401);
  // The device's own engine refreshes and carries on.
  REQUIRE(CaseNotes(d.store()).add({"c1", "after expiry"}).ok());
  auto r = d.sync();
  INFO((r.ok() ? std::string() : r.error().describe()));
  REQUIRE(r.ok());
  CHECK(r->applied == 1);
}

TEST_CASE("a worker's device cannot read or write another worker's case") {
  Hub hub;
  hub.add_worker("sam");
  hub.add_worker("priya");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  hub.add_case("p2", "Riya Patel", "c2", "priya");
  Device sam(hub, "sam");
  REQUIRE(sam.sync().ok());
  CHECK_FALSE(sam.store().get("case", "c2")->has_value());
  CHECK_FALSE(sam.store().get("person", "p2")->has_value());

  // Forge a local case record for priya's case and try to write a note on it.
  REQUIRE(sam.store().write([](Writer& w) {
    Record c;
    c.type = "case";
    c.id = "c2";
    c.rev = 1;
    c.fields = {{"person_id", std::string("p1")}, {"kind", std::string("children")}, {"status", std::string("open")}};
    return w.put_base(c);
  }).ok());
  auto note = CaseNotes(sam.store()).add({"c2", "written into someone else's case"});
  REQUIRE(note.ok());
  auto r = sam.sync();
  REQUIRE(r.ok());
  CHECK(r->rejected == 1);
  auto q = sam.store().list("quarantine");
  REQUIRE(q->size() == 1);  // kept on the device with the server's reason, not lost
  CHECK_FALSE(q->front().text("reason").empty());

  Device priya(hub, "priya");
  REQUIRE(priya.sync().ok());
  CHECK(priya.store().list("case_note", "case_id", "c2")->empty());
  CHECK_FALSE(priya.store().get("case", "c1")->has_value());
}
