// Exactly-once push: a lost response or a killed sync never applies a change twice
// and never loses one.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "doorstep/core/case_notes.h"
#include "doorstep/core/visits.h"
#include "fault_transport.h"
#include "hub.h"

using namespace doorstep;
using namespace doorstep::e2e;

namespace {

// Every exported record of a type, by id (the office's view of the server).
std::map<std::string, nlohmann::json> exported(Hub& hub, const std::string& type) {
  auto r = hub.office("GET", "/v1/office/export");
  std::map<std::string, nlohmann::json> out;
  std::istringstream lines(r.is_string() ? r.get<std::string>() : r.dump());
  std::string line;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.value("type", "") == type) out[j["id"].get<std::string>()] = j;
  }
  return out;
}

}  // namespace

TEST_CASE("a push whose response is lost is retried with identical results and no second effect") {
  Hub hub;
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  hub.add_visit("v1", "c1", "2026-12-01T10:00:00Z");
  Device a(hub, "sam");
  REQUIRE(a.sync().ok());
  auto note = CaseNotes(a.store()).add({"c1", "seen at home"});
  REQUIRE(note.ok());
  REQUIRE(Visits(a.store()).check_in("v1", {std::nullopt, "2099-01-01T00:00:00Z", ""}).ok());

  FaultTransport faulty(a.transport());
  faulty.arm(FaultTransport::Fault::lose_response, "/v1/sync/push");
  auto lost = a.sync_through(faulty);
  REQUIRE_FALSE(lost.ok());
  CHECK(lost.error().code == ErrorCode::unavailable);
  CHECK(a.store().outbox()->size() == 2);  // still waiting: the device never heard back

  const auto after_first = exported(hub, "case_note");
  REQUIRE(after_first.count(note->id) == 1);
  const auto visit_first = exported(hub, "visit").at("v1");

  auto retry = a.sync();
  REQUIRE(retry.ok());
  CHECK(retry->pushed == 2);
  CHECK(retry->applied == 2);  // the stored answers, not a second merge
  CHECK(retry->conflicts == 0);
  CHECK(retry->rejected == 0);
  CHECK(a.store().outbox()->empty());
  const auto after_retry = exported(hub, "case_note");
  CHECK(after_retry.size() == after_first.size());
  CHECK(after_retry.at(note->id)["rev"] == after_first.at(note->id)["rev"]);
  CHECK(exported(hub, "visit").at("v1")["rev"] == visit_first["rev"]);
}

TEST_CASE("killing the device mid-sync 30 times ends in the same state as a clean run") {
  Hub hub;
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  Device a(hub, "sam");
  REQUIRE(a.sync().ok());
  a.close();

  // Rounds go on until 30 of them were killed while the child was still syncing (a
  // round whose sync finished before the kill does not count), at most 90 rounds.
  constexpr int kKills = 30, kMaxRounds = 90, kNotesPerRound = 8;
  std::set<std::string> written;
  std::mt19937 rng(20261125);
  int killed_mid_sync = 0, rounds = 0;
  for (; killed_mid_sync < kKills && rounds < kMaxRounds; ++rounds) {
    const int round = rounds;
    // The worker writes between signal drops; then the app starts a sync and dies.
    a.reopen();
    for (int i = 0; i < kNotesPerRound; ++i) {
      auto n = CaseNotes(a.store()).add({"c1", "round " + std::to_string(round) + " note " + std::to_string(i)});
      REQUIRE(n.ok());
      written.insert(n->id);
    }
    a.close();
    int ready[2];
    REQUIRE(pipe(ready) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      close(ready[0]);
      auto s = Store::open(a.store_dir(), SecretString(std::string(test::kPin)), test::fast_options());
      if (!s) _exit(2);
      (void)!write(ready[1], "s", 1);  // unlocked: the sync starts now
      auto t = client::CurlTransport::create(hub.url());
      if (!t) _exit(3);
      client::SyncOptions o;
      o.push_batch = 1;  // many small exchanges: a kill lands between and inside them
      o.page_limit = 3;
      client::SyncEngine engine(**s, **t, o);
      auto r = engine.sync_once();
      _exit(r.ok() ? 0 : 4);
    }
    close(ready[1]);
    char c;
    (void)!read(ready[0], &c, 1);  // wait until the child is syncing (or died)
    close(ready[0]);
    std::uniform_int_distribution<int> delay(0, 60);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay(rng)));
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == 0) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      ++killed_mid_sync;
    }
  }
  INFO("rounds: " << rounds << ", killed while syncing: " << killed_mid_sync);
  CHECK(killed_mid_sync == kKills);

  a.reopen();
  auto final_sync = a.sync();
  INFO((final_sync.ok() ? std::string() : final_sync.error().describe()));
  REQUIRE(final_sync.ok());
  CHECK(a.store().outbox()->empty());
  CHECK(a.store().integrity_check().value() == "ok");
  CHECK(a.store().list("quarantine")->empty());

  // The server holds each note exactly once, with the text the worker wrote.
  const std::size_t total = static_cast<std::size_t>(rounds * kNotesPerRound);
  auto server_notes = exported(hub, "case_note");
  CHECK(server_notes.size() == total);
  for (const auto& id : written) CHECK(server_notes.count(id) == 1);

  // A clean device pulling the same caseload ends with the same notes.
  Device clean(hub, "sam");
  REQUIRE(clean.sync().ok());
  auto mine = a.store().list("case_note", "case_id", "c1", 100000);
  auto theirs = clean.store().list("case_note", "case_id", "c1", 100000);
  REQUIRE(mine.ok());
  REQUIRE(theirs.ok());
  std::map<std::string, std::string> m, t;
  for (const auto& n : *mine) m[n.id] = n.text("body");
  for (const auto& n : *theirs) t[n.id] = n.text("body");
  CHECK(m == t);
  CHECK(m.size() == total);
}
