#include "storage/postgres_backend.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <cstring>

#include "storage/postgres_text.h"

namespace doorstep::server {

namespace {

// Type OIDs (PostgreSQL's pg_type.dat; stable across versions).
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700,
              kFloat8 = 701, kNumeric = 1700;

// How long a writer waits for the writer lock (or any lock) before store/unavailable,
// as SQLite's busy timeout does.
constexpr const char* kLockTimeout = "SET lock_timeout = '15s'";
// Prepared statements kept per connection before they are all dropped and re-made.
constexpr std::size_t kMaxPrepared = 512;

Error unavailable(std::string msg) { return make_error(ErrorDomain::store, ErrorCode::unavailable, std::move(msg)); }
Error internal(std::string msg) { return make_error(ErrorDomain::store, ErrorCode::internal, std::move(msg)); }

// libpq's own message (connection failures) without its trailing newline.
std::string conn_message(const PGconn* conn) {
  std::string m = conn ? PQerrorMessage(conn) : "out of memory";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  if (const auto nl = m.find('\n'); nl != std::string::npos) m = m.substr(0, nl);
  return m;
}

char kind_of(const SqlValue& v) {
  switch (v.index()) {
    case 0: return 'n';
    case 1: return 'i';
    case 2: return 'd';
    case 3: return 's';
    default: return 'b';
  }
}

Result<SqlValue> decode(const PGresult* res, int row, int col) {
  if (PQgetisnull(res, row, col)) return SqlValue{};
  const char* p = PQgetvalue(res, row, col);
  const std::size_t len = static_cast<std::size_t>(PQgetlength(res, row, col));
  const std::string_view text(p, len);
  switch (PQftype(res, col)) {
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid: {
      std::int64_t n = 0;
      auto [end, ec] = std::from_chars(p, p + len, n);
      if (ec != std::errc() || end != p + len) return internal("an integer column holds text that is not a number");
      return SqlValue{n};
    }
    case kBool: return SqlValue{std::int64_t{text == "t" ? 1 : 0}};
    case kNumeric:
      if (text.find_first_of(".eEN") == std::string_view::npos) {
        std::int64_t n = 0;
        auto [end, ec] = std::from_chars(p, p + len, n);
        if (ec == std::errc() && end == p + len) return SqlValue{n};
      }
      [[fallthrough]];
    case kFloat4:
    case kFloat8: return SqlValue{std::strtod(std::string(text).c_str(), nullptr)};
    case kBytea: {
      auto bytes = pg::decode_bytea_hex(text);
      if (!bytes) return bytes.error();
      return SqlValue{Bytes{std::move(*bytes)}};
    }
    default: return SqlValue{std::string(text)};
  }
}

bool connection_lost(const PGconn* conn) { return PQstatus(conn) != CONNECTION_OK; }

}  // namespace

Result<std::unique_ptr<PostgresBackend>> PostgresBackend::connect(const std::string& conninfo) {
  // expand_dbname: the first value may be a whole URL or key=value string; the
  // settings after it override what it says.
  const char* keys[] = {"dbname", "fallback_application_name", "client_encoding", nullptr};
  const char* values[] = {conninfo.c_str(), "doorstep-server", "UTF8", nullptr};
  PGconn* raw = PQconnectdbParams(keys, values, 1);
  if (raw == nullptr) return unavailable("cannot connect to PostgreSQL: out of memory");
  std::unique_ptr<PostgresBackend> db(new PostgresBackend(raw));
  if (PQstatus(raw) != CONNECTION_OK) return unavailable("cannot connect to PostgreSQL: " + conn_message(raw));
  const char* encoding = PQparameterStatus(raw, "server_encoding");
  if (encoding == nullptr || std::strcmp(encoding, "UTF8") != 0)
    return make_error(ErrorDomain::store, ErrorCode::invalid_argument,
                      std::string("the PostgreSQL database must be UTF8-encoded, not ") +
                          (encoding ? encoding : "unknown") + " (CREATE DATABASE … ENCODING 'UTF8')");
  DOORSTEP_TRY(db->session_setup());
  return db;
}

PostgresBackend::~PostgresBackend() {
  // Closing the connection rolls back whatever was open.
  PQfinish(conn_);
}

int PostgresBackend::server_pid() const { return PQbackendPID(conn_); }

Status PostgresBackend::session_setup() {
  // Notices ("already exists, skipping") are the server log's business, not this
  // process's stderr. A FATAL one arriving between statements is the server ending
  // the session (restart, pg_terminate_backend): remember it, so the next statement
  // goes to a new session instead of failing on this one.
  PQsetNoticeReceiver(
      conn_,
      [](void* self, const PGresult* res) {
        const char* severity = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
        if (severity && (std::strcmp(severity, "FATAL") == 0 || std::strcmp(severity, "PANIC") == 0))
          static_cast<PostgresBackend*>(self)->server_ended_ = true;
      },
      this);
  for (const char* sql : {kLockTimeout, "SET standard_conforming_strings = on", "SET bytea_output = 'hex'",
                          "SET client_min_messages = warning"}) {
    auto r = simple(sql);
    if (!r) return r.error();
  }
  return {};
}

Status PostgresBackend::reconnect() {
  prepared_.clear();  // statements die with the session
  server_ended_ = false;
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) return unavailable("cannot reconnect to PostgreSQL: " + conn_message(conn_));
  return session_setup();
}

