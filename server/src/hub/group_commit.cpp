#include "hub/group_commit.h"

namespace doorstep::server {

Status GroupCommit::run(SqlPool& pool, const Work& work) {
  Item mine{&work, {}, false};
  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(&mine);
  // Wait until a leader has run this work, or this work is at the front: then lead.
  cv_.wait(lock, [&] { return mine.done || queue_.front() == &mine; });
  if (mine.done) return mine.status;
  std::deque<Item*> batch;
  for (auto it = queue_.begin(); it != queue_.end() && batch.size() < kMaxBatch; ++it) batch.push_back(*it);
  lock.unlock();
  lead(pool, batch);
  lock.lock();
  for (std::size_t i = 0; i < batch.size(); ++i) queue_.pop_front();  // the batch was the front
  cv_.notify_all();  // followers are done; the next front leads
  return mine.status;
}

void GroupCommit::lead(SqlPool& pool, std::deque<Item*> batch) {
  auto fail_all = [&](const Error& e) {
    std::lock_guard<std::mutex> g(mu_);
    for (Item* item : batch) {
      item->status = e;
      item->done = true;
    }
  };
  auto lease = pool.lease();
  if (!lease) return fail_all(lease.error());
  SqlBackend& db = **lease;
  Transaction tx(db);
  if (auto st = tx.begin(TxMode::write); !st.ok()) return fail_all(st.error());
  std::vector<Status> results;
  for (Item* item : batch) {
    if (auto sp = db.exec("SAVEPOINT work"); !sp) return fail_all(sp.error());
    Status st = (*item->work)(db);
    if (st.ok()) {
      if (auto rel = db.exec("RELEASE work"); !rel) return fail_all(rel.error());
    } else {
      // Only this work's effects go; the others in the transaction stay.
      if (auto back = db.exec("ROLLBACK TO work"); !back) return fail_all(back.error());
      if (auto rel = db.exec("RELEASE work"); !rel) return fail_all(rel.error());
    }
    results.push_back(std::move(st));
  }
  if (auto st = tx.commit(); !st.ok()) return fail_all(st.error());
  std::lock_guard<std::mutex> g(mu_);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    batch[i]->status = std::move(results[i]);
    batch[i]->done = true;
  }
}

}  // namespace doorstep::server
