// Server-side merge: how a device's operation combines with what the server holds.
// Each rule here guards a worker's writing: a failure means a note, a visit outcome or
// a warning marker that one side wrote and the other side silently lost — or a device
// that changed what only the office may change.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <string>

#include "doorstep/core/field_reports.h"
#include "doorstep/core/hlc.h"
#include "doorstep/core/schema.h"
#include "doorstep/core/store.h"
#include "doorstep/protocol/merge.h"
#include "temp_store.h"

using namespace doorstep;
using namespace doorstep::protocol;
using json = nlohmann::json;

namespace {

const std::int64_t kNow = 1'795'595'200'000;  // 2026-11-25T08:26:40Z
const std::int64_t kMinute = 60'000;
const std::int64_t kDay = 24 * 60 * kMinute;
// Two devices; the tablet's id sorts after the phone's.
const std::string kPhone = "1a0b0c0d-0000-4000-8000-000000000001";
const std::string kTablet = "9f0b0c0d-0000-4000-8000-000000000002";

const RecordType& type(const char* name) {
  const RecordType* t = find_record_type(name);
  REQUIRE(t != nullptr);
  return *t;
}

std::string clock(std::int64_t ms, const std::string& device, std::uint16_t counter = 0) {
  return Hlc{ms, counter, device}.encode();
}

Operation op(const std::string& record_type, const std::string& id, const std::string& action, std::int64_t base_rev,
             json fields, const std::string& hlc) {
  Operation o;
  o.seq = 1;
  o.op_id = new_uuid();
  o.record_type = record_type;
  o.record_id = id;
  o.action = action;
  o.base_rev = base_rev;
  o.fields = std::move(fields);
  o.hlc = hlc;
  return o;
}

MergeContext ctx(const std::string& author, std::int64_t new_rev, std::int64_t now = kNow) {
  MergeContext c;
  c.author = author;
  c.new_rev = new_rev;
  c.server_now_ms = now;
  return c;
}

ServerRecord office(const char* record_type, const std::optional<ServerRecord>& current, const std::string& id,
                    const json& fields, std::int64_t rev, std::int64_t now) {
  auto r = apply_office_change(type(record_type), current, id, fields, ctx("office.amy", rev, now));
  INFO((r ? "" : r.error().describe()));
  REQUIRE(r.ok());
  return *r;
}

// Dana Whitfield as the office created her at rev 1, an hour ago.
ServerRecord dana() {
  return office("person", std::nullopt, "p1",
                {{"name", "Dana Whitfield"}, {"phone", "07700 900123"}, {"markers", json::array({"dog at property"})}}, 1,
                kNow - 60 * kMinute);
}

// A planned visit as the office created it at rev 1.
ServerRecord planned_visit() {
  return office("visit", std::nullopt, "v1",
                {{"case_id", "c1"}, {"planned_start", "2026-11-25T10:00:00.000Z"}, {"status", "planned"}}, 1,
                kNow - 60 * kMinute);
}

MergeResult merge(const char* record_type, const std::optional<ServerRecord>& current, const Operation& o,
                  const MergeContext& c) {
  return merge_operation(type(record_type), current, o, c);
}

ServerRecord next_of(const MergeResult& r) {
  INFO(r.reason);
  REQUIRE(r.outcome != Outcome::rejected);
  REQUIRE(r.next.has_value());
  return *r.next;
}

std::string text(const ServerRecord& s, const std::string& field) { return s.record.text(field); }

json markers(const ServerRecord& s) { return json::parse(s.record.text("markers")); }

void rejected(const MergeResult& r, const std::string& reason_part) {
  INFO(r.reason);
  CHECK(r.outcome == Outcome::rejected);
  CHECK_FALSE(r.next.has_value());
  CHECK(r.conflicts.empty());
  CHECK(r.reason.find(reason_part) != std::string::npos);
}

}  // namespace

TEST_CASE("a create stamps every given field with the new revision, the device's clock and its worker") {
  const std::string at = clock(kNow - 5 * kMinute, kPhone);
  auto r = merge("person", std::nullopt,
                 op("person", "p9", "create", 0, {{"name", "Kai Osei"}, {"markers", json::array({"lone-worker risk"})}}, at),
                 ctx("sam", 7));
  REQUIRE(r.outcome == Outcome::applied);
  CHECK(r.conflicts.empty());
  const auto s = next_of(r);
  CHECK(s.record.type == "person");
  CHECK(s.record.id == "p9");
  CHECK(s.record.rev == 7);
  CHECK(s.record.hlc == at);
  CHECK_FALSE(s.record.deleted);
  CHECK(text(s, "name") == "Kai Osei");
  CHECK(markers(s) == json::array({"lone-worker risk"}));
  CHECK(s.record.is_null("phone"));  // every schema field is present, null when not given
  REQUIRE(s.stamps.size() == 2);
  for (const auto& [field, st] : s.stamps) {
    CHECK(st.rev == 7);
    CHECK(st.hlc == at);
    CHECK(st.author == "sam");
  }
}

