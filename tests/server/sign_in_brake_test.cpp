// The brake on password guessing at /v1/office/login, /v1/enrol and /v1/token, and
// the bounded pool every Argon2id check waits in. Time is the hub's TestClock: a
// lock's minutes pass in one call. Every request comes from 127.0.0.1, the source.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "doorstep/core/clock.h"
#include "server_fixture.h"

using namespace doorstep;
using namespace doorstep::server;
using namespace doorstep::server::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const char* kWrong = "not-the-password";

ServerOptions with_clock(const TestClock& clock) {
  ServerOptions o;
  o.clock = &clock;
  o.access_ttl_s = 86400;  // the office token outlives the locks these tests wait out
  return o;
}

Reply login(TestServer& s, const std::string& user, const std::string& password) {
  return s.call_json("POST", "/v1/office/login", {{"username", user}, {"password", password}});
}

Reply enrol(TestServer& s, const std::string& user, const std::string& password, const std::string& device = "dev-1") {
  return s.call_json("POST", "/v1/enrol",
                     {{"username", user}, {"password", password}, {"device_id", device}, {"device_name", "tablet"}});
}

Reply refresh(TestServer& s, const std::string& device, const std::string& token) {
  return s.call_json("POST", "/v1/token", {{"device_id", device}, {"refresh_token", token}});
}

std::string retry_after(const Reply& r) {
  auto it = r.headers.find("Retry-After");
  return it == r.headers.end() ? std::string() : it->second;
}

// A 429 too_many_attempts saying to come back in `seconds`.
void require_locked(const Reply& r, std::int64_t seconds) {
  INFO(r.status << " " << r.body);
  REQUIRE(r.status == 429);
  CHECK(r.error_code() == "too_many_attempts");
  CHECK_FALSE(r.json["message"].get<std::string>().empty());
  CHECK(retry_after(r) == std::to_string(seconds));
}

void require_refused(const Reply& r) {
  INFO(r.body);
  REQUIRE(r.status == 401);
  CHECK(r.error_code() == "unauthorised");
}

json lockouts(TestServer& s) {
  json out = json::array();
  const json events = s.office("GET", "/v1/office/audit?actor=server")["events"];
  for (const auto& e : events)
    if (e["action"] == "locked_out") out.push_back(e);
  return out;
}

bool eventually(const std::function<bool()>& done) {
  for (int i = 0; i < 5000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return done();
}

}  // namespace

TEST_CASE("five wrong passwords lock an account, and during the lock the right one is refused too") {
  TestClock clock;
  TestServer s(with_clock(clock));
  s.office_token();
  for (int i = 0; i < 4; ++i) require_refused(login(s, "office", kWrong));
  require_locked(login(s, "office", kWrong), 60);  // the fifth makes the lock

  require_locked(login(s, "office", kOfficePassword), 60);
  clock.advance(59'500);
  require_locked(login(s, "office", kOfficePassword), 1);  // whole seconds, rounded up
  clock.advance(500);
  CHECK(login(s, "office", kOfficePassword).status == 200);

  // The lock used up its failures: it takes five more to lock again.
  for (int i = 0; i < 4; ++i) require_refused(login(s, "office", kWrong));
  require_locked(login(s, "office", kWrong), 120);
}

TEST_CASE("a success clears the account's failures, and failures of unknown names count like any") {
  TestClock clock;
  auto o = with_clock(clock);
  o.sign_in.source_failures = 1000;  // accounts' locks only
  TestServer s(o);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 4; ++i) require_refused(login(s, "office", kWrong));
    CHECK(login(s, "office", kOfficePassword).status == 200);
  }
  // An unknown name locks as a known one does: a 429 tells nothing about who exists.
  for (int i = 0; i < 4; ++i) require_refused(login(s, "nobody", kWrong));
  require_locked(login(s, "nobody", kWrong), 60);
  // Failures older than the window no longer count.
  for (int i = 0; i < 4; ++i) require_refused(login(s, "someone", kWrong));
  clock.advance(900'001);
  require_refused(login(s, "someone", kWrong));
  for (int i = 0; i < 3; ++i) require_refused(login(s, "someone", kWrong));
  require_locked(login(s, "someone", kWrong), 60);
}

