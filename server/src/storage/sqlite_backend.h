// SqliteBackend: SqlBackend on one SQLCipher connection, the hub's default store:
// a single encrypted file, keyed with the raw 256-bit server key (server_key.h).
// Not thread-safe (one connection); SqlPool gives each thread its own.
//
// Every connection sets and reads back journal_mode=WAL, synchronous=FULL,
// secure_delete=ON, temp_store=MEMORY; a wrong key or damaged file is store/corrupt.
//
// Write transactions of one process on one file queue on a mutex before BEGIN
// IMMEDIATE, so writers wait their turn instead of polling SQLite's busy handler,
// whose sleeps (up to 100 ms each) gave pushes under load a p99 of seconds
// (bench/load). Other processes are still kept out by SQLite's own lock.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include "doorstep/core/secure_key.h"
#include "storage/sql_backend.h"

struct sqlite3;
struct sqlite3_stmt;

namespace doorstep::server {

class SqliteBackend final : public SqlBackend {
 public:
  // Opens (creating if missing) the file and applies the key. The key is copied
  // into the connection; the caller keeps ownership of its SecureKey.
  static Result<std::unique_ptr<SqliteBackend>> open(const std::filesystem::path& file, const SecureKey& key);
  ~SqliteBackend() override;

  std::string_view name() const override { return "sqlite"; }
  std::string_view bytes_type() const override { return "BLOB"; }
  Status begin(TxMode mode) override;
  Status commit() override;
  void rollback() override;
  bool in_transaction() const override { return in_tx_; }
  Result<std::int64_t> exec(std::string_view sql, const SqlParams& params = {}) override;
  Result<SqlRows> query(std::string_view sql, const SqlParams& params = {}) override;

  // Copies this whole database into dest (sqlite3_backup, in one step): one
  // consistent snapshot, taken while other connections keep writing (WAL readers
  // block no one). Both must be keyed with the same key.
  Status copy_to(SqliteBackend& dest);

 private:
  explicit SqliteBackend(sqlite3* db) : db_(db) {}
  void release_writer();
  // Back to synchronous=FULL after a TxMode::write_unsynced transaction.
  Status restore_sync();
  Result<sqlite3_stmt*> prepare(std::string_view sql, const SqlParams& params);
  Status plain(const char* sql);
  Error error(int rc, std::string_view what) const;

  sqlite3* db_;
  bool in_tx_ = false;
  bool unsynced_ = false;  // at synchronous=NORMAL until restore_sync()
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
  std::shared_ptr<std::timed_mutex> writers_;  // shared by this process's connections to the file
  bool writing_ = false;                       // this connection holds writers_
};

}  // namespace doorstep::server