TEST_CASE("changes to different fields on the device and at the office are both kept") {
  auto server = office("person", dana(), "p1", {{"phone", "07700 900999"}}, 2, kNow - 10 * kMinute);
  auto r = merge("person", server, op("person", "p1", "update", 1, {{"address", "4 Mill Lane"}}, clock(kNow - 20 * kMinute, kPhone)),
                 ctx("sam", 3));
  CHECK(r.outcome == Outcome::applied);
  CHECK(r.conflicts.empty());
  const auto s = next_of(r);
  CHECK(text(s, "phone") == "07700 900999");
  CHECK(text(s, "address") == "4 Mill Lane");
  CHECK(s.record.rev == 3);
  CHECK(s.stamps.at("phone").author == "office.amy");
  CHECK(s.stamps.at("address").author == "sam");
  CHECK(s.stamps.at("address").rev == 3);
}

TEST_CASE("the same field changed on both sides: the later clock wins and a conflict keeps both") {
  const std::string office_at = clock(kNow - 10 * kMinute, "server");
  auto server = office("person", dana(), "p1", {{"phone", "07700 900999"}}, 2, kNow - 10 * kMinute);
  REQUIRE(server.stamps.at("phone").hlc == office_at);

  SECTION("the device's change is later: it is kept, the office's value goes into the conflict") {
    const std::string at = clock(kNow - 5 * kMinute, kPhone);
    auto r = merge("person", server, op("person", "p1", "update", 1, {{"phone", "07700 900555"}, {"address", "4 Mill Lane"}}, at),
                   ctx("sam", 3));
    REQUIRE(r.outcome == Outcome::conflict);
    REQUIRE(r.conflicts.size() == 1);
    const auto& c = r.conflicts[0];
    CHECK(c.field == "phone");
    CHECK(c.kept == Value{std::string("07700 900555")});
    CHECK(c.other == Value{std::string("07700 900999")});
    CHECK(c.kept_author == "sam");
    CHECK(c.other_author == "office.amy");
    CHECK(c.kept_hlc == at);
    CHECK(c.other_hlc == office_at);
    const auto s = next_of(r);
    CHECK(text(s, "phone") == "07700 900555");
    CHECK(text(s, "address") == "4 Mill Lane");
    CHECK(s.stamps.at("phone").author == "sam");
    CHECK(s.record.hlc == at);
  }
  SECTION("the office's change is later: it stays, the device's value goes into the conflict, its other fields apply") {
    const std::string at = clock(kNow - 30 * kMinute, kPhone);
    auto r = merge("person", server, op("person", "p1", "update", 1, {{"phone", "07700 900555"}, {"address", "4 Mill Lane"}}, at),
                   ctx("sam", 3));
    REQUIRE(r.outcome == Outcome::conflict);
    REQUIRE(r.conflicts.size() == 1);
    const auto& c = r.conflicts[0];
    CHECK(c.kept == Value{std::string("07700 900999")});
    CHECK(c.other == Value{std::string("07700 900555")});
    CHECK(c.kept_author == "office.amy");
    CHECK(c.other_author == "sam");
    CHECK(c.kept_hlc == office_at);
    CHECK(c.other_hlc == at);
    const auto s = next_of(r);
    CHECK(text(s, "phone") == "07700 900999");
    CHECK(s.stamps.at("phone").author == "office.amy");
    CHECK(text(s, "address") == "4 Mill Lane");
    CHECK(s.record.rev == 3);  // a new revision, so the device pulls the value that won
    CHECK(s.record.hlc == office_at);
  }
  SECTION("both sides wrote the same value: merged, nobody has to decide") {
    auto r = merge("person", server, op("person", "p1", "update", 1, {{"phone", "07700 900999"}}, clock(kNow, kPhone)),
                   ctx("sam", 3));
    CHECK(r.outcome == Outcome::merged);
    CHECK(r.conflicts.empty());
    CHECK(next_of(r).stamps.at("phone").author == "office.amy");
  }
}

TEST_CASE("equal clocks (millis and counter) are decided by device id, whatever the arrival order") {
  const std::int64_t at = kNow - 5 * kMinute;
  auto phone_op = op("person", "p1", "update", 1, {{"name", "Dana W."}}, clock(at, kPhone, 3));
  auto tablet_op = op("person", "p1", "update", 1, {{"name", "Dana Whitfield-Ames"}}, clock(at, kTablet, 3));

  auto a = next_of(merge("person", dana(), phone_op, ctx("sam", 2)));
  auto ab = merge("person", a, tablet_op, ctx("jo", 3));
  auto b = next_of(merge("person", dana(), tablet_op, ctx("jo", 2)));
  auto ba = merge("person", b, phone_op, ctx("sam", 3));

  REQUIRE(ab.outcome == Outcome::conflict);
  REQUIRE(ba.outcome == Outcome::conflict);
  CHECK(text(next_of(ab), "name") == "Dana Whitfield-Ames");  // the tablet's id sorts later
  CHECK(text(next_of(ba), "name") == "Dana Whitfield-Ames");
  CHECK(ab.conflicts[0].other == Value{std::string("Dana W.")});
  CHECK(ba.conflicts[0].other == Value{std::string("Dana W.")});
}

