#include "storage/migrations.h"

#include <string>
#include <vector>

namespace doorstep::server {

namespace {

struct Migration {
  int version;
  std::vector<const char*> statements;
};

// record: the current state of every synced record, whatever its type (core's schema
// table names the fields; fields and stamps are JSON text). rev is the global
// sequence number of its last change. The scope columns are derived from the state
// on every write (hub/scope.h) so the feed and scope checks are indexed SQL:
//   case_id     the case the record belongs to (a case: its own id)
//   person_id   person records (own id), case records (their person), conflicts
//               about a person
//   worker      case records: the allocated worker
//   closed      case records: 1 when closed or deleted
//   author      field reports: the reporter (and what hangs off a report)
//   blob_sha256 attachment records: the blob they reference
const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1,
       {
           "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)",
           "CREATE TABLE counter (name TEXT PRIMARY KEY NOT NULL, value BIGINT NOT NULL)",
           "INSERT INTO counter (name, value) VALUES ('seq', 0)",
           "CREATE TABLE record ("
           " type TEXT NOT NULL, id TEXT NOT NULL, rev BIGINT NOT NULL, hlc TEXT NOT NULL,"
           " deleted INTEGER NOT NULL DEFAULT 0, fields TEXT NOT NULL, stamps TEXT NOT NULL,"
           " case_id TEXT, person_id TEXT, worker TEXT, closed INTEGER NOT NULL DEFAULT 0,"
           " author TEXT, blob_sha256 TEXT,"
           " PRIMARY KEY (type, id))",
           "CREATE UNIQUE INDEX record_rev ON record (rev)",
           "CREATE INDEX record_case ON record (case_id)",
           "CREATE INDEX record_person ON record (person_id)",
           "CREATE INDEX record_worker ON record (worker, closed)",
           "CREATE INDEX record_author ON record (author)",
           "CREATE INDEX record_blob ON record (blob_sha256)",
           "CREATE TABLE revocation (seq BIGINT PRIMARY KEY NOT NULL, worker TEXT NOT NULL, case_id TEXT NOT NULL,"
           " at_ms BIGINT NOT NULL DEFAULT 0)",
           "CREATE INDEX revocation_worker ON revocation (worker, seq)",
           "CREATE TABLE account (username TEXT PRIMARY KEY NOT NULL, password_hash TEXT NOT NULL,"
           " role TEXT NOT NULL, team TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL)",
           "CREATE TABLE device (device_id TEXT PRIMARY KEY NOT NULL, username TEXT NOT NULL, name TEXT NOT NULL,"
           " refresh_hash TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0, enrolled_at TEXT NOT NULL,"
           " last_seen TEXT, revoked_at TEXT)",
           "CREATE INDEX device_user ON device (username)",
           "CREATE TABLE device_push (device_id TEXT PRIMARY KEY NOT NULL, last_seq BIGINT NOT NULL)",
           "CREATE TABLE push_result (device_id TEXT NOT NULL, seq BIGINT NOT NULL, op_id TEXT NOT NULL,"
           " result TEXT NOT NULL, PRIMARY KEY (device_id, seq))",
           "CREATE TABLE purge_report (device_id TEXT NOT NULL, case_id TEXT NOT NULL, reported_at TEXT NOT NULL,"
           " PRIMARY KEY (device_id, case_id))",
           "CREATE TABLE audit (id TEXT PRIMARY KEY NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL,"
           " device TEXT NOT NULL, action TEXT NOT NULL, record_type TEXT NOT NULL, record_id TEXT NOT NULL,"
           " detail TEXT, received_at TEXT NOT NULL)",
           "CREATE INDEX audit_record ON audit (record_id)",
           "CREATE INDEX audit_actor ON audit (actor)",
           "CREATE TABLE blob (sha256 TEXT PRIMARY KEY NOT NULL, size BIGINT NOT NULL, received BIGINT NOT NULL,"
           " complete INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL)",
           "CREATE TABLE blob_chunk (sha256 TEXT NOT NULL, start_at BIGINT NOT NULL, data BYTES NOT NULL,"
           " PRIMARY KEY (sha256, start_at))",
       }},
      // The changes feed reads a worker's records changed after (or, for a first sync,
      // up to) a revision case by case and person by person: with rev in the index that
      // is a range scan, and with type and id the case's keys need no row read
      // (sync_bench: delta sync 59 -> 23 ms, first sync 1.07 -> 0.73 s for a 20,400-record
      // caseload). The new indexes serve every query the old ones did.
      {2,
       {
           "CREATE INDEX record_case_rev ON record (case_id, rev, type, id)",
           "CREATE INDEX record_person_rev ON record (person_id, rev)",
           "DROP INDEX record_case",
           "DROP INDEX record_person",
       }},
      // The council's side: roles and teams, account lifecycle, office sessions on the
      // hub, devices retired or lost (a wipe and its receipt), rotating refresh
      // credentials, the brake on password guessing, who and from where in the audit
      // log (append-only for everyone), and OpenID Connect sign-in state.
      //   account.role   admin, manager, monitor, auditor or worker ("office" became admin)
      //   account.teams  JSON array of the teams a manager manages or a monitor watches
      //   device.wipe    '' (in use), 'retire' (push what it holds, then erase) or 'lost'
      //                  (accept nothing, erase); wiped_at once the device's receipt came
      //   device.token_gen  bumped to end every access token and refresh credential of it
      //   device.refresh_counter  the rotation the device's refresh credential is at, and
      //                  presented_counter the one the last refresh presented (a lost answer)
      //                  (refresh_hash is kept only for credentials from before rotation)
      {3,
       {
           "ALTER TABLE account ADD COLUMN teams TEXT NOT NULL DEFAULT '[]'",
           "ALTER TABLE account ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1",
           "ALTER TABLE account ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0",
           "ALTER TABLE account ADD COLUMN last_sign_in TEXT",
           "ALTER TABLE account ADD COLUMN email TEXT",
           "UPDATE account SET role = 'admin' WHERE role = 'office'",
           "CREATE TABLE office_session (id TEXT PRIMARY KEY NOT NULL, username TEXT NOT NULL,"
           " method TEXT NOT NULL, source TEXT NOT NULL, created_ms BIGINT NOT NULL, last_used_ms BIGINT NOT NULL,"
           " ended_ms BIGINT NOT NULL DEFAULT 0, csrf TEXT NOT NULL DEFAULT '')",
           "CREATE INDEX office_session_user ON office_session (username, ended_ms)",
           "ALTER TABLE device ADD COLUMN wipe TEXT NOT NULL DEFAULT ''",
           "ALTER TABLE device ADD COLUMN wipe_requested_at TEXT",
           "ALTER TABLE device ADD COLUMN wiped_at TEXT",
           "ALTER TABLE device ADD COLUMN refreshed_ms BIGINT NOT NULL DEFAULT 0",
           "ALTER TABLE device ADD COLUMN token_gen BIGINT NOT NULL DEFAULT 0",
           "ALTER TABLE device ADD COLUMN refresh_counter BIGINT NOT NULL DEFAULT 0",
           "ALTER TABLE device ADD COLUMN presented_counter BIGINT NOT NULL DEFAULT 0",
           "UPDATE device SET wipe = 'lost', wipe_requested_at = revoked_at WHERE revoked = 1",
           "CREATE TABLE sign_in_failure (subject TEXT NOT NULL, at_ms BIGINT NOT NULL)",
           "CREATE INDEX sign_in_failure_subject ON sign_in_failure (subject, at_ms)",
           "CREATE TABLE sign_in_lock (subject TEXT PRIMARY KEY NOT NULL, until_ms BIGINT NOT NULL,"
           " strikes INTEGER NOT NULL)",
           "ALTER TABLE audit ADD COLUMN role TEXT NOT NULL DEFAULT ''",
           "ALTER TABLE audit ADD COLUMN source TEXT NOT NULL DEFAULT ''",
           "CREATE INDEX audit_received ON audit (received_at)",
           "CREATE INDEX audit_action ON audit (action)",
           "sqlite:CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
           " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
           "sqlite:CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
           " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
           "postgresql:CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS"
           " $$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$",
           "postgresql:CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit"
           " FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
           "CREATE TABLE oidc_state (state TEXT PRIMARY KEY NOT NULL, nonce TEXT NOT NULL,"
           " verifier TEXT NOT NULL, created_ms BIGINT NOT NULL)",
           "CREATE TABLE oidc_nonce_used (nonce TEXT PRIMARY KEY NOT NULL, at_ms BIGINT NOT NULL)",
           // Token keys live in a key file now (hub/token_keys.h): a dump must not mint tokens.
           "DELETE FROM meta WHERE key = 'token_secret'",
       }},
  };
  return all;
}

