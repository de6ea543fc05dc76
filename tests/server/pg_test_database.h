// PostgreSQL for the tests: which throwaway cluster to use (DOORSTEP_TEST_POSTGRES,
// set by CTest for the "server-pg/" tests; scripts/pg-cluster starts the cluster),
// and a fresh database per test, dropped afterwards. Real PostgreSQL, never a mock.
// Not thread-safe: make and drop databases from the test's own thread.
#pragma once

#include <optional>
#include <string>

namespace doorstep::test {

// The cluster's base URL, "postgresql://USER@HOST:PORT" (no database), from
// DOORSTEP_TEST_POSTGRES: the URL itself, or the path of a file holding it (what
// scripts/pg-cluster writes). nullopt when the variable is unset: the tests then run
// on SQLite. A variable naming a missing file fails the test with the reason.
std::optional<std::string> postgres_base_url();

// Like postgres_base_url(), but a test that only makes sense on PostgreSQL fails
// (never skips) when the variable is unset.
std::string require_postgres_base_url();

// CREATE DATABASE doorstep_test_<random> (UTF8) on construction; DROP DATABASE …
// WITH (FORCE) on destruction, so connections a test left open do not keep it.
class PgTestDatabase {
 public:
  explicit PgTestDatabase(const std::string& base_url);
  ~PgTestDatabase();
  PgTestDatabase(const PgTestDatabase&) = delete;
  PgTestDatabase& operator=(const PgTestDatabase&) = delete;

  const std::string& name() const { return name_; }
  // postgresql://USER@HOST:PORT/NAME
  const std::string& url() const { return url_; }
  // Runs one statement on the maintenance database ("postgres"); REQUIREs success.
  static void admin(const std::string& base_url, const std::string& sql);

 private:
  std::string base_, name_, url_;
};

}  // namespace doorstep::test