TEST_CASE("a device clock two days fast is clamped, so a later honest change still wins") {
  SECTION("clamp_hlc") {
    const auto fast = clamp_hlc(clock(kNow + 2 * kDay, kPhone, 9), kNow, kMaxClockAheadMs);
    CHECK(fast == clock(kNow + kMaxClockAheadMs, kPhone, 0));
    const auto honest = clock(kNow + 1000, kPhone, 9);
    CHECK(clamp_hlc(honest, kNow, kMaxClockAheadMs) == honest);
    CHECK(clamp_hlc("not a clock", kNow, kMaxClockAheadMs) == "not a clock");
  }
  SECTION("the fast device's stamp, and a later office change") {
    auto r = merge("person", dana(), op("person", "p1", "update", 1, {{"phone", "01632 960001"}}, clock(kNow + 2 * kDay, kPhone)),
                   ctx("sam", 2));
    const auto s = next_of(r);
    CHECK(s.stamps.at("phone").hlc == clock(kNow + kMaxClockAheadMs, kPhone));
    CHECK(s.record.hlc == clock(kNow + kMaxClockAheadMs, kPhone));

    // Ten minutes later an honest tablet, which had not seen the change, sets the phone too.
    auto later = merge("person", s, op("person", "p1", "update", 1, {{"phone", "01632 960002"}}, clock(kNow + 10 * kMinute, kTablet)),
                       ctx("jo", 3, kNow + 10 * kMinute));
    REQUIRE(later.outcome == Outcome::conflict);
    CHECK(text(next_of(later), "phone") == "01632 960002");
    CHECK(later.conflicts[0].other == Value{std::string("01632 960001")});

    // The fast device's next push is clamped to that push's server time, not two days on.
    auto again = merge("person", next_of(later), op("person", "p1", "update", 3, {{"address", "x"}}, clock(kNow + 2 * kDay + 1, kPhone)),
                       ctx("sam", 4, kNow + 20 * kMinute));
    CHECK(next_of(again).record.hlc == clock(kNow + 21 * kMinute, kPhone));
  }
}

TEST_CASE("visit status follows the lattice planned < under_way < final") {
  // The office (or another device) moved the visit on since the device's base.
  auto on_server = [](const char* status, const json& more = json::object()) {
    json f = more;
    f["status"] = status;
    return office("visit", planned_visit(), "v1", f, 2, kNow - 10 * kMinute);
  };

  SECTION("under_way on the server, completed from the device: completed, merged") {
    auto r = merge("visit", on_server("under_way"),
                   op("visit", "v1", "update", 1, {{"status", "completed"}, {"outcome", "Child seen alone."}}, clock(kNow - 20 * kMinute, kPhone)),
                   ctx("sam", 3));
    CHECK(r.outcome == Outcome::merged);
    CHECK(r.conflicts.empty());
    const auto s = next_of(r);
    CHECK(text(s, "status") == "completed");
    CHECK(text(s, "outcome") == "Child seen alone.");
  }
  SECTION("completed on the server, a later under_way from the device: stays completed, its check-in is kept") {
    auto r = merge("visit", on_server("completed"),
                   op("visit", "v1", "update", 1,
                      {{"status", "under_way"}, {"checked_in_at", "2026-11-25T10:05:00.000Z"}}, clock(kNow - 5 * kMinute, kPhone)),
                   ctx("sam", 3));
    CHECK(r.outcome == Outcome::merged);
    const auto s = next_of(r);
    CHECK(text(s, "status") == "completed");
    CHECK(text(s, "checked_in_at") == "2026-11-25T10:05:00.000Z");
    CHECK(s.stamps.at("status").author == "office.amy");
  }
  SECTION("completed vs cancelled: the later clock wins and the other is kept in a conflict") {
    auto server = on_server("completed", {{"outcome", "Child seen alone."}});
    auto r = merge("visit", server,
                   op("visit", "v1", "update", 1,
                      {{"status", "cancelled"}, {"outcome", "Family asked to rearrange."}, {"purpose", "statutory visit"}},
                      clock(kNow - 5 * kMinute, kPhone)),
                   ctx("sam", 3));
    REQUIRE(r.outcome == Outcome::conflict);
    const auto s = next_of(r);
    CHECK(text(s, "status") == "cancelled");
    CHECK(text(s, "outcome") == "Family asked to rearrange.");
    CHECK(text(s, "purpose") == "statutory visit");
    REQUIRE(r.conflicts.size() == 2);
    CHECK(r.conflicts[0].field == "outcome");  // fields in name order
    CHECK(r.conflicts[1].field == "status");
    CHECK(r.conflicts[1].kept == Value{std::string("cancelled")});
    CHECK(r.conflicts[1].other == Value{std::string("completed")});
  }
  SECTION("an earlier final state loses, and the device's unrelated fields still apply") {
    auto r = merge("visit", on_server("completed"),
                   op("visit", "v1", "update", 1, {{"status", "no_access"}, {"purpose", "statutory visit"}},
                      clock(kNow - 30 * kMinute, kPhone)),
                   ctx("sam", 3));
    REQUIRE(r.outcome == Outcome::conflict);
    const auto s = next_of(r);
    CHECK(text(s, "status") == "completed");
    CHECK(text(s, "purpose") == "statutory visit");
    REQUIRE(r.conflicts.size() == 1);
    CHECK(r.conflicts[0].other == Value{std::string("no_access")});
  }
  SECTION("the same final state on both sides: merged") {
    auto r = merge("visit", on_server("completed"),
                   op("visit", "v1", "update", 1, {{"status", "completed"}}, clock(kNow, kPhone)), ctx("sam", 3));
    CHECK(r.outcome == Outcome::merged);
  }
  SECTION("an unknown status is refused") {
    rejected(merge("visit", planned_visit(), op("visit", "v1", "update", 1, {{"status", "finished"}}, clock(kNow, kPhone)),
                   ctx("sam", 2)),
             "status");
  }
  SECTION("visit_status_rank") {
    CHECK(visit_status_rank("planned") == 0);
    CHECK(visit_status_rank("under_way") == 1);
    CHECK(visit_status_rank("completed") == 2);
    CHECK(visit_status_rank("no_access") == 2);
    CHECK(visit_status_rank("cancelled") == 2);
    CHECK(visit_status_rank("") == -1);
    CHECK(visit_status_rank("Completed") == -1);
  }
}

