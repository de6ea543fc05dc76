// Two doorstep-server processes on one PostgreSQL database, as behind a load
// balancer: devices alternate between them and push to the same visit and case at
// the same time. The end state is that of a serial order (each field holds the write
// with the latest clock), every acknowledged operation is applied exactly once,
// conflicts are recorded, a reader pulling live through both misses nothing, and a
// push retried at the other instance after a lost response gets the same answers.
// Registered only as "e2e-pg/…" (a throwaway cluster, scripts/pg-cluster); run
// without DOORSTEP_TEST_POSTGRES each test fails and says why.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "doorstep/core/case_notes.h"
#include "doorstep/core/hlc.h"
#include "doorstep/core/visits.h"
#include "fault_transport.h"
#include "hub.h"
#include "pg_test_database.h"

using namespace doorstep;
using namespace doorstep::e2e;
using nlohmann::json;

namespace {

std::map<std::string, json> exported(Hub& hub, const std::string& type) {
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

Hub::Options on(const std::string& database) {
  Hub::Options o;
  o.database = database;
  return o;
}

std::unique_ptr<client::CurlTransport> transport_to(const Hub& hub) {
  auto t = client::CurlTransport::create(hub.url());
  REQUIRE(t.ok());
  return std::move(*t);
}

// One device of the worker, with a transport to each instance, and what it wrote.
struct Worker {
  std::unique_ptr<Device> device;
  std::unique_ptr<client::CurlTransport> to[2];
  std::map<std::string, std::string> purposes;  // hlc -> the purpose written then
  std::set<std::string> notes;
  std::int64_t ops = 0;
  client::SyncSummary total;
  std::string error;  // the first failed sync, if any

  void add(const client::SyncSummary& s) {
    total.pushed += s.pushed;
    total.applied += s.applied;
    total.merged += s.merged;
    total.conflicts += s.conflicts;
    total.rejected += s.rejected;
  }
};

}  // namespace

TEST_CASE("devices alternating between two instances converge on a serial order, each change applied once") {
  test::PgTestDatabase pg(test::require_postgres_base_url());
  Hub a(on(pg.url())), b(on(pg.url()));
  Hub* instance[2] = {&a, &b};
  a.add_worker("sam");
  a.add_case("p1", "Dana Whitfield", "c1", "sam");
  b.add_visit("v1", "c1", "2026-12-01T10:00:00Z");  // office work through either instance

  constexpr int kDevices = 4, kRounds = 8, kNotesPerRound = 2;
  std::vector<Worker> workers(kDevices);
  for (int i = 0; i < kDevices; ++i) {
    // Enrolled at one instance; the tokens it gets are good at the other.
    workers[i].device = std::make_unique<Device>(*instance[i % 2], "sam");
    workers[i].to[0] = transport_to(a);
    workers[i].to[1] = transport_to(b);
    auto first = workers[i].device->sync_through(*workers[i].to[(i + 1) % 2]);
    INFO((first.ok() ? std::string() : first.error().describe()));
    REQUIRE(first.ok());
  }

  // A reader pulls live the whole time, alternating instances page by page.
  Device reader(a, "sam");
  auto reader_to_b = transport_to(b);
  std::atomic<bool> writing{true};
  std::string reader_error;
  int reader_passes = 0;
  std::thread reading([&] {
    for (int pass = 0; writing; ++pass) {
      auto r = reader.sync_through(pass % 2 ? *reader_to_b : reader.transport());
      if (!r.ok() && reader_error.empty()) reader_error = r.error().describe();
      ++reader_passes;
    }
  });

  const auto started = std::chrono::steady_clock::now();
  for (int round = 0; round < kRounds; ++round) {
    // Offline work on every device, from the state each last pulled: the same visit
    // re-planned (purpose and end) and new notes on the case.
    for (int i = 0; i < kDevices; ++i) {
      Worker& w = workers[i];
      const std::string purpose = "purpose from device " + std::to_string(i) + " round " + std::to_string(round);
      const std::string end = "2026-12-01T1" + std::to_string(1 + round % 8) + ":0" + std::to_string(i) + ":00Z";
      auto v = Visits(w.device->store()).replan("v1", {"", "", end, purpose});
      INFO((v.ok() ? std::string() : v.error().describe()));
      REQUIRE(v.ok());
      w.purposes[v->hlc] = purpose;
      ++w.ops;
      for (int k = 0; k < kNotesPerRound; ++k) {
        NoteInput in;
        in.case_id = "c1";
        in.body = "device " + std::to_string(i) + " round " + std::to_string(round) + " note " + std::to_string(k);
        auto n = CaseNotes(w.device->store()).add(in);
        REQUIRE(n.ok());
        w.notes.insert(n->id);
        ++w.ops;
      }
    }
    // Then they all sync at once, each through the instance it did not use last time.
    std::vector<std::thread> syncing;
    for (int i = 0; i < kDevices; ++i)
      syncing.emplace_back([&, i] {
        Worker& w = workers[i];
        auto r = w.device->sync_through(*w.to[(i + round) % 2]);
        if (r.ok()) w.add(*r);
        else if (w.error.empty()) w.error = r.error().describe();
      });
    for (auto& t : syncing) t.join();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  writing = false;
  reading.join();

  // Settle: every device syncs until nothing is left, alternating instances.
  for (int pass = 0; pass < 2; ++pass)
    for (int i = 0; i < kDevices; ++i) {
      auto r = workers[i].device->sync_through(*workers[i].to[(i + pass) % 2]);
      INFO((r.ok() ? std::string() : r.error().describe()));
      REQUIRE(r.ok());
      workers[i].add(*r);
    }
  REQUIRE(reader.sync_through(*reader_to_b).ok());

  std::int64_t ops = 0, applied = 0, merged = 0, conflicts = 0, rejected = 0;
  std::map<std::string, std::string> all_purposes;
  std::set<std::string> all_notes;
  for (auto& w : workers) {
    INFO(w.error);
    CHECK(w.error.empty());
    CHECK(w.device->store().outbox()->empty());
    CHECK(w.device->store().list("quarantine")->empty());
    ops += w.ops;
    applied += w.total.applied;
    merged += w.total.merged;
    conflicts += w.total.conflicts;
    rejected += w.total.rejected;
    all_purposes.insert(w.purposes.begin(), w.purposes.end());
    all_notes.insert(w.notes.begin(), w.notes.end());
  }
  std::printf("two instances on PostgreSQL: %d devices x %d rounds, %lld operations pushed in %.2f s (%.0f ops/s, "
              "%lld conflicts); the live reader made %d passes\n",
              kDevices, kRounds, static_cast<long long>(ops), seconds, static_cast<double>(ops) / seconds,
              static_cast<long long>(conflicts), reader_passes);
  INFO(reader_error);
  CHECK(reader_error.empty());

  // Every operation answered once, none refused; replays are not counted as new.
  CHECK(rejected == 0);
  CHECK(applied + merged + conflicts == ops);
  CHECK(conflicts > 0);  // devices edited one visit from the same base

  // Exactly once: each device's last applied sequence is its last operation.
  const auto devices = a.office("GET", "/v1/office/devices").at("devices");
  std::map<std::string, std::int64_t> last_seq;
  for (const auto& d : devices) last_seq[d.at("device_id").get<std::string>()] = d.at("last_push_seq").get<std::int64_t>();
  for (auto& w : workers) CHECK(last_seq[w.device->store().device_id()] == w.ops);

  // Notes: each exactly once on the server and on every device, the reader included.
  auto server_notes = exported(b, "case_note");
  CHECK(server_notes.size() == all_notes.size());
  for (const auto& id : all_notes) CHECK(server_notes.count(id) == 1);
  for (Device* d : {workers[0].device.get(), workers[1].device.get(), workers[2].device.get(),
                    workers[3].device.get(), &reader}) {
    auto mine = d->store().list("case_note", "case_id", "c1", 100000);
    REQUIRE(mine.ok());
    std::set<std::string> ids;
    for (const auto& n : *mine) ids.insert(n.id);
    CHECK(ids == all_notes);
  }

  // The visit: each field holds the write with the latest clock, as if the writes had
  // come one at a time in clock order; every device and the reader agree.
  const json visit = exported(a, "visit").at("v1");
  const json& fields = visit.at("fields");
  REQUIRE_FALSE(all_purposes.empty());
  CHECK(fields.at("purpose") == all_purposes.rbegin()->second);  // HLC text order is causal order
  for (Device* d : {workers[0].device.get(), workers[1].device.get(), workers[2].device.get(),
                    workers[3].device.get(), &reader}) {
    auto v = d->store().get("visit", "v1");
    REQUIRE(v.ok());
    REQUIRE(v->has_value());
    CHECK((*v)->text("purpose") == fields.at("purpose").get<std::string>());
    CHECK((*v)->text("planned_end") == fields.at("planned_end").get<std::string>());
    CHECK((*v)->rev == visit.at("rev").get<std::int64_t>());
  }

  // Conflicts: recorded for the visit, each keeping two values that were written.
  std::set<std::string> written;
  for (const auto& [hlc, p] : all_purposes) written.insert(json(p).dump());
  std::int64_t purpose_conflicts = 0;
  const json conflict_list = a.office("GET", "/v1/office/conflicts").at("conflicts");
  INFO("conflicts: " << conflict_list.dump().substr(0, 1500));
  for (const auto& c : conflict_list) {
    const json& f = c.at("fields");
    if (f.at("record_id") != "v1" || f.at("field") != "purpose") continue;
    ++purpose_conflicts;
    CHECK(written.count(f.at("kept_value").get<std::string>()) == 1);
    CHECK(written.count(f.at("other_value").get<std::string>()) == 1);
  }
  CHECK(purpose_conflicts == conflicts);
}

TEST_CASE("a push whose response was lost at one instance gets identical answers from the other") {
  test::PgTestDatabase pg(test::require_postgres_base_url());
  Hub a(on(pg.url())), b(on(pg.url()));
  a.add_worker("sam");
  a.add_case("p1", "Dana Whitfield", "c1", "sam");
  a.add_visit("v1", "c1", "2026-12-01T10:00:00Z");

  SECTION("the same request body, answered by each instance") {
    const std::string device_id = "device-raw-1";
    auto enrol = a.raw("POST", "/v1/enrol",
                       json{{"username", "sam"}, {"password", kWorkerPassword}, {"device_id", device_id},
                            {"device_name", "raw"}}.dump());
    REQUIRE(enrol.status == 200);
    const std::string token = json::parse(enrol.body).at("access_token").get<std::string>();
    const std::int64_t visit_rev = exported(a, "visit").at("v1").at("rev").get<std::int64_t>();
    const std::int64_t now = SystemClock::instance().now_ms();
    const json note_fields = {{"case_id", "c1"},       {"body", "seen at home"},
                              {"visibility", "normal"}, {"author", "sam"},
                              {"state", "final"},       {"written_at", "2026-11-25T09:00:00Z"}};
    const json body = {
        {"operations",
         json::array({{{"seq", 1}, {"op_id", new_uuid()}, {"record_type", "case_note"}, {"record_id", new_uuid()},
                       {"action", "create"}, {"base_rev", 0}, {"fields", note_fields},
                       {"hlc", Hlc{now, 1, device_id}.encode()}},
                      {{"seq", 2}, {"op_id", new_uuid()}, {"record_type", "visit"}, {"record_id", "v1"},
                       {"action", "update"}, {"base_rev", visit_rev}, {"fields", {{"purpose", "re-planned"}}},
                       {"hlc", Hlc{now, 2, device_id}.encode()}}})},
        {"audit_events", json::array()},
        {"purged_cases", json::array()}};
    auto first = a.raw("POST", "/v1/sync/push", body.dump(), token);
    REQUIRE(first.status == 200);
    auto again = b.raw("POST", "/v1/sync/push", body.dump(), token);
    REQUIRE(again.status == 200);
    const json r1 = json::parse(first.body).at("results"), r2 = json::parse(again.body).at("results");
    CHECK(r1.size() == 2);
    CHECK(r1 == r2);
    for (const auto& r : r1) CHECK(r.at("outcome") == "applied");
    CHECK(exported(b, "case_note").size() == 1);
    CHECK(exported(b, "visit").at("v1").at("rev") == r1.at(1).at("rev"));
  }

  SECTION("a device whose push answer is lost retries at the other instance") {
    Device d(a, "sam");
    REQUIRE(d.sync().ok());
    NoteInput in;
    in.case_id = "c1";
    in.body = "seen at home";
    auto note = CaseNotes(d.store()).add(in);
    REQUIRE(note.ok());
    REQUIRE(Visits(d.store()).replan("v1", {"", "", "", "re-planned on the doorstep"}).ok());

    FaultTransport faulty(d.transport());
    faulty.arm(FaultTransport::Fault::lose_response, "/v1/sync/push");
    auto lost = d.sync_through(faulty);
    REQUIRE_FALSE(lost.ok());
    CHECK(lost.error().code == ErrorCode::unavailable);
    CHECK(d.store().outbox()->size() == 2);  // the device never heard back
    const auto notes_first = exported(a, "case_note");
    const auto visit_first = exported(a, "visit").at("v1");
    REQUIRE(notes_first.count(note->id) == 1);

    auto to_b = transport_to(b);
    auto retry = d.sync_through(*to_b);
    INFO((retry.ok() ? std::string() : retry.error().describe()));
    REQUIRE(retry.ok());
    CHECK(retry->pushed == 2);
    CHECK(retry->applied == 2);  // the answers stored by the first instance
    CHECK(retry->conflicts == 0);
    CHECK(d.store().outbox()->empty());
    const auto notes_after = exported(b, "case_note");
    CHECK(notes_after.size() == notes_first.size());
    CHECK(notes_after.at(note->id).at("rev") == notes_first.at(note->id).at("rev"));
    CHECK(exported(b, "visit").at("v1").at("rev") == visit_first.at("rev"));
    auto metrics = b.raw("GET", "/metrics");
    CHECK(metrics.body.find("doorstep_push_operations_total{outcome=\"replayed\"} 2") != std::string::npos);
    CHECK(metrics.body.find("doorstep_backend_info{backend=\"postgresql\"} 1") != std::string::npos);
  }
}
