// A hub restored from a backup starts a new epoch. Devices notice (a stale cursor or
// push is answered 409 "restored"), re-read everything, and send again what the
// restored hub lost: their notes and visit changes the old hub had acknowledged after
// the backup, together with their unsent work. Afterwards the hub and every device
// agree, and nothing is there twice. The real doorstep-server binary runs its own
// backup, restore and new-epoch commands.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <sstream>

#include "doorstep/core/case_notes.h"
#include "doorstep/core/visits.h"
#include "hub.h"

using namespace doorstep;
using namespace doorstep::e2e;
using nlohmann::json;

namespace {

// A final note on case c1.
NoteInput note_on_c1(const std::string& body) {
  NoteInput in;
  in.case_id = "c1";
  in.body = body;
  return in;
}

client::SyncSummary must_sync(Device& d) {
  auto r = d.sync();
  INFO((r.ok() ? std::string() : r.error().describe()));
  REQUIRE(r.ok());
  return *r;
}

// The hub's records of one type, by id (office export).
std::map<std::string, json> on_hub(Hub& hub, const std::string& type) {
  auto r = hub.office("GET", "/v1/office/export");
  std::map<std::string, json> out;
  std::istringstream lines(r.is_string() ? r.get<std::string>() : r.dump());
  std::string line;
  while (std::getline(lines, line)) {
    auto j = json::parse(line, nullptr, false);
    if (j.is_object() && j.value("type", "") == type) out[j["id"].get<std::string>()] = j;
  }
  return out;
}

std::multiset<std::string> note_bodies(Hub& hub) {
  std::multiset<std::string> out;
  for (const auto& [id, n] : on_hub(hub, "case_note")) out.insert(n["fields"]["body"].get<std::string>());
  return out;
}

std::multiset<std::string> note_bodies(Device& d) {
  auto notes = d.store().list("case_note", "case_id", "c1");
  REQUIRE(notes.ok());
  std::multiset<std::string> out;
  for (const auto& n : *notes) out.insert(n.text("body"));
  return out;
}

std::string meta(Device& d, const std::string& key) {
  auto v = d.store().meta(key);
  REQUIRE(v.ok());
  return v->value_or("");
}

// An access token for the device, as its sync session would get one.
std::string access_token(Hub& hub, Device& d) {
  auto r = hub.raw("POST", "/v1/token",
                   json{{"device_id", d.store().device_id()}, {"refresh_token", meta(d, "refresh_token")}}.dump());
  REQUIRE(r.status == 200);
  return json::parse(r.body)["access_token"].get<std::string>();
}

// The hub and the device hold the same notes and visits, field for field.
void agree(Hub& hub, Device& d) {
  for (const char* type : {"case_note", "visit"}) {
    auto mine = d.store().list(type, "case_id", "c1");
    REQUIRE(mine.ok());
    auto theirs = on_hub(hub, type);
    CHECK(mine->size() == theirs.size());
    for (const auto& r : *mine) {
      INFO(type << " " << r.id);
      REQUIRE(theirs.count(r.id) == 1);
      const json& t = theirs[r.id];
      CHECK(t["rev"].get<std::int64_t>() == r.rev);
      for (const char* f : {"body", "purpose", "status", "planned_start"})
        if (t["fields"].contains(f) && t["fields"][f].is_string()) CHECK(t["fields"][f].get<std::string>() == r.text(f));
    }
  }
  auto outbox = d.store().outbox();
  REQUIRE(outbox.ok());
  CHECK(outbox->empty());
  auto quarantined = d.store().list("quarantine");
  REQUIRE(quarantined.ok());
  CHECK(quarantined->empty());
}

}  // namespace