TEST_CASE("warning markers merge as a union with explicit removals") {
  SECTION("unchanged on the server: the delta applies") {
    auto r = merge("person", dana(),
                   op("person", "p1", "update", 1, {{"markers", {{"add", {"lone-worker risk"}}, {"remove", {"dog at property"}}}}},
                      clock(kNow, kPhone)),
                   ctx("sam", 2));
    CHECK(r.outcome == Outcome::applied);
    CHECK(markers(next_of(r)) == json::array({"lone-worker risk"}));
  }
  SECTION("added on both sides: union; a removal from the device still applies") {
    auto server = office("person", dana(), "p1", {{"markers", {{"add", {"oxygen in use"}}}}}, 2, kNow - 10 * kMinute);
    auto r = merge("person", server,
                   op("person", "p1", "update", 1, {{"markers", {{"add", {"lone-worker risk"}}, {"remove", {"dog at property"}}}}},
                      clock(kNow - 20 * kMinute, kPhone)),
                   ctx("sam", 3));
    CHECK(r.outcome == Outcome::merged);
    CHECK(r.conflicts.empty());
    CHECK(markers(next_of(r)) == json::array({"oxygen in use", "lone-worker risk"}));
  }
  SECTION("a whole list over a concurrent change only adds") {
    auto server = office("person", dana(), "p1", {{"markers", {{"add", {"oxygen in use"}}}}}, 2, kNow - 10 * kMinute);
    auto r = merge("person", server, op("person", "p1", "update", 1, {{"markers", {"lone-worker risk"}}}, clock(kNow, kPhone)),
                   ctx("sam", 3));
    CHECK(r.outcome == Outcome::merged);
    CHECK(markers(next_of(r)) == json::array({"dog at property", "oxygen in use", "lone-worker risk"}));
  }
  SECTION("a list with repeats is stored as a set; members must be text") {
    auto r = merge("person", std::nullopt,
                   op("person", "p2", "create", 0, {{"name", "Kai"}, {"markers", {"a", "b", "a"}}}, clock(kNow, kPhone)),
                   ctx("sam", 2));
    CHECK(markers(next_of(r)) == json::array({"a", "b"}));
    rejected(merge("person", dana(), op("person", "p1", "update", 1, {{"markers", {{"add", {1}}}}}, clock(kNow, kPhone)), ctx("sam", 2)),
             "markers");
    rejected(merge("person", dana(), op("person", "p1", "update", 1, {{"markers", {{"replace", json::array()}}}}, clock(kNow, kPhone)),
                   ctx("sam", 2)),
             "markers");
  }
}

