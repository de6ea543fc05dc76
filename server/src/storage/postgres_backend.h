// PostgresBackend: SqlBackend on one libpq connection to PostgreSQL 15, the hub's
// production store, shared by several stateless server instances.
// Not thread-safe (one connection); SqlPool gives each thread its own.
//
// Transactions (docs/architecture.md, "Several instances on one PostgreSQL"):
//   TxMode::write  READ COMMITTED, then pg_advisory_xact_lock(kWriterLock): one writer
//                  at a time across every instance, like SQLite's BEGIN IMMEDIATE, so
//                  sequence numbers commit in order and a read-then-write sees every
//                  earlier commit.
//   TxMode::write_unsynced  as write, with SET LOCAL synchronous_commit TO off.
//   TxMode::read   REPEATABLE READ READ ONLY: one snapshot for every statement.
// Outside a transaction each statement commits on its own.
//
// Statements are prepared once per connection and kept. Parameters: integers as
// int8, doubles as float8, text as untyped text (PostgreSQL infers the type from the
// column), Bytes as binary bytea, NULL untyped. Results: int2/int4/int8/oid -> int64,
// float4/float8 -> double, numeric -> int64 when integral else double, bool -> 0/1,
// bytea -> Bytes, NULL -> monostate, everything else -> text.
//
// A connection found broken outside a transaction (closed, or the server said it is
// ending the session) is re-opened before the next statement, and a statement that
// could not even be prepared on it is tried once more on the new one. A statement
// sent and then cut off is never re-sent (it may have committed): it fails with
// store/unavailable, as does any break inside a transaction; the next statement or
// begin() re-opens the connection.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "storage/sql_backend.h"

struct pg_conn;
struct pg_result;

namespace doorstep::server {

// The advisory lock key every write transaction takes ("Doorstep" in ASCII). A
// constant every instance must agree on.
inline constexpr std::int64_t kWriterLock = 0x446f6f7273746570;

class PostgresBackend final : public SqlBackend {
 public:
  // conninfo: a postgresql:// URL or a libpq "key=value" string. The password, if
  // any, is never put into an error message. The database must be UTF8-encoded.
  static Result<std::unique_ptr<PostgresBackend>> connect(const std::string& conninfo);
  ~PostgresBackend() override;

  std::string_view name() const override { return "postgresql"; }
  std::string_view bytes_type() const override { return "BYTEA"; }
  bool has_returning() const override { return true; }
  Status begin(TxMode mode) override;
  Status commit() override;
  void rollback() override;
  bool in_transaction() const override { return in_tx_; }
  Result<std::int64_t> exec(std::string_view sql, const SqlParams& params = {}) override;
  Result<SqlRows> query(std::string_view sql, const SqlParams& params = {}) override;

  // The server process serving this connection (pg_terminate_backend takes it).
  int server_pid() const;

 private:
  explicit PostgresBackend(pg_conn* conn) : conn_(conn) {}
  using ResultPtr = std::unique_ptr<pg_result, void (*)(pg_result*)>;

  Status session_setup();
  // Outside a transaction: notices a connection the server has closed and re-opens it.
  Status ensure_connected();
  Status reconnect();
  // Runs a parameter-less command with the simple protocol (BEGIN, COMMIT, SET).
  Result<ResultPtr> simple(const char* sql);
  Result<ResultPtr> run(std::string_view sql, const SqlParams& params);
  Error failure(const pg_result* res, std::string_view what) const;

  pg_conn* conn_;
  bool in_tx_ = false;
  bool server_ended_ = false;  // a FATAL notice came: the session is over
  std::unordered_map<std::string, std::string> prepared_;  // sql + param kinds -> statement name
  std::uint64_t next_statement_ = 0;
};

}  // namespace doorstep::server
