// What only PostgreSQL has: connections the server can break, several processes on
// one database, engine-specific refusals. Registered only as "server-pg/…"; run
// without DOORSTEP_TEST_POSTGRES each test fails and says why.
#include <catch2/catch.hpp>

#include <libpq-fe.h>

#include <thread>

#include "hub/hub.h"
#include "pg_test_database.h"
#include "storage/migrations.h"
#include "storage/postgres_backend.h"
#include "temp_store.h"

using namespace doorstep;
using namespace doorstep::server;

namespace {

std::unique_ptr<PostgresBackend> connect(const std::string& url) {
  auto db = PostgresBackend::connect(url);
  INFO((db.ok() ? std::string() : db.error().describe()));
  REQUIRE(db.ok());
  return std::move(*db);
}

// Ends the server process of a connection, as a restart or an administrator would.
void terminate(const std::string& url, int pid) {
  auto admin = connect(url);
  auto r = admin->query("SELECT pg_terminate_backend(?::integer)", {std::int64_t{pid}});
  INFO((r.ok() ? std::string() : r.error().describe()));
  REQUIRE(r.ok());
  // pg_terminate_backend signals; wait until the process is gone.
  for (int i = 0; i < 100; ++i) {
    auto left = admin->query("SELECT count(*) FROM pg_stat_activity WHERE pid = ?::integer", {std::int64_t{pid}});
    REQUIRE(left.ok());
    if (left->front().integer(0) == 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL("the server process did not end");
}

}  // namespace

TEST_CASE("a connection the server ended is re-opened before the next statement outside a transaction") {
  test::PgTestDatabase pg(test::require_postgres_base_url());
  auto db = connect(pg.url());
  REQUIRE(db->exec("CREATE TABLE t (k TEXT PRIMARY KEY NOT NULL)").ok());
  REQUIRE(db->exec("INSERT INTO t (k) VALUES (?)", {std::string("a")}).ok());  // a prepared statement
  const int before = db->server_pid();
  terminate(pg.url(), before);

  // The statement prepared on the old session is made again on the new one.
  auto again = db->exec("INSERT INTO t (k) VALUES (?)", {std::string("b")});
  INFO((again.ok() ? std::string() : again.error().describe()));
  REQUIRE(again.ok());
  CHECK(db->server_pid() != before);
  // So is one never prepared before.
  terminate(pg.url(), db->server_pid());
  auto rows = db->query("SELECT count(*) FROM t");
  INFO((rows.ok() ? std::string() : rows.error().describe()));
  REQUIRE(rows.ok());
  CHECK(rows->front().integer(0) == 2);

  // A transaction begun on a broken connection starts on a fresh one.
  terminate(pg.url(), db->server_pid());
  Transaction tx(*db);
  REQUIRE(tx.begin(TxMode::write).ok());
  REQUIRE(db->exec("INSERT INTO t (k) VALUES (?)", {std::string("c")}).ok());
  REQUIRE(tx.commit().ok());
  CHECK(db->query("SELECT count(*) FROM t")->front().integer(0) == 3);
}

TEST_CASE("a connection lost inside a transaction fails it as unavailable and nothing of it stays") {
  test::PgTestDatabase pg(test::require_postgres_base_url());
  auto db = connect(pg.url());
  REQUIRE(db->exec("CREATE TABLE t (k TEXT PRIMARY KEY NOT NULL)").ok());
  {
    Transaction tx(*db);
    REQUIRE(tx.begin(TxMode::write).ok());
    REQUIRE(db->exec("INSERT INTO t (k) VALUES (?)", {std::string("lost")}).ok());
    terminate(pg.url(), db->server_pid());
    auto more = db->exec("INSERT INTO t (k) VALUES (?)", {std::string("more")});
    REQUIRE_FALSE(more.ok());
    CHECK(more.error().code == ErrorCode::unavailable);
    auto c = tx.commit();
    REQUIRE_FALSE(c.ok());
  }
  CHECK_FALSE(db->in_transaction());
  auto rows = db->query("SELECT count(*) FROM t");
  REQUIRE(rows.ok());
  CHECK(rows->front().integer(0) == 0);
}

TEST_CASE("PostgreSQL refuses what its text cannot hold, without echoing it") {
  test::PgTestDatabase pg(test::require_postgres_base_url());
  auto db = connect(pg.url());
  REQUIRE(db->exec("CREATE TABLE t (s TEXT, n BIGINT)").ok());
  auto nul = db->exec("INSERT INTO t (s) VALUES (?)", {std::string("a\0b", 3)});
  REQUIRE_FALSE(nul.ok());
  CHECK(nul.error().code == ErrorCode::invalid_argument);
  const std::string bad_utf8 = "secret-\xff\xfe-text";
  auto bad = db->exec("INSERT INTO t (s) VALUES (?)", {bad_utf8});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::invalid_argument);
  CHECK(bad.error().message.find("secret") == std::string::npos);
  auto not_number = db->exec("INSERT INTO t (n) VALUES (?)", {std::string("secret-number")});
  REQUIRE_FALSE(not_number.ok());
  CHECK(not_number.error().code == ErrorCode::invalid_argument);
  CHECK(not_number.error().message.find("secret") == std::string::npos);

  REQUIRE(db->exec("CREATE TABLE parent (id TEXT PRIMARY KEY)").ok());
  REQUIRE(db->exec("CREATE TABLE child (parent_id TEXT REFERENCES parent (id))").ok());
  auto orphan = db->exec("INSERT INTO child (parent_id) VALUES (?)", {std::string("secret-parent")});
  REQUIRE_FALSE(orphan.ok());
  CHECK(orphan.error().code == ErrorCode::invalid_argument);
  CHECK(orphan.error().message.find("secret-parent") == std::string::npos);
}

TEST_CASE("a database that is not UTF8, or cannot be reached, is refused with a reason and no password") {
  const std::string base = test::require_postgres_base_url();
  test::PgTestDatabase pg(base);
  const std::string ascii = pg.name() + "_ascii";
  test::PgTestDatabase::admin(base, "CREATE DATABASE " + ascii + " ENCODING 'SQL_ASCII' TEMPLATE template0");
  auto refused = PostgresBackend::connect(base + "/" + ascii);
  test::PgTestDatabase::admin(base, "DROP DATABASE " + ascii);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::invalid_argument);
  CHECK(refused.error().message.find("UTF8") != std::string::npos);