TEST_CASE("a finalised note is immutable: created once, never updated, a retry is harmless") {
  const json note = {{"case_id", "c1"},      {"body", "Visited; child seen alone."}, {"visibility", "normal"},
                     {"author", "sam"},      {"state", "final"},
                     {"written_at", "2026-11-25T10:00:00.000Z"}, {"finalised_at", "2026-11-25T10:02:00.000Z"}};
  auto created = merge("case_note", std::nullopt, op("case_note", "n1", "create", 0, note, clock(kNow, kPhone)), ctx("sam", 4));
  REQUIRE(created.outcome == Outcome::applied);
  const auto s = next_of(created);

  SECTION("the same create again is applied and changes no field") {
    auto r = merge("case_note", s, op("case_note", "n1", "create", 0, note, clock(kNow + 1, kPhone)), ctx("sam", 5));
    CHECK(r.outcome == Outcome::applied);
    CHECK(next_of(r).record.fields == s.record.fields);
  }
  SECTION("a create with different content is refused") {
    json changed = note;
    changed["body"] = "Visited; nobody home.";
    rejected(merge("case_note", s, op("case_note", "n1", "create", 0, changed, clock(kNow + 1, kPhone)), ctx("sam", 5)),
             "different case note");
  }
  SECTION("an update is refused") {
    rejected(merge("case_note", s, op("case_note", "n1", "update", 4, {{"body", "edited"}}, clock(kNow + 1, kPhone)), ctx("sam", 5)),
             "final");
  }
  SECTION("a delete is refused") {
    rejected(merge("case_note", s, op("case_note", "n1", "delete", 4, json::object(), clock(kNow + 1, kPhone)), ctx("sam", 5)),
             "cannot be deleted");
  }
  SECTION("a note without its required fields is refused") {
    json partial = note;
    partial.erase("body");
    rejected(merge("case_note", std::nullopt, op("case_note", "n2", "create", 0, partial, clock(kNow, kPhone)), ctx("sam", 5)),
             "\"body\"");
  }
}

TEST_CASE("append-only and immutable records are created once and never changed") {
  const json done = {{"task_id", "t1"}, {"case_id", "c1"}, {"completed_at", "2026-11-25T09:00:00.000Z"}, {"completed_by", "sam"}};
  auto s = next_of(merge("task_completion", std::nullopt, op("task_completion", "tc1", "create", 0, done, clock(kNow, kPhone)),
                         ctx("sam", 2)));
  rejected(merge("task_completion", s, op("task_completion", "tc1", "update", 2, {{"note", "late"}}, clock(kNow + 1, kPhone)),
                 ctx("sam", 3)),
           "never changed");
  CHECK(merge("task_completion", s, op("task_completion", "tc1", "create", 0, done, clock(kNow + 1, kPhone)), ctx("sam", 3)).outcome ==
        Outcome::applied);

  const json photo = {{"sha256", std::string(64, 'a')}, {"owner_type", "field_report"}, {"owner_id", "fr1"},
                      {"media_type", "image/jpeg"}, {"size_bytes", 1024}, {"added_at", "2026-11-25T09:00:00.000Z"}};
  auto a = next_of(merge("attachment", std::nullopt, op("attachment", "a1", "create", 0, photo, clock(kNow, kPhone)), ctx("sam", 2)));
  rejected(merge("attachment", a, op("attachment", "a1", "update", 2, {{"file_name", "x.jpg"}}, clock(kNow + 1, kPhone)), ctx("sam", 3)),
           "never changes");
  json bigger = photo;
  bigger["size_bytes"] = 2048;
  rejected(merge("attachment", a, op("attachment", "a1", "create", 0, bigger, clock(kNow + 1, kPhone)), ctx("sam", 3)),
           "different attachment");
}

