#include "hub/low_priority_workers.h"

#include <cerrno>

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace doorstep::server {

namespace {

// Lowers the calling thread's priority. On Linux a nice value belongs to a thread
// (setpriority with the thread's id); failing leaves the thread at normal priority,
// which is slower for pushes in a flood but still correct.
void lower_own_priority() {
#if defined(__linux__)
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  errno = 0;
  const int now = ::getpriority(PRIO_PROCESS, tid);
  if (errno == 0) ::setpriority(PRIO_PROCESS, tid, now + LowPriorityWorkers::kNiceIncrement);
#endif
}

}  // namespace

LowPriorityWorkers::LowPriorityWorkers(std::size_t threads) {
  if (threads == 0) threads = 1;
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { serve(); });
}

LowPriorityWorkers::~LowPriorityWorkers() {
  {
    std::lock_guard<std::mutex> g(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

void LowPriorityWorkers::run(const std::function<void()>& job) const {
  Job j{&job};
  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(&j);
  wake_.notify_one();
  done_.wait(lock, [&] { return j.done; });
}

void LowPriorityWorkers::serve() {
  lower_own_priority();
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left to do
    Job* j = queue_.front();
    queue_.pop_front();
    lock.unlock();
    (*j->work)();
    lock.lock();
    j->done = true;
    done_.notify_all();
  }
}

}  // namespace doorstep::server
