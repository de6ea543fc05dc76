#include "storage/sqlite_backend.h"

#include <sqlite3.h>

#include <chrono>

namespace doorstep::server {

namespace {

constexpr int kBusyTimeoutMs = 15000;

// One writer queue per database file in this process.
std::shared_ptr<std::timed_mutex> writer_queue(const std::filesystem::path& file) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<std::timed_mutex>> queues;
  std::error_code ec;
  auto key = std::filesystem::weakly_canonical(file, ec).string();
  if (ec) key = file.string();
  std::lock_guard<std::mutex> g(mu);
  auto& q = queues[key];
  if (!q) q = std::make_shared<std::timed_mutex>();
  return q;
}

}  // namespace

Result<std::unique_ptr<SqliteBackend>> SqliteBackend::open(const std::filesystem::path& file, const SecureKey& key) {
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(file.c_str(), &raw, flags, nullptr);
  std::unique_ptr<SqliteBackend> db(new SqliteBackend(raw));
  if (rc != SQLITE_OK) return db->error(rc, "cannot open the hub database");
  db->writers_ = writer_queue(file);
  sqlite3_extended_result_codes(raw, 1);
  // Raw key form x'<64 hex>': no PBKDF2 on an already random key. The hex text
  // lives only in sodium_malloc memory.
  {
    static const char* digits = "0123456789abcdef";
    SecretString hex(std::string(67, '\0'));
    char* p = const_cast<char*>(hex.data());
    p[0] = 'x';
    p[1] = '\'';
    for (std::size_t i = 0; i < key.size(); ++i) {
      p[2 + 2 * i] = digits[key.data()[i] >> 4];
      p[3 + 2 * i] = digits[key.data()[i] & 0xf];
    }
    p[66] = '\'';
    rc = sqlite3_key(raw, hex.data(), 67);
  }
  if (rc != SQLITE_OK) return db->error(rc, "cannot apply the server key");
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);

  // The first read proves the key: a wrong key reads as "not a database".
  auto probe = db->query("SELECT count(*) FROM sqlite_master", {});
  if (!probe) {
    if (probe.error().code == ErrorCode::corrupt)
      return make_error(ErrorDomain::store, ErrorCode::corrupt,
                        "the hub database cannot be read with server.key (wrong key or damaged file)");
    return probe.error();
  }
  struct Setting {
    const char* set;
    const char* read;
    const char* want;
  };
  const Setting settings[] = {
      {"PRAGMA journal_mode = WAL", "PRAGMA journal_mode", "wal"},
      {"PRAGMA synchronous = FULL", "PRAGMA synchronous", "2"},
      {"PRAGMA secure_delete = ON", "PRAGMA secure_delete", "1"},
      {"PRAGMA temp_store = MEMORY", "PRAGMA temp_store", "2"},
  };
  for (const auto& s : settings) {
    auto set = db->query(s.set, {});
    if (!set) return set.error();
    auto got = db->query(s.read, {});
    if (!got) return got.error();
    if (got->empty() || got->front().text(0) != s.want)
      return make_error(ErrorDomain::store, ErrorCode::internal,
                        std::string("database setting did not take: ") + s.set);
  }
  return db;
}

SqliteBackend::~SqliteBackend() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  if (in_tx_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  release_writer();
  sqlite3_close_v2(db_);
}

void SqliteBackend::release_writer() {
  if (!writing_) return;
  writing_ = false;
  writers_->unlock();
}

Error SqliteBackend::error(int rc, std::string_view what) const {
  const int primary = rc & 0xff;
  const std::string detail = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  std::string msg = std::string(what) + ": " + detail;
  switch (primary) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT: return make_error(ErrorDomain::store, ErrorCode::corrupt, msg);
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN: return make_error(ErrorDomain::io, ErrorCode::io_error, msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return make_error(ErrorDomain::store, ErrorCode::unavailable, msg);
    case SQLITE_CONSTRAINT: return make_error(ErrorDomain::store, ErrorCode::invalid_argument, msg);
    case SQLITE_TOOBIG: return make_error(ErrorDomain::store, ErrorCode::too_large, msg);
    default: return make_error(ErrorDomain::store, ErrorCode::internal, msg);
  }
}

Status SqliteBackend::plain(const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) return error(rc, sql);
  return {};
}

Status SqliteBackend::begin(TxMode mode) {
  if (in_tx_) return make_error(ErrorDomain::store, ErrorCode::internal, "transactions do not nest");
  // A connection an unsynced transaction left at synchronous=NORMAL (restore_sync
  // failed) waits for the disk again before anything else commits on it.
  DOORSTEP_TRY(restore_sync());
  const bool writer = mode != TxMode::read;
  // WAL: a deferred BEGIN takes its snapshot at the first read; IMMEDIATE takes the
  // write lock now, so the read-then-write of a writer sees no one else's commit.
  if (writer) {
    if (!writers_->try_lock_for(std::chrono::milliseconds(kBusyTimeoutMs)))
      return make_error(ErrorDomain::store, ErrorCode::unavailable, "the hub database is busy");
    writing_ = true;
  }
  if (mode == TxMode::write_unsynced) {
    // Outside a transaction only: SQLite refuses a change of safety level inside one.
    unsynced_ = true;
    if (auto st = plain("PRAGMA synchronous = NORMAL"); !st.ok()) {
      release_writer();
      (void)restore_sync();
      return st;
    }
  }
  auto st = plain(writer ? "BEGIN IMMEDIATE" : "BEGIN");
  if (!st.ok()) {
    release_writer();
    (void)restore_sync();
    return st;
  }
  in_tx_ = true;
  return {};
}

