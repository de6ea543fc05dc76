// SqlBackend conformance: what the hub relies on from every engine, run on SQLite
// ("server/…") and on PostgreSQL ("server-pg/…", DOORSTEP_TEST_POSTGRES): typed values
// and NULLs both ways, bytes with zero bytes, unicode, `?` inside literals, changed-row
// counts, commit and rollback, constraint errors without the bound values, read
// snapshots, and writers that wait for each other and see each other's commits.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <limits>
#include <thread>

#include "doorstep/core/secure_key.h"
#include "pg_test_database.h"
#include "storage/migrations.h"
#include "storage/postgres_backend.h"
#include "storage/sqlite_backend.h"
#include "temp_store.h"

using namespace doorstep;
using namespace doorstep::server;

namespace {

// One database of the engine under test; connect() opens another connection to it.
class Engine {
 public:
  Engine() {
    if (auto base = test::postgres_base_url()) pg_ = std::make_unique<test::PgTestDatabase>(*base);
  }
  std::unique_ptr<SqlBackend> connect() {
    if (pg_) {
      auto db = PostgresBackend::connect(pg_->url());
      INFO((db.ok() ? std::string() : db.error().describe()));
      REQUIRE(db.ok());
      return std::move(*db);
    }
    auto db = SqliteBackend::open(dir_ / "hub.db", key_);
    INFO((db.ok() ? std::string() : db.error().describe()));
    REQUIRE(db.ok());
    return std::move(*db);
  }
  std::string name() const { return pg_ ? "postgresql" : "sqlite"; }

 private:
  test::TempDir dir_;
  SecureKey key_ = SecureKey::random();
  std::unique_ptr<test::PgTestDatabase> pg_;
};

std::string with_bytes(const SqlBackend& db, std::string sql) {
  const auto at = sql.find("BYTES");
  if (at != std::string::npos) sql.replace(at, 5, db.bytes_type());
  return sql;
}

void make_table(SqlBackend& db) {
  auto r = db.exec(with_bytes(db,
                              "CREATE TABLE t (k TEXT PRIMARY KEY NOT NULL, i BIGINT, n INTEGER, d DOUBLE PRECISION,"
                              " s TEXT, b BYTES)"));
  INFO((r.ok() ? std::string() : r.error().describe()));
  REQUIRE(r.ok());
}

std::int64_t count(SqlBackend& db) {
  auto rows = db.query("SELECT count(*) FROM t");
  REQUIRE(rows.ok());
  return rows->front().integer(0);
}

}  // namespace