TEST_CASE("what the office owns, a device cannot change") {
  auto case_file = office("case", std::nullopt, "c1",
                          {{"person_id", "p1"}, {"kind", "children"}, {"status", "open"}, {"worker", "sam"}, {"team", "north"}},
                          1, kNow - 60 * kMinute);
  for (const char* field : {"status", "team", "worker"}) {
    DYNAMIC_SECTION("case " << field) {
      rejected(merge("case", case_file, op("case", "c1", "update", 1, {{field, "x"}}, clock(kNow, kPhone)), ctx("sam", 2)),
               std::string("the case's ") + field + " is set by the office");
    }
  }
  SECTION("case visit_interval_days, even alongside a field the device may change") {
    rejected(merge("case", case_file,
                   op("case", "c1", "update", 1, {{"title", "New title"}, {"visit_interval_days", 10}}, clock(kNow, kPhone)),
                   ctx("sam", 2)),
             "the case's visit_interval_days is set by the office");
  }
  SECTION("a case's title may change; its kind may not") {
    CHECK(merge("case", case_file, op("case", "c1", "update", 1, {{"title", "New title"}}, clock(kNow, kPhone)), ctx("sam", 2))
              .outcome == Outcome::applied);
    rejected(merge("case", case_file, op("case", "c1", "update", 1, {{"kind", "reablement"}}, clock(kNow, kPhone)), ctx("sam", 2)),
             "the case's kind cannot change");
  }
  SECTION("a device cannot create a case") {
    rejected(merge("case", std::nullopt,
                   op("case", "c2", "create", 0, {{"person_id", "p1"}, {"kind", "children"}, {"status", "open"}}, clock(kNow, kPhone)),
                   ctx("sam", 2)),
             "the case's status is set by the office");
  }
  SECTION("a warden's report starts as reported; its status then belongs to the office") {
    const json report = {{"category", "fly-tipping"}, {"priority", "normal"}, {"status", "reported"},
                         {"reporter", "sam"},          {"reported_at", "2026-11-25T09:00:00.000Z"}};
    auto r = merge("field_report", std::nullopt, op("field_report", "fr1", "create", 0, report, clock(kNow, kPhone)), ctx("sam", 2));
    REQUIRE(r.outcome == Outcome::applied);
    rejected(merge("field_report", next_of(r), op("field_report", "fr1", "update", 2, {{"status", "closed"}}, clock(kNow + 1, kPhone)),
                   ctx("sam", 3)),
             "the field report's status is set by the office");
    json closed = report;
    closed["status"] = "closed";
    rejected(merge("field_report", std::nullopt, op("field_report", "fr2", "create", 0, closed, clock(kNow, kPhone)), ctx("sam", 2)),
             "status is set by the office");
  }
  SECTION("conflicts: created by the server, resolved by a person") {
    auto conflict = office("conflict", std::nullopt, "k1",
                           {{"record_type", "person"}, {"record_id", "p1"}, {"field", "phone"}, {"kept_value", "1"}, {"other_value", "2"}},
                           5, kNow - 10 * kMinute);
    rejected(merge("conflict", std::nullopt,
                   op("conflict", "k2", "create", 0, {{"record_type", "person"}, {"record_id", "p1"}, {"field", "name"}}, clock(kNow, kPhone)),
                   ctx("sam", 6)),
             "created by the server");
    auto r = merge("conflict", conflict,
                   op("conflict", "k1", "update", 5,
                      {{"resolution", "kept"}, {"resolved_by", "sam"}, {"resolved_at", "2026-11-25T09:00:00.000Z"}}, clock(kNow, kPhone)),
                   ctx("sam", 6));
    CHECK(r.outcome == Outcome::applied);
    CHECK(text(next_of(r), "resolution") == "kept");
    rejected(merge("conflict", conflict, op("conflict", "k1", "update", 5, {{"kept_value", "2"}}, clock(kNow, kPhone)), ctx("sam", 6)),
             "cannot change");
    rejected(merge("conflict", conflict, op("conflict", "k1", "delete", 5, json::object(), clock(kNow, kPhone)), ctx("sam", 6)),
             "cannot be deleted");
  }
}

TEST_CASE("an edit beats a delete, whichever came first") {
  SECTION("deleted on the server, then edited from a device that had not seen it: undeleted with a conflict") {
    auto del = merge("person", dana(), op("person", "p1", "delete", 1, json::object(), clock(kNow - 10 * kMinute, kTablet)),
                     ctx("jo", 2));
    REQUIRE(del.outcome == Outcome::applied);
    const auto deleted = next_of(del);
    REQUIRE(deleted.record.deleted);
    CHECK(deleted.deleted_stamp.rev == 2);
    CHECK(deleted.deleted_stamp.author == "jo");

    auto r = merge("person", deleted, op("person", "p1", "update", 1, {{"address", "4 Mill Lane"}}, clock(kNow - 20 * kMinute, kPhone)),
                   ctx("sam", 3));
    REQUIRE(r.outcome == Outcome::conflict);
    const auto s = next_of(r);
    CHECK_FALSE(s.record.deleted);
    CHECK(text(s, "address") == "4 Mill Lane");
    REQUIRE(r.conflicts.size() == 1);
    CHECK(r.conflicts[0].field == "deleted");
    CHECK(r.conflicts[0].kept == Value{std::int64_t{0}});
    CHECK(r.conflicts[0].other == Value{std::int64_t{1}});
    CHECK(r.conflicts[0].kept_author == "sam");
    CHECK(r.conflicts[0].other_author == "jo");
    CHECK(s.deleted_stamp.rev == 3);
  }
  SECTION("edited on the server, then deleted from a device that had not seen it: kept with a conflict") {
    auto server = office("person", dana(), "p1", {{"phone", "07700 900999"}}, 2, kNow - 10 * kMinute);
    auto r = merge("person", server, op("person", "p1", "delete", 1, json::object(), clock(kNow - 5 * kMinute, kPhone)), ctx("sam", 3));
    REQUIRE(r.outcome == Outcome::conflict);
    const auto s = next_of(r);
    CHECK_FALSE(s.record.deleted);
    CHECK(text(s, "phone") == "07700 900999");
    REQUIRE(r.conflicts.size() == 1);
    CHECK(r.conflicts[0].field == "deleted");
    CHECK(r.conflicts[0].kept == Value{std::int64_t{0}});
    CHECK(r.conflicts[0].other == Value{std::int64_t{1}});
    CHECK(r.conflicts[0].kept_author == "office.amy");
    CHECK(r.conflicts[0].other_author == "sam");
  }
  SECTION("nothing changed since the device's base: the delete applies") {
    auto r = merge("person", dana(), op("person", "p1", "delete", 1, json::object(), clock(kNow, kPhone)), ctx("sam", 2));
    CHECK(r.outcome == Outcome::applied);
    CHECK(next_of(r).record.deleted);
  }
  SECTION("deleting what the server does not have is refused") {
    rejected(merge("person", std::nullopt, op("person", "p1", "delete", 0, json::object(), clock(kNow, kPhone)), ctx("sam", 2)),
             "the record is not on the server");
  }
}