Status SqliteBackend::commit() {
  if (!in_tx_) return make_error(ErrorDomain::store, ErrorCode::internal, "commit outside a transaction");
  auto s = plain("COMMIT");
  if (!s.ok()) {
    rollback();
    return s;
  }
  in_tx_ = false;
  release_writer();
  (void)restore_sync();  // a failure is retried, and reported, at the next begin()
  return {};
}

void SqliteBackend::rollback() {
  if (!in_tx_) return;
  for (auto& [sql, stmt] : cache_) sqlite3_reset(stmt);
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  in_tx_ = false;
  release_writer();
  (void)restore_sync();
}

Status SqliteBackend::restore_sync() {
  if (!unsynced_) return {};
  DOORSTEP_TRY(plain("PRAGMA synchronous = FULL"));
  unsynced_ = false;
  return {};
}

Status SqliteBackend::copy_to(SqliteBackend& dest) {
  if (in_tx_ || dest.in_tx_) return make_error(ErrorDomain::store, ErrorCode::internal, "a backup inside a transaction");
  sqlite3_backup* b = sqlite3_backup_init(dest.db_, "main", db_, "main");
  if (b == nullptr) return dest.error(sqlite3_errcode(dest.db_), "cannot start the backup");
  int rc = SQLITE_OK;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  do {
    rc = sqlite3_backup_step(b, -1);  // every page under one read snapshot
    if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && std::chrono::steady_clock::now() < give_up) sqlite3_sleep(50);
    else if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) break;
  } while (rc != SQLITE_DONE && (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED));
  const int finished = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) return dest.error(rc, "the backup failed");
  if (finished != SQLITE_OK) return dest.error(finished, "the backup failed");
  return {};
}

Result<sqlite3_stmt*> SqliteBackend::prepare(std::string_view sql, const SqlParams& params) {
  sqlite3_stmt* st = nullptr;
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    st = it->second;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
  } else {
    const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st, nullptr);
    if (rc != SQLITE_OK) return error(rc, "cannot prepare a statement");
    cache_.emplace(std::string(sql), st);
  }
  if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(st))
    return make_error(ErrorDomain::store, ErrorCode::internal, "statement parameter count does not match");
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int idx = static_cast<int>(i) + 1;
    const SqlValue& v = params[i];
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::monostate>(v)) rc = sqlite3_bind_null(st, idx);
    else if (auto* n = std::get_if<std::int64_t>(&v)) rc = sqlite3_bind_int64(st, idx, *n);
    else if (auto* d = std::get_if<double>(&v)) rc = sqlite3_bind_double(st, idx, *d);
    else if (auto* s = std::get_if<std::string>(&v))
      rc = sqlite3_bind_text64(st, idx, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    else if (auto* b = std::get_if<Bytes>(&v))
      rc = sqlite3_bind_blob64(st, idx, b->data.data(), b->data.size(), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) return error(rc, "cannot bind a parameter");
  }
  return st;
}

Result<std::int64_t> SqliteBackend::exec(std::string_view sql, const SqlParams& params) {
  auto st = prepare(sql, params);
  if (!st) return st.error();
  for (;;) {
    const int rc = sqlite3_step(*st);
    if (rc == SQLITE_ROW) continue;
    if (rc == SQLITE_DONE) break;
    auto e = error(rc, "database");
    sqlite3_reset(*st);
    return e;
  }
  sqlite3_reset(*st);
  return static_cast<std::int64_t>(sqlite3_changes(db_));
}

Result<SqlRows> SqliteBackend::query(std::string_view sql, const SqlParams& params) {
  auto st = prepare(sql, params);
  if (!st) return st.error();
  SqlRows rows;
  for (;;) {
    const int rc = sqlite3_step(*st);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      auto e = error(rc, "database");
      sqlite3_reset(*st);
      return e;
    }
    const int n = sqlite3_column_count(*st);
    std::vector<SqlValue> values;
    values.reserve(static_cast<std::size_t>(n));
    for (int c = 0; c < n; ++c) {
      switch (sqlite3_column_type(*st, c)) {
        case SQLITE_INTEGER: values.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(*st, c))); break;
        case SQLITE_FLOAT: values.emplace_back(sqlite3_column_double(*st, c)); break;
        case SQLITE_NULL: values.emplace_back(std::monostate{}); break;
        case SQLITE_BLOB: {
          const void* p = sqlite3_column_blob(*st, c);
          const int len = sqlite3_column_bytes(*st, c);
          values.emplace_back(Bytes{std::string(static_cast<const char*>(p), p ? static_cast<std::size_t>(len) : 0)});
          break;
        }
        default: {
          const unsigned char* p = sqlite3_column_text(*st, c);
          const int len = sqlite3_column_bytes(*st, c);
          values.emplace_back(std::string(reinterpret_cast<const char*>(p), p ? static_cast<std::size_t>(len) : 0));
        }
      }
    }
    rows.emplace_back(std::move(values));
  }
  sqlite3_reset(*st);
  return rows;
}

}  // namespace doorstep::server