  auto unreachable = PostgresBackend::connect("postgresql://doorstep:pw-Whitfield-77@127.0.0.1:1/nowhere");
  REQUIRE_FALSE(unreachable.ok());
  CHECK(unreachable.error().code == ErrorCode::unavailable);
  CHECK(unreachable.error().message.find("pw-Whitfield-77") == std::string::npos);
}

TEST_CASE("instances migrating one new database at once all succeed, each step once") {
  test::PgTestDatabase pg(test::require_postgres_base_url());
  constexpr int kInstances = 6;
  std::vector<std::unique_ptr<PostgresBackend>> conns;
  for (int i = 0; i < kInstances; ++i) conns.push_back(connect(pg.url()));
  std::vector<std::string> errors(kInstances);
  std::vector<std::thread> threads;
  for (int i = 0; i < kInstances; ++i)
    threads.emplace_back([&, i] {
      auto s = migrate(*conns[i]);
      if (!s.ok()) errors[i] = s.error().describe();
    });
  for (auto& t : threads) t.join();
  for (const auto& e : errors) CHECK(e.empty());
  auto v = conns[0]->query("SELECT count(*), max(version) FROM schema_version");
  REQUIRE(v.ok());
  CHECK(v->front().integer(0) == latest_schema_version());
  CHECK(v->front().integer(1) == latest_schema_version());
  auto seq = conns[0]->query("SELECT count(*) FROM counter");
  REQUIRE(seq.ok());
  CHECK(seq->front().integer(0) == 1);
}

TEST_CASE("hubs opened at once on one database share its epoch and token secret") {
  test::PgTestDatabase pg(test::require_postgres_base_url());
  test::TempDir dir;
  constexpr int kHubs = 4;
  std::vector<Result<std::unique_ptr<Hub>>> hubs;
  for (int i = 0; i < kHubs; ++i) hubs.emplace_back(make_error(ErrorDomain::store, ErrorCode::internal, "not opened"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kHubs; ++i)
    threads.emplace_back([&, i] {
      HubOptions o;
      o.data_dir = dir / ("instance-" + std::to_string(i));
      o.database = pg.url();
      o.token_key_file = dir / "token.keys";  // one hub's instances share one key file
      o.password_opslimit = 1;
      o.password_memlimit = 8192;
      hubs[i] = Hub::open(o);
    });
  for (auto& t : threads) t.join();
  for (auto& h : hubs) {
    INFO((h.ok() ? std::string() : h.error().describe()));
    REQUIRE(h.ok());
    CHECK((*h)->backend_name() == "postgresql");
    CHECK((*h)->epoch() == (*hubs[0])->epoch());
  }
  // A token one instance signs, every other accepts (the key file was made once).
  AccessClaims claims;
  claims.device_id = "device-1";
  claims.user = "sam";
  claims.role = "worker";
  claims.expires_ms = (*hubs[0])->clock().now_ms() + 60'000;
  const std::string token = (*hubs[0])->tokens().issue(claims);
  for (auto& h : hubs) {
    auto v = (*h)->tokens().verify(token, (*h)->clock().now_ms());
    REQUIRE(v.ok());
    CHECK(v->user == "sam");
  }
  // The data directories hold no database and no key: all of it is in PostgreSQL.
  CHECK_FALSE(std::filesystem::exists(dir / "instance-0" / "hub.db"));
  CHECK_FALSE(std::filesystem::exists(dir / "instance-0" / "server.key"));
  CHECK_FALSE(std::filesystem::exists(dir / "instance-0" / "token.keys"));
}