TEST_CASE("operations one device queued before hearing back do not conflict with each other") {
  // Created and then edited offline: the edit still carries base_rev 0.
  auto created = next_of(merge("person", std::nullopt,
                               op("person", "p5", "create", 0, {{"name", "Kai Osei"}, {"phone", "1"}}, clock(kNow - 2, kPhone)),
                               ctx("sam", 10)));
  auto edited = merge("person", created, op("person", "p5", "update", 0, {{"name", "Kai Osei-Brown"}}, clock(kNow - 1, kPhone)),
                      ctx("sam", 11));
  CHECK(edited.outcome == Outcome::applied);
  CHECK(edited.conflicts.empty());
  CHECK(text(next_of(edited), "name") == "Kai Osei-Brown");
  // Another device, equally unaware, does conflict.
  auto other = merge("person", next_of(edited), op("person", "p5", "update", 0, {{"name", "K. Osei"}}, clock(kNow, kTablet)),
                     ctx("jo", 12));
  CHECK(other.outcome == Outcome::conflict);
}

TEST_CASE("a rejected operation changes nothing") {
  const auto s = dana();
  auto at = clock(kNow, kPhone);
  rejected(merge("person", std::nullopt, op("person", "p7", "update", 0, {{"name", "X"}}, at), ctx("sam", 2)),
           "the record is not on the server");
  rejected(merge("person", s, op("person", "p1", "update", 1, {{"nickname", "D"}}, at), ctx("sam", 2)), "no field \"nickname\"");
  rejected(merge("person", s, op("person", "p1", "update", 1, {{std::string("bad\x01name"), "D"}}, at), ctx("sam", 2)),
           "an unnamed field");
  rejected(merge("person", s, op("person", "p1", "update", 1, {{"name", 42}}, at), ctx("sam", 2)), "\"name\" must be text");
  rejected(merge("person", s, op("person", "p1", "update", 1, {{"name", nullptr}}, at), ctx("sam", 2)), "needs a value for \"name\"");
  rejected(merge("person", s, op("person", "p1", "update", 1, {{"name", ""}}, at), ctx("sam", 2)), "needs a value");
  rejected(merge("person", s, op("person", "p1", "update", 1, {{"name", std::string("Dana \xff")}}, at), ctx("sam", 2)), "UTF-8");
  rejected(merge("person", s, op("person", "p1", "update", 1, {{"markers", {{"add", {std::string("dog \xff")}}}}}, at), ctx("sam", 2)),
           "UTF-8");
  rejected(merge("person", s, op("person", "p1", "update", 1, {{"markers", {std::string("dog \xff")}}}, at), ctx("sam", 2)), "UTF-8");
  rejected(merge("visit", planned_visit(), op("visit", "v1", "update", 1, {{"planned_end", "tomorrow-ish"}}, at), ctx("sam", 2)),
           "date and time");
  rejected(merge("visit", planned_visit(), op("visit", "v1", "update", 1, {{"check_in_lat", "52.1"}}, at), ctx("sam", 2)), "number");
  rejected(merge("case", std::nullopt, op("case", "c1", "update", 0, {{"visit_interval_days", 1.5}}, at), ctx("sam", 2)),
           "not on the server");
  rejected(merge("person", s, op("person", "p1", "update", 1, {{"name", "D"}}, clock(kNow, "server")), ctx("sam", 2)), "no device");
  rejected(merge("person", s, op("person", "p1", "update", 1, {{"name", "D"}}, "yesterday"), ctx("sam", 2)), "clock");
  rejected(merge("person", s, op("person", "p1", "archive", 1, {{"name", "D"}}, at), ctx("sam", 2)), "unknown action");
  rejected(merge("person", s, op("visit", "p1", "update", 1, {{"name", "D"}}, at), ctx("sam", 2)), "not for a person");
  rejected(merge("quarantine", std::nullopt, op("quarantine", "q1", "create", 0, {{"reason", "x"}}, at), ctx("sam", 2)),
           "never leaves the device");
  rejected(merge("person", std::nullopt, op("person", "p8", "create", 0, {{"phone", "1"}}, at), ctx("sam", 2)),
           "needs a value for \"name\"");
  // A rejection part-way through the fields leaves even the earlier, valid fields unapplied.
  rejected(merge("person", s, op("person", "p1", "update", 1, {{"address", "ok"}, {"zzz", 1}}, at), ctx("sam", 2)), "zzz");
}

