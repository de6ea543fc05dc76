// Database: a thin RAII wrapper over one SQLCipher connection, private to core.
// Prepared statements are cached per SQL text. Not thread-safe: one per thread.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "doorstep/core/record.h"
#include "doorstep/core/result.h"
#include "doorstep/core/secure_key.h"

namespace doorstep::db {

class Statement {
 public:
  explicit Statement(sqlite3_stmt* s, sqlite3* db) : stmt_(s), db_(db) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds by 1-based index. Text is bound as a copy (SQLITE_TRANSIENT).
  Statement& bind(int index, const Value& v);
  Statement& bind(int index, const std::string& s);
  Statement& bind(int index, const char* s);
  Statement& bind(int index, std::int64_t v);
  Statement& bind(int index, int v) { return bind(index, static_cast<std::int64_t>(v)); }
  Statement& bind(int index, double v);
  Statement& bind_null(int index);

  // true: a row is ready; false: done. Errors carry SQLite's message.
  Result<bool> step();
  // Steps to completion (for statements that return no rows).
  Status run();
  void reset();  // resets and clears bindings; called automatically by Database::prepare

  int columns() const;
  Value value(int col) const;
  std::string text(int col) const;
  std::int64_t integer(int col) const;
  double real(int col) const;
  bool is_null(int col) const;

 private:
  sqlite3_stmt* stmt_;
  sqlite3* db_;
};

class Database {
 public:
  // Opens (creating if asked) the file and applies the raw 256-bit key. Nothing is
  // read until the first statement; call verify_key() to find a wrong key or corrupt file.
  static Result<std::unique_ptr<Database>> open(const std::filesystem::path& path, const SecureKey& key,
                                                bool create);
  ~Database();

  Status exec(const std::string& sql);
  // A cached statement, reset and ready to bind. Valid until the Database closes.
  Result<Statement*> prepare(const std::string& sql);
  std::int64_t changes() const;
  std::int64_t last_insert_rowid() const;
  sqlite3* handle() { return db_; }

  // Runs a one-value pragma and returns its first column as text.
  Result<std::string> pragma(const std::string& sql);

  Error error(int rc, const std::string& what) const;

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::map<std::string, std::unique_ptr<Statement>> cache_;
};

// RAII transaction: BEGIN IMMEDIATE on start; rolls back unless commit() succeeded.
class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) {}
  ~Transaction();
  Status begin();
  Status commit();

 private:
  Database& db_;
  bool open_ = false;
};

}  // namespace doorstep::db
