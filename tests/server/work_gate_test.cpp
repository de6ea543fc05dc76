// WorkGate: never more holders than its capacity, and waiting turns taken in order
// of arrival. Threads only record; every check runs on the main thread.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "hub/work_gate.h"

using doorstep::server::WorkGate;
using namespace std::chrono_literals;

namespace {

// Waits (bounded) until the gate has n waiting.
bool until_waiting(const WorkGate& gate, std::size_t n) {
  for (int i = 0; i < 2000; ++i) {
    if (gate.waiting() == n) return true;
    std::this_thread::sleep_for(1ms);
  }
  return false;
}

}  // namespace

TEST_CASE("a work gate lets in at most its capacity at once, and every caller in the end") {
  WorkGate gate(2);
  CHECK(gate.capacity() == 2);
  std::atomic<int> inside{0}, most{0}, done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto turn = gate.enter();
        const int now = ++inside;
        for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
        }
        std::this_thread::sleep_for(100us);
        --inside;
      }
      ++done;
    });
  for (auto& t : threads) t.join();
  CHECK(done == 8);
  CHECK(most == 2);  // full use of the capacity, never more
  CHECK(gate.waiting() == 0);
}

TEST_CASE("callers waiting at a full gate enter in the order they came") {
  WorkGate gate(1);
  std::mutex mu;
  std::vector<int> order;
  std::vector<std::thread> threads;
  {
    auto held = gate.enter();
    for (int t = 0; t < 5; ++t) {
      threads.emplace_back([&, t] {
        auto turn = gate.enter();
        std::lock_guard<std::mutex> g(mu);
        order.push_back(t);
      });
      // The next one starts only once this one waits: arrival order is 0, 1, 2 ...
      REQUIRE(until_waiting(gate, static_cast<std::size_t>(t + 1)));
    }
  }  // the holder leaves; the five go through one at a time
  for (auto& t : threads) t.join();
  CHECK(order == std::vector<int>{0, 1, 2, 3, 4});
  CHECK(gate.waiting() == 0);
}

TEST_CASE("a work gate asked for no room still lets one in at a time") {
  WorkGate gate(0);
  CHECK(gate.capacity() == 1);
  auto turn = gate.enter();
  CHECK(gate.waiting() == 0);
}
