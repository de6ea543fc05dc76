// SqlPool: hands each thread its own SqlBackend connection. Thread-safe.
// Connections are opened on demand by the factory and kept (up to max_idle) for reuse.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/sql_backend.h"

namespace doorstep::server {

class SqlPool;

// A leased connection, returned to the pool when the lease ends. A connection whose
// transaction was left open is rolled back first. Move-only; use on one thread.
class SqlLease {
 public:
  SqlLease(SqlPool* pool, std::unique_ptr<SqlBackend> db) : pool_(pool), db_(std::move(db)) {}
  ~SqlLease();
  SqlLease(SqlLease&&) noexcept = default;
  SqlLease& operator=(SqlLease&&) = delete;
  SqlLease(const SqlLease&) = delete;

  SqlBackend& operator*() { return *db_; }
  SqlBackend* operator->() { return db_.get(); }

 private:
  SqlPool* pool_;
  std::unique_ptr<SqlBackend> db_;
};

class SqlPool {
 public:
  using Factory = std::function<Result<std::unique_ptr<SqlBackend>>()>;

  // backend_name: what the factory's connections call themselves ("sqlite").
  SqlPool(Factory factory, std::string backend_name, std::size_t max_idle = 16)
      : factory_(std::move(factory)), name_(std::move(backend_name)), max_idle_(max_idle) {}

  // A connection for this thread: an idle one, or a new one from the factory.
  Result<SqlLease> lease();
  const std::string& backend_name() const { return name_; }

 private:
  friend class SqlLease;
  void give_back(std::unique_ptr<SqlBackend> db);

  Factory factory_;
  std::string name_;
  std::size_t max_idle_;
  std::mutex mu_;
  std::vector<std::unique_ptr<SqlBackend>> idle_;
};

}  // namespace doorstep::server