TEST_CASE("after a restore a device sends again what the hub lost, with its unsent work, and both agree") {
  Hub hub;
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  hub.add_visit("v1", "c1", "2026-12-01T10:00:00Z");
  Device a(hub, "sam"), b(hub, "sam");
  must_sync(a);
  REQUIRE(CaseNotes(a.store()).add(note_on_c1("before the backup")).ok());
  must_sync(a);
  must_sync(b);  // b syncs only before the backup
  const std::string old_epoch = meta(a, "server_epoch");

  const auto backup = hub.data() / "hub-backup.db";
  auto taken = hub.command({"backup", backup.string()});
  INFO(taken.output);
  REQUIRE(taken.status == 0);

  // Acknowledged by the hub after the backup: lost when the backup is restored.
  REQUIRE(CaseNotes(a.store()).add(note_on_c1("acknowledged after the backup")).ok());
  REQUIRE(Visits(a.store()).replan("v1", {"", "", "", "purpose changed after the backup"}).ok());
  auto planned = Visits(a.store()).plan({"c1", "2026-12-05T14:00:00Z", "", "planned after the backup"});
  REQUIRE(planned.ok());
  const std::string v9 = planned->id;
  auto acked = must_sync(a);
  CHECK(acked.pushed == 3);
  CHECK(note_bodies(hub).count("acknowledged after the backup") == 1);
  const std::string old_cursor = meta(a, "sync_cursor");

  // A running hub's database is never swapped underneath it.
  auto refused = hub.command({"restore", backup.string()});
  CHECK(refused.status != 0);
  CHECK(refused.output.find("stop it first") != std::string::npos);

  hub.stop();
  auto restored = hub.command({"restore", backup.string()});
  INFO(restored.output);
  REQUIRE(restored.status == 0);
  CHECK(restored.output.find("new epoch") != std::string::npos);
  hub.start();
  CHECK(note_bodies(hub) == std::multiset<std::string>{"before the backup"});

  SECTION("a cursor or a push of the old epoch is answered 409 restored, with the new epoch") {
    const std::string token = access_token(hub, a);
    auto page = hub.raw("GET", "/v1/sync/changes?cursor=" + old_cursor, "", token);
    CHECK(page.status == 409);
    auto body = json::parse(page.body);
    CHECK(body["error"] == "restored");
    CHECK(body["epoch"].get<std::string>() != old_epoch);
    CHECK(body["epoch_base"].get<std::int64_t>() > 0);
    auto push = hub.raw("POST", "/v1/sync/push", json{{"operations", json::array()}, {"epoch", old_epoch}}.dump(), token);
    CHECK(push.status == 409);
    CHECK(json::parse(push.body)["error"] == "restored");
    auto health = json::parse(hub.raw("GET", "/healthz").body);
    CHECK(health["epoch"] == body["epoch"]);
  }

  SECTION("the device re-reads, resends what the hub lost and pushes its unsent work; nothing twice") {
    // Unsent work written after the restore, while offline: a new note and an edit of
    // the visit the restored hub has never seen.
    REQUIRE(CaseNotes(a.store()).add(note_on_c1("written offline after the restore")).ok());
    REQUIRE(Visits(a.store()).replan(v9, {"", "", "", "edited offline after the restore"}).ok());

    auto s = must_sync(a);
    CHECK(s.server_restored);
    CHECK(s.resent == 3);  // the note and the new visit (creates), the purpose of v1 (update)
    CHECK(s.rejected == 0);
    CHECK(meta(a, "server_epoch") != old_epoch);
    CHECK_FALSE(meta(a, "server_restored_at").empty());

    CHECK(note_bodies(hub) == std::multiset<std::string>{"before the backup", "acknowledged after the backup",
                                                          "written offline after the restore"});
    auto visits = on_hub(hub, "visit");
    REQUIRE(visits.count("v1") == 1);
    CHECK(visits["v1"]["fields"]["purpose"] == "purpose changed after the backup");
    REQUIRE(visits.count(v9) == 1);
    CHECK(visits[v9]["fields"]["purpose"] == "edited offline after the restore");
    CHECK(visits[v9]["fields"]["planned_start"] == "2026-12-05T14:00:00.000Z");
    CHECK(hub.office("GET", "/v1/office/conflicts?open=1")["conflicts"].empty());
    agree(hub, a);

    // A second pass has nothing more to do.
    auto again = must_sync(a);
    CHECK_FALSE(again.server_restored);
    CHECK(again.pushed == 0);

    // The device that synced only before the backup re-primes cleanly: it notices,
    // has nothing of its own to resend, and ends with what the hub holds.
    auto sb = must_sync(b);
    CHECK(sb.server_restored);
    CHECK(sb.resent == 0);
    CHECK(sb.rejected == 0);
    CHECK(note_bodies(b) == note_bodies(hub));
    agree(hub, b);
  }
}

TEST_CASE("new-epoch makes every device re-read, a device that lost nothing resends nothing") {
  Hub hub;
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  hub.add_visit("v1", "c1", "2026-12-01T10:00:00Z");
  Device a(hub, "sam");
  must_sync(a);
  REQUIRE(CaseNotes(a.store()).add(note_on_c1("a note")).ok());
  must_sync(a);
  const std::string old_epoch = meta(a, "server_epoch");

  auto refused = hub.command({"new-epoch"});
  CHECK(refused.status != 0);  // not while it serves the data directory
  hub.stop();
  auto made = hub.command({"new-epoch"});
  INFO(made.output);
  REQUIRE(made.status == 0);
  hub.start();

  auto s = must_sync(a);
  CHECK(s.server_restored);
  CHECK(s.resent == 0);
  CHECK(s.rejected == 0);
  CHECK(meta(a, "server_epoch") != old_epoch);
  CHECK(note_bodies(a) == std::multiset<std::string>{"a note"});
  agree(hub, a);
  auto audit = hub.office("GET", "/v1/office/audit?actor=server");
  bool noted = false;
  for (const auto& e : audit["events"]) noted |= e["action"] == "new_epoch";
  CHECK(noted);
}
