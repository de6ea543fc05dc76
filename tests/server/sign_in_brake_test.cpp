// The bounded pool every Argon2id hash and check waits in (Hub::password_gate()).
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>
#include <vector>

#include "server_fixture.h"

using namespace doorstep;
using namespace doorstep::server;
using namespace doorstep::server::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

Reply login(TestServer& s, const std::string& user, const std::string& password) {
  return s.call_json("POST", "/v1/office/login", {{"username", user}, {"password", password}});
}

Reply enrol(TestServer& s, const std::string& user, const std::string& password, const std::string& device = "dev-1") {
  return s.call_json("POST", "/v1/enrol",
                     {{"username", user}, {"password", password}, {"device_id", device}, {"device_name", "tablet"}});
}

bool eventually(const std::function<bool()>& done) {
  for (int i = 0; i < 5000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return done();
}

}  // namespace

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