std::string with_types(const SqlBackend& db, std::string sql) {
  const std::string token = "BYTES";
  for (auto at = sql.find(token); at != std::string::npos; at = sql.find(token, at))
    sql.replace(at, token.size(), db.bytes_type());
  return sql;
}

}  // namespace

int latest_schema_version() { return migrations().back().version; }

Status migrate(SqlBackend& db) {
  // Each step runs in a write transaction, which holds the writer lock (SQLite: BEGIN
  // IMMEDIATE; PostgreSQL: the advisory lock, postgres_backend.h): instances starting
  // at once on one database migrate one after another, and each sees what the one
  // before it committed, schema_version included.
  for (const auto& m : migrations()) {
    Transaction tx(db);
    DOORSTEP_TRY(tx.begin(TxMode::write));
    auto made = db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    if (!made) return made.error();
    auto cur = db.query("SELECT coalesce(max(version), 0) FROM schema_version");
    if (!cur) return cur.error();
    const std::int64_t have = cur->empty() ? 0 : cur->front().integer(0);
    if (have > latest_schema_version())
      return make_error(ErrorDomain::store, ErrorCode::invalid_argument,
                        "the hub database is schema version " + std::to_string(have) +
                            ", newer than this server (" + std::to_string(latest_schema_version()) + ")");
    if (have >= m.version) continue;
    for (const char* statement : m.statements) {
      // "sqlite:" or "postgresql:" marks a statement for one engine only (triggers).
      std::string_view sql = statement;
      if (const auto colon = sql.find(':'); colon != std::string_view::npos && colon < 12 &&
                                             sql.substr(0, colon).find(' ') == std::string_view::npos) {
        if (sql.substr(0, colon) != db.name()) continue;
        sql.remove_prefix(colon + 1);
      }
      auto r = db.exec(with_types(db, std::string(sql)));
      if (!r) return r.error();
    }
    auto v = db.exec("INSERT INTO schema_version (version) VALUES (?)", {std::int64_t{m.version}});
    if (!v) return v.error();
    DOORSTEP_TRY(tx.commit());
  }
  return {};
}

}  // namespace doorstep::server
