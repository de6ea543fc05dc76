// LowPriorityWorkers: a few threads that run slow CPU work below the priority of
// the threads that answer requests.
//
// Every Argon2id hash and check (hub/accounts.h) runs on one of these. A flood of
// wrong sign-ins then still costs its CPU, but only when a core would otherwise be
// idle: the thread that writes pushes and the threads that build pages preempt it.
// Bounding how many checks run at once (Hub::password_gate) was not enough on its
// own: one check at a time at normal priority took one of two cores for the whole
// flood, and a syncing device's push p99 went from 3 to 12 ms (bench/auth_flood).
//
// The threads lower their own priority once, when they start (on Linux, a nice
// value kNiceIncrement above the process's); a thread can lower its priority
// without privileges but cannot raise it again, which is why the work moves to
// dedicated threads instead of the request thread lowering itself for a while.
// Elsewhere the threads run at normal priority.
//
// run() hands a job to a free thread and waits for it; callers bound how many run
// at once (the password gate lets in no more than there are threads), so a job
// never waits for a thread. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace doorstep::server {

class LowPriorityWorkers {
 public:
  static constexpr int kNiceIncrement = 10;

  // Starts `threads` threads (0 is taken as 1).
  explicit LowPriorityWorkers(std::size_t threads);
  ~LowPriorityWorkers();
  LowPriorityWorkers(const LowPriorityWorkers&) = delete;
  LowPriorityWorkers& operator=(const LowPriorityWorkers&) = delete;

  // Runs `job` on one of the threads and returns when it has finished. The job must
  // not throw (what it computes, it writes through its captures).
  void run(const std::function<void()>& job) const;

  std::size_t threads() const { return threads_.size(); }

 private:
  struct Job {
    const std::function<void()>* work;
    bool done = false;
  };
  void serve();

  mutable std::mutex mu_;
  mutable std::condition_variable wake_;  // a job queued, or stopping
  mutable std::condition_variable done_;  // a job finished
  mutable std::deque<Job*> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace doorstep::server
