// LowPriorityWorkers: jobs run on the pool's own threads, below the caller's
// priority, as many at once as there are threads, and run() returns only when its
// job is done. Threads only record; every check runs on the main thread.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "hub/low_priority_workers.h"

using doorstep::server::LowPriorityWorkers;
using namespace std::chrono_literals;

namespace {

#if defined(__linux__)
int own_nice() {
  return ::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)));
}
#endif

}  // namespace

TEST_CASE("a job runs on a pool thread, and run() returns with its result written") {
  LowPriorityWorkers workers(1);
  CHECK(workers.threads() == 1);
  std::thread::id ran_on;
  int answer = 0;
  workers.run([&] {
    ran_on = std::this_thread::get_id();
    std::this_thread::sleep_for(20ms);  // run() must wait for this
    answer = 42;
  });
  CHECK(answer == 42);
  CHECK(ran_on != std::thread::id());
  CHECK(ran_on != std::this_thread::get_id());
}

#if defined(__linux__)
TEST_CASE("the pool's threads run below the priority of the thread that hands them work") {
  LowPriorityWorkers workers(2);
  const int mine = own_nice();
  int theirs = -100;
  workers.run([&] { theirs = own_nice(); });
  // The nice value is capped at 19: a caller already at 15 gets 19, not 25.
  CHECK(theirs == std::min(19, mine + LowPriorityWorkers::kNiceIncrement));
  CHECK(theirs > mine);
  CHECK(own_nice() == mine);  // the caller's own priority is untouched
}
#endif

TEST_CASE("two threads run two jobs at once, and every job of many callers runs once") {
  LowPriorityWorkers workers(2);
  // Each of the first two jobs waits (bounded) for the other to start: with one
  // thread they could only run one after the other and both would time out.
  std::atomic<int> started{0};
  std::atomic<int> met{0};
  auto meet = [&] {
    ++started;
    for (int i = 0; i < 5000 && started.load() < 2; ++i) std::this_thread::sleep_for(1ms);
    if (started.load() >= 2) ++met;
  };
  {
    std::jthread a([&] { workers.run(meet); });
    std::jthread b([&] { workers.run(meet); });
  }
  CHECK(met == 2);

  std::atomic<int> runs{0};
  {
    std::vector<std::jthread> callers;
    for (int i = 0; i < 8; ++i)
      callers.emplace_back([&] {
        for (int k = 0; k < 25; ++k) workers.run([&] { ++runs; });
      });
  }
  CHECK(runs == 200);
}

TEST_CASE("a pool with no threads asked for has one") {
  LowPriorityWorkers workers(0);
  CHECK(workers.threads() == 1);
  bool ran = false;
  workers.run([&] { ran = true; });
  CHECK(ran);
}