Status PostgresBackend::ensure_connected() {
  if (PQstatus(conn_) == CONNECTION_OK && !server_ended_) {
    // A server that ended the session has sent its last words (a FATAL notice) and
    // closed the socket. Reading what is there (without waiting) and parsing it
    // notices either.
    PQconsumeInput(conn_);
    (void)PQisBusy(conn_);
    while (PGnotify* n = PQnotifies(conn_)) PQfreemem(n);
  }
  if (PQstatus(conn_) == CONNECTION_OK && !server_ended_) return {};
  return reconnect();
}

Error PostgresBackend::failure(const PGresult* res, std::string_view what) const {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  if (state == nullptr && connection_lost(conn_))
    return unavailable(std::string(what) + ": the connection to PostgreSQL was lost (" + conn_message(conn_) + ")");
  if (primary == nullptr) return internal(std::string(what) + ": " + conn_message(conn_));
  return pg::error_for_sqlstate(state ? state : "", primary, what);
}

Result<PostgresBackend::ResultPtr> PostgresBackend::simple(const char* sql) {
  ResultPtr res(PQexec(conn_, sql), PQclear);
  const auto st = PQresultStatus(res.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return failure(res.get(), "database");
  return res;
}

Status PostgresBackend::begin(TxMode mode) {
  if (in_tx_) return internal("transactions do not nest");
  // BEGIN and the lock in one round trip; the lock is held until COMMIT or ROLLBACK.
  static const std::string write_sql = "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(" +
                                       std::to_string(kWriterLock) + ")";
  // SET LOCAL ends with the transaction.
  static const std::string unsynced_sql = write_sql + "; SET LOCAL synchronous_commit TO off";
  const char* sql = mode == TxMode::write            ? write_sql.c_str()
                    : mode == TxMode::write_unsynced ? unsynced_sql.c_str()
                                                     : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
  DOORSTEP_TRY(ensure_connected());
  auto r = simple(sql);
  if (!r && connection_lost(conn_)) {
    // Nothing ran: safe to try once more on a fresh connection.
    DOORSTEP_TRY(reconnect());
    r = simple(sql);
  }
  if (!r) {
    if (PQtransactionStatus(conn_) != PQTRANS_IDLE) (void)simple("ROLLBACK");
    return r.error();
  }
  in_tx_ = true;
  return {};
}

Status PostgresBackend::commit() {
  if (!in_tx_) return internal("commit outside a transaction");
  if (PQtransactionStatus(conn_) == PQTRANS_INERROR) {
    rollback();
    return internal("commit after a failed statement: the transaction was rolled back");
  }
  auto r = simple("COMMIT");
  if (!r) {
    rollback();
    return r.error();
  }
  in_tx_ = false;
  // COMMIT of a transaction the server already aborted answers ROLLBACK.
  if (std::strcmp(PQcmdStatus(r->get()), "COMMIT") != 0) return internal("the transaction was rolled back by the server");
  return {};
}

void PostgresBackend::rollback() {
  if (!in_tx_) return;
  in_tx_ = false;
  if (connection_lost(conn_)) return;  // the server has rolled it back
  (void)simple("ROLLBACK");
}

Result<PostgresBackend::ResultPtr> PostgresBackend::run(std::string_view sql, const SqlParams& params) {
  if (!in_tx_) {
    DOORSTEP_TRY(ensure_connected());
  } else if (PQtransactionStatus(conn_) == PQTRANS_INERROR) {
    return internal("a statement after a failed one in the same transaction");
  }
  std::string key(sql);
  key += '\x1f';
  for (const auto& p : params) key += kind_of(p);

  auto it = prepared_.find(key);
  if (it == prepared_.end()) {
    auto rewritten = pg::rewrite_placeholders(sql);
    if (!rewritten) return rewritten.error();
    if (rewritten->count != static_cast<int>(params.size()))
      return internal("statement parameter count does not match");
    if (prepared_.size() >= kMaxPrepared) {
      auto dropped = simple("DEALLOCATE ALL");
      if (!dropped) return dropped.error();
      prepared_.clear();
    }
    std::vector<Oid> types;
    for (const auto& p : params) {
      const char k = kind_of(p);
      types.push_back(k == 'i' ? kInt8 : k == 'd' ? kFloat8 : k == 'b' ? kBytea : 0);
    }
    const std::string name = "d" + std::to_string(++next_statement_);
    auto prepare = [&] {
      return ResultPtr(PQprepare(conn_, name.c_str(), rewritten->sql.c_str(), static_cast<int>(types.size()),
                                 types.empty() ? nullptr : types.data()),
                       PQclear);
    };
    ResultPtr res = prepare();
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK && !in_tx_ && (connection_lost(conn_) || server_ended_)) {
      // Preparing runs nothing: outside a transaction it is safe to try once more on
      // a new session.
      DOORSTEP_TRY(reconnect());
      res = prepare();
    }
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) return failure(res.get(), "cannot prepare a statement");
    it = prepared_.emplace(std::move(key), name).first;
  }

  const int n = static_cast<int>(params.size());
  std::vector<std::string> text(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  std::vector<int> lengths(params.size(), 0), formats(params.size(), 0);
  for (std::size_t i = 0; i < params.size(); ++i) {
    const SqlValue& v = params[i];
    if (auto* num = std::get_if<std::int64_t>(&v)) {
      text[i] = std::to_string(*num);
    } else if (auto* d = std::get_if<double>(&v)) {
      char buf[64];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);
      text[i].assign(buf, ec == std::errc() ? end : buf);
    } else if (auto* s = std::get_if<std::string>(&v)) {
      // Text goes as a C string: a NUL would cut it short without a word.
      if (s->find('\0') != std::string::npos)
        return make_error(ErrorDomain::store, ErrorCode::invalid_argument, "text cannot hold a NUL byte");
      values[i] = s->c_str();
      continue;
    } else if (auto* b = std::get_if<Bytes>(&v)) {
      values[i] = b->data.data();
      lengths[i] = static_cast<int>(b->data.size());
      formats[i] = 1;
      continue;
    } else {
      continue;  // NULL
    }
    values[i] = text[i].c_str();
  }
  ResultPtr res(PQexecPrepared(conn_, it->second.c_str(), n, n ? values.data() : nullptr, n ? lengths.data() : nullptr,
                               n ? formats.data() : nullptr, 0),
                PQclear);
  const auto st = PQresultStatus(res.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    auto e = failure(res.get(), "database");
    // A statement that no longer matches the schema is prepared afresh next time.
    if (const char* state = PQresultErrorField(res.get(), PG_DIAG_SQLSTATE); state && std::strcmp(state, "0A000") == 0)
      prepared_.erase(it);
    return e;
  }
  return res;
}

Result<std::int64_t> PostgresBackend::exec(std::string_view sql, const SqlParams& params) {
  auto res = run(sql, params);
  if (!res) return res.error();
  const char* n = PQcmdTuples(res->get());
  return static_cast<std::int64_t>(n && *n ? std::atoll(n) : 0);
}

Result<SqlRows> PostgresBackend::query(std::string_view sql, const SqlParams& params) {
  auto res = run(sql, params);
  if (!res) return res.error();
  const PGresult* r = res->get();
  const int rows = PQntuples(r), cols = PQnfields(r);
  SqlRows out;
  out.reserve(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    std::vector<SqlValue> values;
    values.reserve(static_cast<std::size_t>(cols));
    for (int c = 0; c < cols; ++c) {
      auto v = decode(r, i, c);
      if (!v) return v.error();
      values.push_back(std::move(*v));
    }
    out.emplace_back(std::move(values));
  }
  return out;
}

}  // namespace doorstep::server
