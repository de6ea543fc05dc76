// GroupCommit: write transactions that arrive together share one commit. Every
// write transaction of the hub runs alone (hub/record_rows.h: the sequence), and on
// SQLite with synchronous=FULL each commit waits for an fsync (about 4 ms here), so
// 32 devices pushing at once queued for one fsync each: seconds at p99 (bench/load).
// Here the first waiting thread becomes the leader: it opens one write transaction,
// runs its own work and every work queued behind it (up to kMaxBatch), each in its own
// savepoint, and commits once; the others sleep until their result is known. A work
// that fails is rolled back to its savepoint and fails alone; a failed commit fails
// all. Atomicity per work is what a transaction of its own gave: its effects all
// commit or none do. Thread-safe; one per Hub.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

#include "doorstep/core/result.h"
#include "storage/sql_backend.h"
#include "storage/sql_pool.h"

namespace doorstep::server {

class GroupCommit {
 public:
  static constexpr std::size_t kMaxBatch = 32;

  // Runs inside the shared write transaction; must not begin, commit or roll back.
  using Work = std::function<Status(SqlBackend& db)>;

  // Runs work in a write transaction shared with the works waiting with it, and
  // returns once that transaction committed (the work's status) or failed.
  Status run(SqlPool& pool, const Work& work);

 private:
  struct Item {
    const Work* work;
    Status status;
    bool done = false;
  };
  void lead(SqlPool& pool, std::deque<Item*> batch);

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item*> queue_;
};

}  // namespace doorstep::server