TEST_CASE("values go in and come back with their types, NULL as NULL") {
  Engine engine;
  auto db = engine.connect();
  INFO("backend " << engine.name());
  CHECK(db->name() == engine.name());
  make_table(*db);

  std::string all_bytes;
  for (int c = 0; c < 256; ++c) all_bytes += static_cast<char>(c);
  const std::string zeros("\0\0a\0", 4);
  const std::string unicode = "Zoë Łukasiewicz — 日本語 🙂 \"quoted\" 'single' ? \\ back";
  const std::int64_t big = std::numeric_limits<std::int64_t>::max(), small = std::numeric_limits<std::int64_t>::min();
  const char* insert = "INSERT INTO t (k, i, n, d, s, b) VALUES (?, ?, ?, ?, ?, ?)";
  REQUIRE(db->exec(insert, {std::string("max"), big, std::int64_t{7}, 2.5, unicode, Bytes{all_bytes}}).ok());
  REQUIRE(db->exec(insert, {std::string("min"), small, std::int64_t{-7}, -1e-300, std::string(), Bytes{zeros}}).ok());
  REQUIRE(db->exec(insert, {std::string("nulls"), SqlValue{}, SqlValue{}, SqlValue{}, SqlValue{}, SqlValue{}}).ok());
  REQUIRE(db->exec(insert, {std::string("empty"), std::int64_t{0}, std::int64_t{0}, 0.1, std::string(""), Bytes{}}).ok());

  auto rows = db->query("SELECT k, i, n, d, s, b FROM t ORDER BY k");
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 4);
  const SqlRow& empty = (*rows)[0];
  const SqlRow& max = (*rows)[1];
  const SqlRow& min = (*rows)[2];
  const SqlRow& nulls = (*rows)[3];
  CHECK(max.text(0) == "max");

  CHECK(std::get<std::int64_t>(max.at(1)) == big);
  CHECK(std::get<std::int64_t>(min.at(1)) == small);
  CHECK(std::get<std::int64_t>(max.at(2)) == 7);
  CHECK(std::get<std::int64_t>(min.at(2)) == -7);
  CHECK(std::get<double>(max.at(3)) == 2.5);
  CHECK(std::get<double>(min.at(3)) == -1e-300);
  CHECK(std::get<double>(empty.at(3)) == 0.1);
  CHECK(std::get<std::string>(max.at(4)) == unicode);
  CHECK(std::get<Bytes>(max.at(5)).data == all_bytes);
  CHECK(std::get<Bytes>(min.at(5)).data == zeros);
  CHECK(max.bytes(5).size() == 256);

  // An empty text and an empty byte string are values, not NULL.
  CHECK_FALSE(empty.is_null(4));
  CHECK(empty.text(4).empty());
  CHECK_FALSE(empty.is_null(5));
  CHECK(empty.bytes(5).empty());
  for (std::size_t c = 1; c < 6; ++c) CHECK(nulls.is_null(c));
  CHECK(nulls.text(4).empty());
  CHECK(nulls.integer(1) == 0);

  // Parameters compare with their columns, NULL matches nothing.
  auto by_text = db->query("SELECT k FROM t WHERE s = ?", {unicode});
  REQUIRE(by_text.ok());
  REQUIRE(by_text->size() == 1);
  CHECK(by_text->front().text(0) == "max");
  auto by_int = db->query("SELECT k FROM t WHERE n < ? ORDER BY k", {std::int64_t{0}});
  REQUIRE(by_int.ok());
  REQUIRE(by_int->size() == 1);
  CHECK(by_int->front().text(0) == "min");
  auto by_bytes = db->query("SELECT k FROM t WHERE b = ?", {Bytes{zeros}});
  REQUIRE(by_bytes.ok());
  REQUIRE(by_bytes->size() == 1);
  CHECK(by_bytes->front().text(0) == "min");
  auto by_null = db->query("SELECT k FROM t WHERE s = ?", {SqlValue{}});
  REQUIRE(by_null.ok());
  CHECK(by_null->empty());

  // Aggregates and literals come back as integers.
  auto agg = db->query("SELECT count(*), max(n), 1, coalesce(max(i), 0) FROM t WHERE k = ?", {std::string("max")});
  REQUIRE(agg.ok());
  CHECK(std::get<std::int64_t>(agg->front().at(0)) == 1);
  CHECK(std::get<std::int64_t>(agg->front().at(1)) == 7);
  CHECK(std::get<std::int64_t>(agg->front().at(2)) == 1);
  CHECK(std::get<std::int64_t>(agg->front().at(3)) == big);
}

TEST_CASE("a question mark inside a literal is text, not a parameter") {
  Engine engine;
  auto db = engine.connect();
  auto rows = db->query("SELECT 'what?', ?, 'it''s ?' FROM (SELECT 1 AS one) x WHERE 'a?' <> ?",
                        {std::string("one"), std::string("b")});
  INFO((rows.ok() ? std::string() : rows.error().describe()));
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  CHECK(rows->front().text(0) == "what?");
  CHECK(rows->front().text(1) == "one");
  CHECK(rows->front().text(2) == "it's ?");
  // A wrong number of parameters is refused before anything runs.
  CHECK_FALSE(db->query("SELECT ?", {}).ok());
  CHECK_FALSE(db->query("SELECT ?", {std::string("a"), std::string("b")}).ok());
}

TEST_CASE("exec counts the rows it changed and large bytes survive") {
  Engine engine;
  auto db = engine.connect();
  make_table(*db);
  const std::string big(1u << 20, '\0');
  std::string pattern = big;
  for (std::size_t i = 0; i < pattern.size(); i += 4099) pattern[i] = static_cast<char>(i % 251);
  for (const char* k : {"a", "b", "c"})
    REQUIRE(db->exec("INSERT INTO t (k, n, b) VALUES (?, ?, ?)", {std::string(k), std::int64_t{1}, Bytes{pattern}}).ok());
  auto up = db->exec("UPDATE t SET n = n + 1 WHERE n = ?", {std::int64_t{1}});
  REQUIRE(up.ok());
  CHECK(*up == 3);
  auto none = db->exec("DELETE FROM t WHERE k = ?", {std::string("nobody")});
  REQUIRE(none.ok());
  CHECK(*none == 0);
  auto rows = db->query("SELECT b FROM t WHERE k = ?", {std::string("b")});
  REQUIRE(rows.ok());
  CHECK(rows->front().bytes(0) == pattern);
}

