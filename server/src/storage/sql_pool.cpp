#include "storage/sql_pool.h"

namespace doorstep::server {

SqlLease::~SqlLease() {
  if (pool_ == nullptr || db_ == nullptr) return;
  if (db_->in_transaction()) db_->rollback();
  pool_->give_back(std::move(db_));
}

Result<SqlLease> SqlPool::lease() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      auto db = std::move(idle_.back());
      idle_.pop_back();
      return SqlLease(this, std::move(db));
    }
  }
  auto db = factory_();
  if (!db) return db.error();
  return SqlLease(this, std::move(*db));
}

void SqlPool::give_back(std::unique_ptr<SqlBackend> db) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(db));
}

}  // namespace doorstep::server