TEST_CASE("twenty failures from one address lock that address for every account") {
  TestClock clock;
  TestServer s(with_clock(clock));
  s.add_worker("sam");
  s.office_token();
  for (int i = 1; i < 20; ++i) require_refused(login(s, "guess-" + std::to_string(i), kWrong));
  require_locked(login(s, "guess-20", kWrong), 60);

  // Any account, any of the three endpoints, right password or not.
  require_locked(login(s, "office", kOfficePassword), 60);
  require_locked(enrol(s, "sam", kWorkerPassword), 60);
  require_locked(refresh(s, "dev-1", "anything"), 60);

  clock.advance(60'000);
  CHECK(login(s, "office", kOfficePassword).status == 200);
  REQUIRE(enrol(s, "sam", kWorkerPassword).status == 200);
  // A success does not clear the source's count: the lock took those failures, so
  // twenty new ones lock it again, now for twice as long.
  for (int i = 1; i < 20; ++i) require_refused(login(s, "again-" + std::to_string(i), kWrong));
  require_locked(login(s, "again-20", kWrong), 120);
}

TEST_CASE("each further lock of a subject lasts twice as long, up to an hour, and a quiet day starts again") {
  TestClock clock;
  auto o = with_clock(clock);
  o.sign_in.source_failures = 1000;  // the account's locks only
  TestServer s(o);
  const std::vector<std::int64_t> lengths = {60, 120, 240, 480, 960, 1920, 3600, 3600};
  for (const auto length : lengths) {
    for (int i = 0; i < 4; ++i) require_refused(login(s, "office", kWrong));
    require_locked(login(s, "office", kWrong), length);
    clock.advance(length * 1000);
    // A right password between locks does not make the next one shorter.
    CHECK(login(s, "office", kOfficePassword).status == 200);
  }
  clock.advance(86'400'000);
  for (int i = 0; i < 4; ++i) require_refused(login(s, "office", kWrong));
  require_locked(login(s, "office", kWrong), 60);
}

TEST_CASE("every lock is audited: locked_out, the account or the address, and why") {
  TestClock clock;
  TestServer s(with_clock(clock));
  s.add_worker("sam");
  s.office_token();
  for (int i = 0; i < 5; ++i) login(s, "sam", kWrong);
  auto events = lockouts(s);
  REQUIRE(events.size() == 1);
  CHECK(events[0]["record_type"] == "account");
  CHECK(events[0]["record_id"] == "sam");
  CHECK(events[0]["device"] == "server");
  CHECK(events[0]["at"] == format_timestamp(clock.now_ms()));
  const std::string detail = events[0]["detail"];
  CHECK(detail.find("locked for 60 s") != std::string::npos);
  CHECK(detail.find("127.0.0.1") != std::string::npos);
  {
    auto db = s.hub().pool().lease();
    REQUIRE(db.ok());
    auto source = (*db)->query("SELECT source FROM audit WHERE action = 'locked_out'");
    REQUIRE(source.ok());
    REQUIRE(source->size() == 1);
    CHECK(source->front().text(0) == "127.0.0.1");  // the address of the failure that made the lock
  }

  // Refused attempts during the lock are not failures and make no further event.
  for (int i = 0; i < 10; ++i) require_locked(login(s, "sam", kWrong), 60);
  CHECK(lockouts(s).size() == 1);

  clock.advance(1000);
  for (int i = 0; i < 15; ++i) login(s, "guess-" + std::to_string(i), kWrong);
  events = lockouts(s);
  REQUIRE(events.size() == 2);
  CHECK(events[0]["record_type"] == "source");  // newest first
  CHECK(events[0]["record_id"] == "127.0.0.1");
}

TEST_CASE("wrong passwords at enrolment lock the worker at every endpoint, their devices' refresh too") {
  TestClock clock;
  TestServer s(with_clock(clock));
  s.add_worker("sam");
  TestDevice tablet(s, "sam");
  for (int i = 0; i < 4; ++i) require_refused(enrol(s, "sam", kWrong));
  require_locked(enrol(s, "sam", kWrong), 60);

  require_locked(enrol(s, "sam", kWorkerPassword), 60);
  require_locked(login(s, "sam", kWorkerPassword), 60);
  require_locked(refresh(s, tablet.device_id, tablet.refresh_token), 60);
  clock.advance(60'000);
  CHECK(enrol(s, "sam", kWorkerPassword).status == 200);
  CHECK(refresh(s, tablet.device_id, tablet.refresh_token).status == 200);
}

TEST_CASE("wrong refresh credentials lock the device's worker, and an unknown device counts for the address only") {
  TestClock clock;
  TestServer s(with_clock(clock));
  s.add_worker("sam");
  TestDevice tablet(s, "sam");
  for (int i = 0; i < 4; ++i) require_refused(refresh(s, tablet.device_id, "guessed-" + std::to_string(i)));
  require_locked(refresh(s, tablet.device_id, "guessed-4"), 60);
  require_locked(refresh(s, tablet.device_id, tablet.refresh_token), 60);
  require_locked(enrol(s, "sam", kWorkerPassword, "dev-2"), 60);
  auto events = lockouts(s);
  REQUIRE(events.size() == 1);
  CHECK(events[0]["record_id"] == "sam");

  clock.advance(60'000);
  auto ok = refresh(s, tablet.device_id, tablet.refresh_token);
  INFO(ok.body);
  REQUIRE(ok.status == 200);
  CHECK(s.call("GET", "/v1/sync/changes", "", ok.json["access_token"]).status == 200);

  // Ten wrong guesses at unknown devices: no account to lock, the address's count grows.
  for (int i = 0; i < 10; ++i) require_refused(refresh(s, "no-such-device", "guess"));
  for (int i = 0; i < 4; ++i) require_refused(login(s, "guess-" + std::to_string(i), kWrong));  // 5 + 10 + 4 = 19
  require_locked(login(s, "guess-last", kWrong), 60);
}

TEST_CASE("attempts at one account running at once count towards its limit: no more than five are checked") {
  TestClock clock;
  auto o = with_clock(clock);
  o.concurrent_password_checks = 1;
  TestServer s(o);
  auto& gate = s.hub().password_gate();
  auto& brake = s.hub().sign_in_brake();
  std::vector<Reply> replies(20);
  std::atomic<int> answered{0};
  std::vector<std::jthread> threads;  // joined on every path, a failed REQUIRE too
  {
    auto held = gate.enter();  // every check waits: all twenty would pass an unlocked check at once
    for (int i = 0; i < 20; ++i) {
      threads.emplace_back([&, i] {
        replies[static_cast<std::size_t>(i)] = login(s, "office", kWrong);
        ++answered;
      });
      // One connection at a time: more at once overflow httplib's listen backlog (5).
      REQUIRE(eventually([&] { return gate.waiting() + brake.waiting() == std::size_t(i) + 1; }));
    }
    // Five at the password check, the other fifteen held before it.
    CHECK(gate.waiting() == 5);
    CHECK(brake.waiting() == 15);
    CHECK(s.call("GET", "/metrics").body.find("doorstep_sign_ins_waiting 15\n") != std::string::npos);
    CHECK(answered == 0);
  }
  for (auto& t : threads) t.join();
  // The five failed, the fifth made the lock, and the fifteen saw it unchecked.
  int refused = 0, locked = 0;
  for (const auto& r : replies) {
    INFO(r.status << " " << r.body);
    if (r.status == 401) ++refused;
    if (r.status == 429 && retry_after(r) == "60") ++locked;
  }
  CHECK(refused + locked == 20);
  CHECK(refused <= 4);  // 4, or fewer when the last failures were counted at once
  // Each wrong password checked is a failure of the address: five, no more.
  auto db = s.hub().pool().lease();
  REQUIRE(db.ok());
  auto n = (*db)->query("SELECT count(*) FROM sign_in_failure WHERE subject = 'source:127.0.0.1'");
  REQUIRE(n.ok());
  CHECK(n->front().integer(0) == 5);
}

TEST_CASE("right passwords for one account at once are only queued, never refused") {
  ServerOptions o;
  o.concurrent_password_checks = 1;
  TestServer s(o);
  auto& gate = s.hub().password_gate();
  std::vector<Reply> replies(12);
  std::vector<std::jthread> threads;  // joined on every path, a failed REQUIRE too
  {
    auto held = gate.enter();
    for (int i = 0; i < 12; ++i) {
      threads.emplace_back([&, i] { replies[static_cast<std::size_t>(i)] = login(s, "office", kOfficePassword); });
      REQUIRE(eventually([&] { return gate.waiting() + s.hub().sign_in_brake().waiting() == std::size_t(i) + 1; }));
    }
  }
  for (auto& t : threads) t.join();
  for (const auto& r : replies) CHECK(r.status == 200);
}

TEST_CASE("no more Argon2id checks run at once than the pool's slots, and the rest wait their turn") {
  ServerOptions o;
  o.concurrent_password_checks = 2;
  TestServer s(o);
  s.add_worker("sam");
  auto& gate = s.hub().password_gate();
  CHECK(gate.capacity() == 2);
  auto metrics = s.call("GET", "/metrics").body;
  CHECK(metrics.find("doorstep_password_check_slots 2\n") != std::string::npos);
  CHECK(metrics.find("doorstep_password_checks_running 0\n") != std::string::npos);

  s.office_token();  // signed in before the pool is full
  std::atomic<int> status{0}, made{0};
  std::jthread signing_in, creating;  // joined on every path, a failed REQUIRE too
  {
    auto first = gate.enter();
    auto second = gate.enter();  // both slots taken
    signing_in = std::jthread([&] { status = enrol(s, "sam", kWorkerPassword).status; });
    REQUIRE(eventually([&] { return gate.waiting() == 1; }));
    // A new account's hash waits in the same pool, behind the sign-in.
    creating = std::jthread([&] {
      auto r = s.call("POST", "/v1/office/accounts",
                      json{{"username", "alex"}, {"password", kWorkerPassword}, {"role", "worker"}}.dump(),
                      s.office_token());
      made = r.status;
    });
    REQUIRE(eventually([&] { return gate.waiting() == 2; }));
    std::this_thread::sleep_for(20ms);
    CHECK(status == 0);
    CHECK(made == 0);
    metrics = s.call("GET", "/metrics").body;
    CHECK(metrics.find("doorstep_password_checks_running 2\n") != std::string::npos);
    CHECK(metrics.find("doorstep_password_checks_waiting 2\n") != std::string::npos);
  }
  signing_in.join();
  creating.join();
  CHECK(status == 200);
  CHECK(made == 200);
  CHECK(gate.waiting() == 0);
  CHECK(gate.inside() == 0);

  // Many at once: every one answered, never more than two inside.
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> most{0};
  std::thread watcher([&] {
    while (!stop) {
      most = std::max(most.load(), gate.inside());
      std::this_thread::yield();
    }
  });
  std::vector<std::thread> many;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i)
    many.emplace_back([&] {
      for (int k = 0; k < 5; ++k)
        if (login(s, "office", kOfficePassword).status == 200) ++ok;
    });
  for (auto& t : many) t.join();
  stop = true;
  watcher.join();
  CHECK(ok == 40);
  CHECK(most <= 2);
}

TEST_CASE("instances on one PostgreSQL database count failures together and share their locks") {
  TestClock clock;
  TestServer a(with_clock(clock));
  if (a.backend() != "postgresql") return;  // one SQLite hub is one process (its data directory's lock)
  auto o = with_clock(clock);
  o.database = a.database_url();
  TestServer b(o);
  for (int i = 0; i < 3; ++i) require_refused(login(a, "office", kWrong));
  require_refused(login(b, "office", kWrong));
  require_locked(login(b, "office", kWrong), 60);
  require_locked(login(a, "office", kOfficePassword), 60);
  require_locked(login(b, "office", kOfficePassword), 60);
  clock.advance(60'000);
  CHECK(login(b, "office", kOfficePassword).status == 200);
  CHECK(lockouts(a).size() == 1);
}
