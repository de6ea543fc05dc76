// SqlBackend: the hub's only door to its database. One implementation per engine
// (SqliteBackend on SQLCipher, PostgresBackend on libpq), one conformance suite
// (tests/server/storage_conformance_test.cpp and the server tests, run on both).
//
// A SqlBackend is one connection: NOT thread-safe. Each thread leases its own from a
// SqlPool (sql_pool.h). Business logic never lives in a backend.
//
// SQL handed to a backend is written once for every engine: PostgreSQL 15 and
// SQLite 3.15. So: `?` placeholders (a PostgreSQL backend rewrites them to $n), no
// INSERT OR IGNORE/REPLACE, no UPSERT, no RETURNING, no AUTOINCREMENT, integers for
// booleans, TEXT for JSON, BIGINT for sequence numbers. Migrations may write BYTES
// for a binary column; the backend substitutes its own type (BLOB, BYTEA).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "doorstep/core/result.h"

namespace doorstep::server {

// Binary data (a blob chunk), bound as BLOB / BYTEA rather than text.
struct Bytes {
  std::string data;
};

using SqlValue = std::variant<std::monostate, std::int64_t, double, std::string, Bytes>;
using SqlParams = std::vector<SqlValue>;

// One result row. Readers are lenient: a NULL reads as "" / 0.
class SqlRow {
 public:
  explicit SqlRow(std::vector<SqlValue> values) : values_(std::move(values)) {}
  std::size_t size() const { return values_.size(); }
  const SqlValue& at(std::size_t i) const { return values_.at(i); }
  bool is_null(std::size_t i) const { return std::holds_alternative<std::monostate>(values_.at(i)); }
  std::string text(std::size_t i) const;      // text or bytes as-is; numbers as decimal text
  std::int64_t integer(std::size_t i) const;  // integers; text holding a decimal number
  const std::string& bytes(std::size_t i) const;  // binary or text column; "" for NULL

 private:
  std::vector<SqlValue> values_;
};

using SqlRows = std::vector<SqlRow>;

enum class TxMode {
  read,   // one consistent snapshot for every statement until commit
  write,  // one writer at a time, across processes too (SQLite: BEGIN IMMEDIATE;
          // PostgreSQL: an advisory lock), and it sees every earlier commit
  // As write, but the commit does not wait for the disk (SQLite: synchronous=NORMAL
  // for this transaction; PostgreSQL: synchronous_commit off). A crash of the machine
  // or a power cut may undo it, never corrupt the database, and the next commit that
  // waits makes it durable too. For counts whose loss costs nothing (the sign-in
  // brake's failures), never for a record or an audit event: a writer that waits for
  // an fsync holds the write lock meanwhile, and every push queues behind it.
  write_unsynced,
};

class SqlBackend {
 public:
  virtual ~SqlBackend() = default;

  // "sqlite" or "postgresql": shown by /healthz and /metrics.
  virtual std::string_view name() const = 0;
  // The engine's column type for BYTES in migrations.
  virtual std::string_view bytes_type() const = 0;
  // Whether UPDATE ... RETURNING works (PostgreSQL; not SQLite 3.15): one round trip
  // instead of two where a network lies between hub and database.
  virtual bool has_returning() const { return false; }

  // Transactions do not nest. rollback() never fails and is a no-op outside one.
  virtual Status begin(TxMode mode) = 0;
  virtual Status commit() = 0;
  virtual void rollback() = 0;
  virtual bool in_transaction() const = 0;

  // Runs one statement; returns the number of rows it changed. Errors keep the
  // engine's message (never the bound values): store/invalid_argument for a
  // constraint violation, store/unavailable when busy or the connection was lost,
  // io/io_error, store/internal. Inside a transaction, a failed statement fails the
  // transaction (PostgreSQL refuses every later statement): roll back.
  virtual Result<std::int64_t> exec(std::string_view sql, const SqlParams& params = {}) = 0;
  // Runs one statement and returns every row.
  virtual Result<SqlRows> query(std::string_view sql, const SqlParams& params = {}) = 0;
};

// RAII transaction: rolls back on destruction unless commit() succeeded.
class Transaction {
 public:
  explicit Transaction(SqlBackend& db) : db_(db) {}
  ~Transaction() {
    if (open_) db_.rollback();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Status begin(TxMode mode) {
    DOORSTEP_TRY(db_.begin(mode));
    open_ = true;
    return {};
  }
  Status commit() {
    auto s = db_.commit();
    if (s.ok()) open_ = false;
    return s;
  }

 private:
  SqlBackend& db_;
  bool open_ = false;
};

}  // namespace doorstep::server