TEST_CASE("commit keeps, rollback leaves nothing, and transactions do not nest") {
  Engine engine;
  auto db = engine.connect();
  make_table(*db);
  {
    Transaction tx(*db);
    REQUIRE(tx.begin(TxMode::write).ok());
    CHECK(db->in_transaction());
    REQUIRE(db->exec("INSERT INTO t (k) VALUES (?)", {std::string("kept")}).ok());
    CHECK_FALSE(db->begin(TxMode::write).ok());
    REQUIRE(tx.commit().ok());
  }
  CHECK_FALSE(db->in_transaction());
  {
    Transaction tx(*db);
    REQUIRE(tx.begin(TxMode::write).ok());
    REQUIRE(db->exec("INSERT INTO t (k) VALUES (?)", {std::string("lost")}).ok());
    REQUIRE(db->exec("DELETE FROM t WHERE k = ?", {std::string("kept")}).ok());
  }  // no commit
  CHECK_FALSE(db->in_transaction());
  auto rows = db->query("SELECT k FROM t");
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  CHECK(rows->front().text(0) == "kept");
  CHECK_FALSE(db->commit().ok());
  db->rollback();  // a no-op outside a transaction
  CHECK(count(*db) == 1);
}

// What the engine says about waiting for the disk at commit: SQLite's safety level
// (2 = FULL), PostgreSQL's synchronous_commit.
std::string commit_wait(SqlBackend& db, const std::string& engine) {
  auto rows = db.query(engine == "sqlite" ? "PRAGMA synchronous" : "SHOW synchronous_commit");
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  return engine == "sqlite" ? std::to_string(rows->front().integer(0)) : rows->front().text(0);
}

TEST_CASE("an unsynced write commits like a write, and only it skips waiting for the disk") {
  Engine engine;
  auto db = engine.connect();
  make_table(*db);
  // The throwaway test cluster may itself skip the wait (scripts/pg-cluster): what
  // matters is that the setting is the cluster's own again after the transaction.
  const std::string waits = engine.name() == "sqlite" ? "2" : commit_wait(*db, engine.name());
  const std::string skips = engine.name() == "sqlite" ? "1" : "off";
  if (engine.name() == "sqlite") CHECK(commit_wait(*db, engine.name()) == waits);
  {
    Transaction tx(*db);
    REQUIRE(tx.begin(TxMode::write_unsynced).ok());
    if (engine.name() == "postgresql") CHECK(commit_wait(*db, engine.name()) == skips);
    REQUIRE(db->exec("INSERT INTO t (k) VALUES (?)", {std::string("counted")}).ok());
    REQUIRE(tx.commit().ok());
  }
  // Committed and seen by another connection; this one waits for the disk again.
  auto other = engine.connect();
  CHECK(count(*other) == 1);
  CHECK(commit_wait(*db, engine.name()) == waits);
  {
    Transaction tx(*db);  // rolled back: back to waiting all the same
    REQUIRE(tx.begin(TxMode::write_unsynced).ok());
    REQUIRE(db->exec("INSERT INTO t (k) VALUES (?)", {std::string("lost")}).ok());
  }
  CHECK(commit_wait(*db, engine.name()) == waits);
  CHECK(count(*other) == 1);
  // Writers still take turns: a second unsynced writer waits for the first.
  {
    Transaction first(*db);
    REQUIRE(first.begin(TxMode::write_unsynced).ok());
    std::atomic<bool> second_in{false};
    std::thread t([&] {
      Transaction second(*other);
      if (second.begin(TxMode::write_unsynced).ok()) second_in = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK_FALSE(second_in.load());
    REQUIRE(first.commit().ok());
    t.join();
    CHECK(second_in.load());
  }
}

TEST_CASE("constraint violations are invalid_argument without the values, and the transaction is lost whole") {
  Engine engine;
  auto db = engine.connect();
  make_table(*db);
  REQUIRE(db->exec("CREATE TABLE u (k TEXT PRIMARY KEY NOT NULL, v TEXT NOT NULL)").ok());
  const std::string secret = "Whitfield-secret-42";
  REQUIRE(db->exec("INSERT INTO u (k, v) VALUES (?, ?)", {secret, std::string("x")}).ok());

  auto dup = db->exec("INSERT INTO u (k, v) VALUES (?, ?)", {secret, std::string("y")});
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().domain == ErrorDomain::store);
  CHECK(dup.error().code == ErrorCode::invalid_argument);
  CHECK(dup.error().message.find(secret) == std::string::npos);
  auto null = db->exec("INSERT INTO u (k, v) VALUES (?, ?)", {std::string("other"), SqlValue{}});
  REQUIRE_FALSE(null.ok());
  CHECK(null.error().code == ErrorCode::invalid_argument);

  {
    Transaction tx(*db);
    REQUIRE(tx.begin(TxMode::write).ok());
    REQUIRE(db->exec("INSERT INTO t (k) VALUES (?)", {std::string("in the failed transaction")}).ok());
    auto again = db->exec("INSERT INTO u (k, v) VALUES (?, ?)", {secret, std::string("z")});
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code == ErrorCode::invalid_argument);
  }  // the caller gives up: everything in it is rolled back
  CHECK(count(*db) == 0);
  // The connection is fine afterwards.
  REQUIRE(db->exec("INSERT INTO t (k) VALUES (?)", {std::string("after")}).ok());
  CHECK(count(*db) == 1);

  auto bad = db->query("SELECT nope FROM t");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::internal);
}

