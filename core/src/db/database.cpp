#include "database.h"

#include <cstdio>

namespace doorstep::db {

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int i, const Value& v) {
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) bind_null(i);
        else bind(i, x);
      },
      v);
  return *this;
}
Statement& Statement::bind(int i, const std::string& s) {
  sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind(int i, const char* s) {
  sqlite3_bind_text(stmt_, i, s, -1, SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind(int i, std::int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Statement& Statement::bind(int i, double v) {
  sqlite3_bind_double(stmt_, i, v);
  return *this;
}
Statement& Statement::bind_null(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

Result<bool> Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const int code = sqlite3_extended_errcode(db_);
  std::string msg = sqlite3_errmsg(db_);
  sqlite3_reset(stmt_);
  ErrorCode ec = ErrorCode::internal;
  switch (code & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: ec = ErrorCode::corrupt; break;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN: ec = ErrorCode::io_error; break;
    case SQLITE_CONSTRAINT: ec = ErrorCode::invalid_argument; break;
    case SQLITE_TOOBIG: ec = ErrorCode::too_large; break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: ec = ErrorCode::unavailable; break;
    default: break;
  }
  return make_error(ErrorDomain::store, ec, "database: " + msg);
}

Status Statement::run() {
  for (;;) {
    auto r = step();
    if (!r) return r.error();
    if (!*r) return {};
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int Statement::columns() const { return sqlite3_column_count(stmt_); }

Value Statement::value(int c) const {
  switch (sqlite3_column_type(stmt_, c)) {
    case SQLITE_INTEGER: return Value{static_cast<std::int64_t>(sqlite3_column_int64(stmt_, c))};
    case SQLITE_FLOAT: return Value{sqlite3_column_double(stmt_, c)};
    case SQLITE_NULL: return Value{};
    default: return Value{text(c)};
  }
}

std::string Statement::text(int c) const {
  const unsigned char* p = sqlite3_column_text(stmt_, c);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c)));
}
std::int64_t Statement::integer(int c) const { return sqlite3_column_int64(stmt_, c); }
double Statement::real(int c) const { return sqlite3_column_double(stmt_, c); }
bool Statement::is_null(int c) const { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }

Result<std::unique_ptr<Database>> Database::open(const std::filesystem::path& path, const SecureKey& key,
                                                 bool create) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  std::unique_ptr<Database> db(new Database(raw));
  if (rc != SQLITE_OK) {
    if (!create && rc == SQLITE_CANTOPEN)
      return make_error(ErrorDomain::store, ErrorCode::not_found, "no store database at " + path.string());
    return db->error(rc, "cannot open " + path.string());
  }
  sqlite3_extended_result_codes(raw, 1);
  // Raw key form x'<64 hex>' skips SQLCipher's PBKDF2: the key is already random.
  // The hex text lives only in sodium_malloc memory and is zeroed after use.
  SecretString hex;
  {
    std::string tmp(3 + 64 + 1, '\0');
    SecretString buf(tmp);
    char* p = const_cast<char*>(buf.data());
    p[0] = 'x';
    p[1] = '\'';
    static const char* digits = "0123456789abcdef";
    for (std::size_t i = 0; i < key.size(); ++i) {
      p[2 + 2 * i] = digits[key.data()[i] >> 4];
      p[3 + 2 * i] = digits[key.data()[i] & 0xf];
    }
    p[66] = '\'';
    hex = std::move(buf);
  }
  rc = sqlite3_key(raw, hex.data(), 67);
  if (rc != SQLITE_OK) return db->error(rc, "cannot apply the database key");
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

Database::~Database() {
  cache_.clear();  // finalize statements before closing
  sqlite3_close_v2(db_);
}

Status Database::exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    Error e = error(rc, "database");
    if ((rc & 0xff) == SQLITE_CONSTRAINT) e = make_error(ErrorDomain::store, ErrorCode::invalid_argument, "");
    e.message = "database: " + msg;
    return e;
  }
  return {};
}

Result<Statement*> Database::prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    it->second->reset();
    return it->second.get();
  }
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &s, nullptr);
  if (rc != SQLITE_OK) return error(rc, "cannot prepare statement");
  auto stmt = std::make_unique<Statement>(s, db_);
  Statement* p = stmt.get();
  cache_.emplace(sql, std::move(stmt));
  return p;
}

std::int64_t Database::changes() const { return sqlite3_changes(db_); }
std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

Result<std::string> Database::pragma(const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr);
  if (rc != SQLITE_OK) return error(rc, sql);
  Statement st(s, db_);
  auto r = st.step();
  if (!r) return r.error();
  if (!*r) return std::string();
  return st.text(0);
}

Error Database::error(int rc, const std::string& what) const {
  const int primary = rc & 0xff;
  std::string detail = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  if (primary == SQLITE_NOTADB)
    return make_error(ErrorDomain::store, ErrorCode::corrupt,
                      what + ": the file is not a Doorstep store or is damaged");
  if (primary == SQLITE_CORRUPT)
    return make_error(ErrorDomain::store, ErrorCode::corrupt, what + ": the store is damaged (" + detail + ")");
  if (primary == SQLITE_IOERR || primary == SQLITE_FULL || primary == SQLITE_CANTOPEN)
    return make_error(ErrorDomain::io, ErrorCode::io_error, what + ": " + detail);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    return make_error(ErrorDomain::store, ErrorCode::unavailable, what + ": the store is busy (" + detail + ")");
  return make_error(ErrorDomain::store, ErrorCode::internal, what + ": " + detail);
}

Transaction::~Transaction() {
  if (open_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

Status Transaction::begin() {
  DOORSTEP_TRY(db_.exec("BEGIN IMMEDIATE"));
  open_ = true;
  return {};
}

Status Transaction::commit() {
  auto st = db_.exec("COMMIT");
  if (!st.ok()) return st;  // destructor rolls back
  open_ = false;
  return {};
}

}  // namespace doorstep::db
