#include "hub/office_sessions.h"

#include <algorithm>

#include "doorstep/core/hlc.h"
#include "hub/audit_log.h"

namespace doorstep::server {

namespace {

// A session's last use is written at most this often (each office request reads it).
constexpr std::int64_t kTouchEveryMs = 5'000;

Error ended() {
  return make_error(ErrorDomain::server, ErrorCode::unauthorised, "the office session has ended; sign in again");
}

}  // namespace

bool OfficeCaller::covers_team(const std::string& team) const {
  if (role == Role::admin) return true;
  if (!has_teams(role)) return false;
  return std::find(teams.begin(), teams.end(), team) != teams.end();
}

Result<OfficeSignIn> OfficeSessions::sign_in(const std::string& username, const std::string& password,
                                             const std::string& source) {
  auto account = Accounts(hub_).verify(username, password);
  if (!account) return account.error();
  auto role = parse_role(account->role);
  if (!role || !is_office_role(*role))
    return make_error(ErrorDomain::server, ErrorCode::invalid_transition, "this is not an office account");
  if (!account->enabled)
    return make_error(ErrorDomain::server, ErrorCode::account_disabled,
                      "this account is disabled; ask your council's IT team");
  return open(*account, source, "password");
}

Result<OfficeSignIn> OfficeSessions::open(const Account& account, const std::string& source,
                                          const std::string& method) {
  auto role = parse_role(account.role);
  if (!role || !is_office_role(*role))
    return make_error(ErrorDomain::server, ErrorCode::invalid_transition, "this is not an office account");
  if (!account.enabled)
    return make_error(ErrorDomain::server, ErrorCode::account_disabled,
                      "this account is disabled; ask your council's IT team");
  const std::int64_t now = hub_.clock().now_ms();
  OfficeSignIn out;
  out.session_id = random_token();
  out.csrf = random_token();
  out.expires_in = hub_.options().session_max_s;
  out.idle_timeout = hub_.options().session_idle_s;
  out.password_change_required = account.must_change_password;
  {
    auto db = hub_.pool().lease();
    if (!db) return db.error();
    Transaction tx(**db);
    DOORSTEP_TRY(tx.begin(TxMode::write));
    auto ins = (*db)->exec(
        "INSERT INTO office_session (id, username, method, source, created_ms, last_used_ms, ended_ms, csrf)"
        " VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
        {out.session_id, account.username, method, source, now, now, out.csrf});
    if (!ins) return ins.error();
    auto up = (*db)->exec("UPDATE account SET last_sign_in = ? WHERE username = ?",
                          {format_timestamp(now), account.username});
    if (!up) return up.error();
    const std::string at = hub_.hlc().timestamp();
    auto a = append_audit(**db, {new_uuid(), at, account.username, "office", "signed_in", "account", account.username,
                                 method, at, account.role, source});
    if (!a) return a.error();
    DOORSTEP_TRY(tx.commit());
  }
  AccessClaims c;
  c.user = account.username;
  c.role = account.role;
  c.session_id = out.session_id;
  c.expires_ms = now + hub_.options().session_max_s * 1000;
  out.token = hub_.tokens().issue(c);
  return out;
}

Result<OfficeCaller> OfficeSessions::check(const AccessClaims& claims, const std::string& source) {
  if (claims.session_id.empty()) return ended();
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  auto rows = (*db)->query(
      "SELECT s.username, s.created_ms, s.last_used_ms, s.ended_ms, a.role, a.teams, a.enabled,"
      " a.must_change_password, s.csrf FROM office_session s JOIN account a ON a.username = s.username WHERE s.id = ?",
      {claims.session_id});
  if (!rows) return rows.error();
  if (rows->empty()) return ended();
  const auto& r = rows->front();
  const std::int64_t now = hub_.clock().now_ms();
  auto role = parse_role(r.text(4));
  if (r.text(0) != claims.user || r.integer(3) != 0 || r.integer(6) == 0 || !role || !is_office_role(*role))
    return ended();
  const bool idle = now - r.integer(2) > hub_.options().session_idle_s * 1000;
  const bool old = now - r.integer(1) > hub_.options().session_max_s * 1000;
  if (idle || old) {
    (void)(*db)->exec("UPDATE office_session SET ended_ms = ? WHERE id = ? AND ended_ms = 0", {now, claims.session_id});
    return ended();
  }
  if (now - r.integer(2) >= kTouchEveryMs) {
    // Best effort: a busy database must not fail the request for this.
    (void)(*db)->exec("UPDATE office_session SET last_used_ms = ? WHERE id = ? AND ended_ms = 0",
                      {now, claims.session_id});
  }
  OfficeCaller c;
  c.user = claims.user;
  c.role = *role;
  c.teams = teams_from_json(r.text(5));
  c.session_id = claims.session_id;
  c.source = source;
  c.must_change_password = r.integer(7) != 0;
  c.csrf = r.text(8);
  return c;
}

Status OfficeSessions::end(const std::string& session_id) {
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  auto up = (*db)->exec("UPDATE office_session SET ended_ms = ? WHERE id = ? AND ended_ms = 0",
                        {hub_.clock().now_ms(), session_id});
  if (!up) return up.error();
  return {};
}

Result<std::int64_t> OfficeSessions::end_all(const std::string& username) {
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  // Sessions that idled out or outlived the maximum are over already: not counted.
  const std::int64_t now = hub_.clock().now_ms();
  return (*db)->exec(
      "UPDATE office_session SET ended_ms = ? WHERE username = ? AND ended_ms = 0 AND last_used_ms >= ?"
      " AND created_ms >= ?",
      {now, username, now - hub_.options().session_idle_s * 1000, now - hub_.options().session_max_s * 1000});
}

}  // namespace doorstep::server