TEST_CASE("a read transaction sees one snapshot while another connection commits") {
  Engine engine;
  auto reader = engine.connect();
  auto writer = engine.connect();
  make_table(*writer);
  REQUIRE(writer->exec("INSERT INTO t (k) VALUES (?)", {std::string("first")}).ok());

  Transaction tx(*reader);
  REQUIRE(tx.begin(TxMode::read).ok());
  CHECK(count(*reader) == 1);
  REQUIRE(writer->exec("INSERT INTO t (k) VALUES (?)", {std::string("second")}).ok());
  CHECK(count(*writer) == 2);
  CHECK(count(*reader) == 1);  // still the snapshot
  REQUIRE(tx.commit().ok());
  CHECK(count(*reader) == 2);
}

TEST_CASE("write transactions take turns, and the second sees what the first committed") {
  Engine engine;
  auto first = engine.connect();
  auto second = engine.connect();
  make_table(*first);
  REQUIRE(first->exec("INSERT INTO t (k, n) VALUES (?, ?)", {std::string("counter"), std::int64_t{0}}).ok());

  Transaction tx(*first);
  REQUIRE(tx.begin(TxMode::write).ok());
  auto n = first->query("SELECT n FROM t WHERE k = ?", {std::string("counter")});
  REQUIRE(n.ok());
  std::atomic<bool> second_began{false};
  std::int64_t second_saw = -1;
  bool second_ok = false;
  std::thread other([&] {
    Transaction tx2(*second);
    if (!tx2.begin(TxMode::write).ok()) return;
    second_began = true;
    // Read-then-write, as the hub's push does: it must read the first's result.
    auto m = second->query("SELECT n FROM t WHERE k = ?", {std::string("counter")});
    if (!m.ok() || m->empty()) return;
    second_saw = m->front().integer(0);
    if (!second->exec("UPDATE t SET n = ? WHERE k = ?", {second_saw + 1, std::string("counter")}).ok()) return;
    second_ok = tx2.commit().ok();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK_FALSE(second_began.load());  // waiting for the first writer
  REQUIRE(first->exec("UPDATE t SET n = ? WHERE k = ?", {n->front().integer(0) + 1, std::string("counter")}).ok());
  REQUIRE(tx.commit().ok());
  other.join();
  CHECK(second_ok);
  CHECK(second_saw == 1);
  auto end = first->query("SELECT n FROM t WHERE k = ?", {std::string("counter")});
  REQUIRE(end.ok());
  CHECK(end->front().integer(0) == 2);  // no lost update
}

TEST_CASE("the hub's migrations run on the engine, once") {
  Engine engine;
  auto db = engine.connect();
  REQUIRE(migrate(*db).ok());
  REQUIRE(migrate(*db).ok());
  auto v = db->query("SELECT count(*), max(version) FROM schema_version");
  REQUIRE(v.ok());
  CHECK(v->front().integer(0) == latest_schema_version());
  CHECK(v->front().integer(1) == latest_schema_version());
  auto seq = db->query("SELECT value FROM counter WHERE name = 'seq'");
  REQUIRE(seq.ok());
  CHECK(std::get<std::int64_t>(seq->front().at(0)) == 0);
  // The binary column is the engine's binary type.
  const std::string chunk("\0\xff\0", 3);
  REQUIRE(db->exec("INSERT INTO blob_chunk (sha256, start_at, data) VALUES (?, ?, ?)",
                   {std::string("x"), std::int64_t{0}, Bytes{chunk}})
              .ok());
  auto back = db->query("SELECT data FROM blob_chunk WHERE sha256 = ?", {std::string("x")});
  REQUIRE(back.ok());
  CHECK(std::get<Bytes>(back->front().at(0)).data == chunk);
}