TEST_CASE("office changes are typed, stamped with the server clock, and create what is missing") {
  SECTION("a create stamps every field with the office user and the server clock") {
    auto s = dana();
    CHECK(s.record.rev == 1);
    CHECK(s.record.hlc == clock(kNow - 60 * kMinute, "server"));
    for (const char* f : {"name", "phone", "markers"}) {
      CHECK(s.stamps.at(f).author == "office.amy");
      CHECK(s.stamps.at(f).rev == 1);
      CHECK(s.stamps.at(f).hlc == clock(kNow - 60 * kMinute, "server"));
    }
  }
  SECTION("a create without a required field names it") {
    auto r = apply_office_change(type("case"), std::nullopt, "c1", {{"person_id", "p1"}, {"kind", "children"}}, ctx("office.amy", 1));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::invalid_argument);
    CHECK(r.error().message.find("\"status\"") != std::string::npos);
  }
  SECTION("unknown fields and mistyped values are invalid_argument") {
    auto unknown = apply_office_change(type("person"), dana(), "p1", {{"shoe_size", 9}}, ctx("office.amy", 2));
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().code == ErrorCode::invalid_argument);
    CHECK(unknown.error().message.find("shoe_size") != std::string::npos);
    auto mistyped = apply_office_change(type("case"), std::nullopt, "c1",
                                        {{"person_id", "p1"}, {"kind", "children"}, {"status", "open"}, {"visit_interval_days", "ten"}},
                                        ctx("office.amy", 1));
    REQUIRE_FALSE(mistyped.ok());
    CHECK(mistyped.error().code == ErrorCode::invalid_argument);
    CHECK_FALSE(apply_office_change(type("person"), dana(), "p1", json::array(), ctx("office.amy", 2)).ok());
    CHECK_FALSE(apply_office_change(type("person"), dana(), "p1", {{"name", nullptr}}, ctx("office.amy", 2)).ok());
  }
  SECTION("the office reallocates a case; a fixed field stays fixed even for the office") {
    auto c = office("case", std::nullopt, "c1", {{"person_id", "p1"}, {"kind", "children"}, {"status", "open"}}, 1, kNow - kDay);
    auto moved = office("case", c, "c1", {{"worker", "jo"}, {"team", "south"}}, 2, kNow);
    CHECK(text(moved, "worker") == "jo");
    CHECK(moved.stamps.at("worker").rev == 2);
    CHECK(moved.stamps.at("kind").rev == 1);
    CHECK(moved.record.rev == 2);
    CHECK(moved.record.hlc == clock(kNow, "server"));
    auto kind = apply_office_change(type("case"), moved, "c1", {{"kind", "reablement"}}, ctx("office.amy", 3));
    REQUIRE_FALSE(kind.ok());
    CHECK(kind.error().code == ErrorCode::immutable);
  }
  SECTION("set fields take a list or a delta; a value set again keeps its stamp") {
    auto s = office("person", dana(), "p1", {{"markers", {{"add", {"oxygen in use"}}, {"remove", {"dog at property"}}}}, {"name", "Dana Whitfield"}},
                    2, kNow);
    CHECK(markers(s) == json::array({"oxygen in use"}));
    CHECK(s.stamps.at("markers").rev == 2);
    CHECK(s.stamps.at("name").rev == 1);
  }
}

TEST_CASE("what a real device store queues merges cleanly into an empty server") {
  test::TempDir dir;
  ManualClock wall(kNow);
  auto store = test::make_store(dir.path(), test::fast_options(&wall));
  auto st = store->write([&](Writer& w) -> Status {
    auto a = w.change("person", "p1", {{"name", std::string("Dana Whitfield")}, {"markers", std::string(R"(["dog at property"])")}}, "created");
    if (!a) return a.error();
    auto b = w.change("person", "p1", {{"markers", std::string(R"(["lone-worker risk"])")}, {"phone", std::string("1")}}, "changed");
    if (!b) return b.error();
    return Status{};
  });
  REQUIRE(st.ok());
  FieldReports reports(*store);
  FieldReportInput in;
  in.category = "fly-tipping";
  in.priority = "normal";
  auto rep = reports.create(in);
  INFO((rep ? "" : rep.error().describe()));
  REQUIRE(rep.ok());

  auto outbox = store->outbox();
  REQUIRE(outbox.ok());
  REQUIRE(outbox->size() == 3);
  std::map<std::string, ServerRecord> server;
  std::int64_t rev = 0;
  for (const auto& o : *outbox) {
    Operation wire;
    wire.seq = o.seq;
    wire.op_id = o.op_id;
    wire.record_type = o.record_type;
    wire.record_id = o.record_id;
    wire.action = o.action;
    wire.base_rev = o.base_rev;
    wire.fields = json::parse(o.fields);
    wire.hlc = o.hlc;
    std::optional<ServerRecord> current;
    if (auto it = server.find(o.record_id); it != server.end()) current = it->second;
    auto r = merge(o.record_type.c_str(), current, wire, ctx("alex", ++rev));
    INFO(o.record_type << " " << o.action << ": " << r.reason);
    CHECK(r.outcome == Outcome::applied);
    server[o.record_id] = next_of(r);
  }
  CHECK(text(server.at("p1"), "phone") == "1");
  CHECK(markers(server.at("p1")) == json::array({"lone-worker risk"}));
  CHECK(text(server.at(rep->report.id), "status") == "reported");
}
