// Storage: the SQLCipher backend behind SqlBackend, the server key, migrations.
// Against real encrypted files in throwaway directories.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <fstream>

#include "doorstep/core/secure_key.h"
#include "hub/hub.h"
#include "storage/migrations.h"
#include "storage/server_key.h"
#include "storage/sql_pool.h"
#include "storage/sqlite_backend.h"
#include "temp_store.h"

using namespace doorstep;
using namespace doorstep::server;

namespace {

std::unique_ptr<SqliteBackend> open_db(const std::filesystem::path& file, const SecureKey& key) {
  auto db = SqliteBackend::open(file, key);
  INFO((db.ok() ? std::string() : db.error().describe()));
  REQUIRE(db.ok());
  return std::move(*db);
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("the server key is made once, owner-only, and read back the same") {
  test::TempDir dir;
  auto first = load_or_create_server_key(dir.path());
  REQUIRE(first.ok());
  struct stat st {};
  REQUIRE(::stat((dir / "server.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(st.st_size == 32);
  auto again = load_or_create_server_key(dir.path());
  REQUIRE(again.ok());
  CHECK(std::equal(first->data(), first->data() + 32, again->data()));

  ::chmod((dir / "server.key").c_str(), 0644);
  CHECK_FALSE(load_or_create_server_key(dir.path()).ok());
  ::chmod((dir / "server.key").c_str(), 0600);
  std::ofstream((dir / "server.key"), std::ios::app) << "x";
  auto damaged = load_or_create_server_key(dir.path());
  REQUIRE_FALSE(damaged.ok());
  CHECK(damaged.error().code == ErrorCode::corrupt);
}

TEST_CASE("the database is encrypted: no plaintext on disk, and a wrong key is refused") {
  test::TempDir dir;
  const auto file = dir / "hub.db";
  SecureKey key = SecureKey::random();
  {
    auto db = open_db(file, key);
    REQUIRE(migrate(*db).ok());
    REQUIRE(db->exec("INSERT INTO meta (key, value) VALUES (?, ?)", {std::string("canary"), std::string("Whitfield-canary-77")}).ok());
  }
  for (const auto& f : test::files_under(dir.path())) CHECK(slurp(f).find("Whitfield-canary-77") == std::string::npos);
  SecureKey wrong = SecureKey::random();
  auto refused = SqliteBackend::open(file, wrong);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::corrupt);
  auto db = open_db(file, key);
  auto rows = db->query("SELECT value FROM meta WHERE key = ?", {std::string("canary")});
  REQUIRE(rows.ok());
  CHECK(rows->front().text(0) == "Whitfield-canary-77");
}

TEST_CASE("migrations run once and a newer database is refused") {
  test::TempDir dir;
  SecureKey key = SecureKey::random();
  auto db = open_db(dir / "hub.db", key);
  REQUIRE(migrate(*db).ok());
  REQUIRE(migrate(*db).ok());
  auto v = db->query("SELECT count(*), max(version) FROM schema_version");
  REQUIRE(v.ok());
  CHECK(v->front().integer(0) == latest_schema_version());
  CHECK(v->front().integer(1) == latest_schema_version());
  REQUIRE(db->exec("INSERT INTO schema_version (version) VALUES (?)", {std::int64_t{999}}).ok());
  auto newer = migrate(*db);
  REQUIRE_FALSE(newer.ok());
  CHECK(newer.error().message.find("newer") != std::string::npos);
}

TEST_CASE("typed parameters round-trip and a rolled-back transaction leaves nothing") {
  test::TempDir dir;
  SecureKey key = SecureKey::random();
  auto db = open_db(dir / "hub.db", key);
  REQUIRE(db->exec("CREATE TABLE t (i BIGINT, r REAL, s TEXT, b BLOB, n TEXT)").ok());
  const std::string binary("\0\x01\xff zero inside", 14);
  REQUIRE(db->exec("INSERT INTO t VALUES (?, ?, ?, ?, ?)",
                   {std::int64_t{1} << 40, 2.5, std::string("text"), Bytes{binary}, SqlValue{}})
              .ok());
  auto rows = db->query("SELECT i, r, s, b, n FROM t");
  REQUIRE(rows.ok());
  const auto& r = rows->front();
  CHECK(r.integer(0) == (std::int64_t{1} << 40));
  CHECK(std::get<double>(r.at(1)) == 2.5);
  CHECK(r.text(2) == "text");
  CHECK(r.bytes(3) == binary);
  CHECK(r.is_null(4));

  {
    Transaction tx(*db);
    REQUIRE(tx.begin(TxMode::write).ok());
    REQUIRE(db->exec("DELETE FROM t").ok());
  }  // no commit: rolled back
  CHECK(db->query("SELECT count(*) FROM t")->front().integer(0) == 1);
  CHECK_FALSE(db->in_transaction());
  CHECK_FALSE(db->exec("INSERT INTO t VALUES (?)", {std::int64_t{1}}).ok());  // wrong parameter count
  CHECK_FALSE(db->query("SELECT nope FROM t").ok());
}

TEST_CASE("a hub reopened on its data directory keeps its epoch and data, the pool reuses connections") {
  test::TempDir dir;
  HubOptions o;
  o.data_dir = dir / "data";
  o.password_opslimit = 1;
  o.password_memlimit = 8192;
  std::string epoch;
  {
    auto hub = Hub::open(o);
    REQUIRE(hub.ok());
    epoch = (*hub)->epoch();
    auto a = (*hub)->pool().lease();
    REQUIRE(a.ok());
    auto b = (*hub)->pool().lease();  // a second connection while the first is out
    REQUIRE(b.ok());
    CHECK((*b)->query("SELECT count(*) FROM record").ok());
  }
  struct stat st {};
  REQUIRE(::stat((dir / "data").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  REQUIRE(::stat((dir / "data" / "hub.db").c_str(), &st) == 0);
  CHECK((st.st_mode & 077) == 0);
  auto hub = Hub::open(o);
  REQUIRE(hub.ok());
  CHECK((*hub)->epoch() == epoch);
}
