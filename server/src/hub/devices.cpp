#include "hub/devices.h"

#include <algorithm>

#include "doorstep/core/hlc.h"
#include "hub/accounts.h"
#include "hub/audit_log.h"
#include "hub/epoch.h"

namespace doorstep::server {

namespace {

constexpr std::int64_t kLastSeenEveryMs = 60'000;
// A refresh credential unused this long has expired: the device enrols again.
constexpr std::int64_t kRefreshLifeMs = 400ll * 24 * 3600 * 1000;

Error revoked() {
  return make_error(ErrorDomain::server, ErrorCode::erased,
                    "the office has marked this device lost; its store must be erased");
}
Error bad_refresh() {
  return make_error(ErrorDomain::server, ErrorCode::unauthorised, "the refresh credential is not valid");
}
Error disabled() {
  return make_error(ErrorDomain::server, ErrorCode::account_disabled,
                    "this account is disabled; ask your council's IT team");
}

AuditEntry event(Hub& hub, const std::string& actor, const std::string& device, const std::string& action,
                 const std::string& type, const std::string& id, const std::string& detail, const std::string& role,
                 const std::string& source) {
  const std::string now = hub.hlc().timestamp();
  return {new_uuid(), now, actor, device, action, type, id, detail, now, role, source};
}

}  // namespace

std::string Devices::issue(const std::string& device_id, const std::string& user, std::int64_t gen) {
  AccessClaims c;
  c.device_id = device_id;
  c.user = user;
  c.role = "worker";
  c.token_gen = gen;
  c.expires_ms = hub_.clock().now_ms() + hub_.options().access_ttl_s * 1000;
  return hub_.tokens().issue(c);
}

std::string Devices::issue_refresh(const std::string& device_id, const std::string& user, std::int64_t gen,
                                   std::int64_t counter) {
  AccessClaims c;
  c.device_id = device_id;
  c.user = user;
  c.role = "refresh";
  c.token_gen = gen;
  c.refresh_counter = counter;
  c.expires_ms = hub_.clock().now_ms() + kRefreshLifeMs;
  return hub_.tokens().issue(c);
}

Result<protocol::EnrolResponse> Devices::enrol(const protocol::EnrolRequest& req, const std::string& source) {
  Accounts accounts(hub_);
  auto account = accounts.verify(req.username, req.password);
  if (!account) return account.error();
  if (account->role != "worker")
    return make_error(ErrorDomain::server, ErrorCode::unauthorised, "only a worker account can enrol a device");
  if (!account->enabled) return disabled();
  if (account->must_change_password) {
    if (req.new_password.empty())
      return make_error(ErrorDomain::server, ErrorCode::password_change_required,
                        "the office reset this password: choose a new one to go on");
    if (req.new_password == req.password)
      return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                        "the new password must differ from the one the office gave you");
    DOORSTEP_TRY(accounts.set_password(account->username, req.new_password));
  }

  const std::string now = hub_.hlc().timestamp();
  std::string epoch;
  std::int64_t gen = 1;
  {
    auto db = hub_.pool().lease();
    if (!db) return db.error();
    Transaction tx(**db);
    DOORSTEP_TRY(tx.begin(TxMode::write));
    auto rows = (*db)->query("SELECT username, wipe, token_gen FROM device WHERE device_id = ?", {req.device_id});
    if (!rows) return rows.error();
    const std::string name = req.device_name.empty() ? std::string("unnamed device") : req.device_name;
    if (!rows->empty()) {
      if (!rows->front().text(1).empty()) return revoked();
      if (rows->front().text(0) != account->username)
        return make_error(ErrorDomain::server, ErrorCode::already_exists,
                          "this device id is enrolled to another worker");
      gen = rows->front().integer(2) + 1;
      auto up = (*db)->exec(
          "UPDATE device SET refresh_hash = '', presented_counter = 0, refresh_counter = 1, refreshed_ms = ?,"
          " token_gen = ?, name = ?, last_seen = ? WHERE device_id = ?",
          {hub_.clock().now_ms(), gen, name, now, req.device_id});
      if (!up) return up.error();
    } else {
      auto ins = (*db)->exec(
          "INSERT INTO device (device_id, username, name, refresh_hash, revoked, enrolled_at, last_seen, wipe,"
          " refreshed_ms, token_gen, refresh_counter) VALUES (?, ?, ?, '', 0, ?, ?, '', ?, ?, 1)",
          {req.device_id, account->username, name, now, now, hub_.clock().now_ms(), gen});
      if (!ins) return ins.error();
    }
    auto up = (*db)->exec("UPDATE account SET last_sign_in = ? WHERE username = ?", {now, account->username});
    if (!up) return up.error();
    auto a = append_audit(**db, event(hub_, account->username, req.device_id, "enrolled", "device", req.device_id,
                                      account->must_change_password ? "new password set" : "", "worker", source));
    if (!a) return a.error();
    auto current = read_epoch(**db);  // not Hub::epoch(): another instance may have started a new one
    if (!current) return current.error();
    epoch = current->epoch;
    DOORSTEP_TRY(tx.commit());
  }
  protocol::EnrolResponse out;
  out.device_id = req.device_id;
  out.worker = account->username;
  out.team = account->team;
  out.refresh_token = issue_refresh(req.device_id, account->username, gen, 1);
  out.access_token = issue(req.device_id, account->username, gen);
  out.access_expires_in = hub_.options().access_ttl_s;
  out.server_hlc = hub_.hlc().tick();
  out.epoch = epoch;
  return out;
}

Result<protocol::TokenResponse> Devices::refresh(const protocol::TokenRequest& req, const std::string& source) {
  // A signed credential names its device, generation and counter; one from before
  // rotation is matched by its hash (and replaced by a signed one).
  auto signed_claims = hub_.tokens().verify(req.refresh_token, hub_.clock().now_ms());
  const bool is_signed = signed_claims && signed_claims->role == "refresh" && signed_claims->device_id == req.device_id;
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  Transaction tx(**db);
  DOORSTEP_TRY(tx.begin(TxMode::write));
  auto rows = (*db)->query(
      "SELECT d.username, d.wipe, d.wiped_at, d.refresh_hash, d.refresh_counter, d.refreshed_ms, d.token_gen,"
      " a.enabled, d.presented_counter FROM device d JOIN account a ON a.username = d.username WHERE d.device_id = ?",
      {req.device_id});
  if (!rows) return rows.error();
  if (rows->empty()) return bad_refresh();
  const auto& r = rows->front();
  const std::int64_t now = hub_.clock().now_ms();
  const std::string wipe = r.text(1);
  std::int64_t gen = r.integer(6);
  const std::int64_t issued = r.integer(4);
  std::int64_t next = issued + 1;
  std::int64_t presented = 0;
  if (is_signed) {
    presented = signed_claims->refresh_counter;
    if (signed_claims->user != r.text(0) || signed_claims->token_gen < gen) return bad_refresh();
    if (signed_claims->token_gen > gen) gen = signed_claims->token_gen;  // the database is behind (restored)
    const std::int64_t n = signed_claims->refresh_counter;
    const bool last = n == issued;
    // The credential the last refresh presented, again: its answer was lost on the way,
    // and the credential issued then was never used (a use would have moved
    // presented_counter to it). Reuse counts as theft only once the newer one was used.
    const bool lost_answer = n == r.integer(8) && n < issued;
    const bool ahead = n > issued || signed_claims->token_gen > r.integer(6);
    if (!last && !lost_answer && !ahead) {
      if (wipe == "lost" || !r.is_null(2)) return revoked();
      // An old credential used again after its replacement: someone holds a copy. End
      // every credential of the device; the worker enrols again (nothing on it is lost).
      auto up = (*db)->exec("UPDATE device SET token_gen = token_gen + 1 WHERE device_id = ?", {req.device_id});
      if (!up) return up.error();
      auto a = append_audit(**db, event(hub_, r.text(0), req.device_id, "credential_reused", "device", req.device_id,
                                        "an old refresh credential was presented again; the device's sign-in ended",
                                        "worker", source));
      if (!a) return a.error();
      DOORSTEP_TRY(tx.commit());
      return make_error(ErrorDomain::server, ErrorCode::unauthorised,
                        "this device's sign-in was ended because an old credential was used again; enrol again");
    }
    if (ahead) next = n + 1;
  } else if (r.text(3).empty() || !equal_secret(sha256_hex(req.refresh_token), r.text(3))) {
    return bad_refresh();
  }
  if (wipe == "lost" || !r.is_null(2)) return revoked();
  if (wipe.empty() && r.integer(7) == 0) return disabled();
  auto up = (*db)->exec(
      "UPDATE device SET refresh_hash = '', refresh_counter = ?, presented_counter = ?, token_gen = ?,"
      " refreshed_ms = ?, last_seen = ? WHERE device_id = ?",
      {next, presented, gen, now, format_timestamp(now), req.device_id});
  if (!up) return up.error();
  DOORSTEP_TRY(tx.commit());
  protocol::TokenResponse out;
  out.access_token = issue(req.device_id, r.text(0), gen);
  out.access_expires_in = hub_.options().access_ttl_s;
  out.server_hlc = hub_.hlc().tick();
  out.refresh_token = issue_refresh(req.device_id, r.text(0), gen, next);
  out.retire = wipe == "retire";
  return out;
}

Result<DeviceStanding> Devices::check(const AccessClaims& c) {
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  auto rows = (*db)->query("SELECT username, wipe, wiped_at, last_seen, token_gen FROM device WHERE device_id = ?",
                           {c.device_id});
  if (!rows) return rows.error();
  if (rows->empty() || rows->front().text(0) != c.user || rows->front().integer(4) != c.token_gen)
    return make_error(ErrorDomain::server, ErrorCode::unauthorised, "the access token is not valid");
  const auto& r = rows->front();
  if (r.text(1) == "lost" || !r.is_null(2)) return revoked();
  const std::int64_t now = hub_.clock().now_ms();
  auto last = parse_timestamp(r.text(3));
  if (!last || now - *last > kLastSeenEveryMs) {
    // Best effort: a busy database must not fail the request for this.
    (void)(*db)->exec("UPDATE device SET last_seen = ? WHERE device_id = ?", {format_timestamp(now), c.device_id});
  }
  return r.text(1) == "retire" ? DeviceStanding::retiring : DeviceStanding::in_use;
}

Status Devices::end_device(const std::string& device_id, const std::string& kind, const std::string& by,
                           const std::string& role, const std::string& source) {
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  Transaction tx(**db);
  DOORSTEP_TRY(tx.begin(TxMode::write));
  auto rows = (*db)->query("SELECT wipe, wiped_at FROM device WHERE device_id = ?", {device_id});
  if (!rows) return rows.error();
  if (rows->empty()) return make_error(ErrorDomain::server, ErrorCode::not_found, "no such device");
  const std::string was = rows->front().text(0);
  if (!rows->front().is_null(1))
    return make_error(ErrorDomain::server, ErrorCode::invalid_transition, "this device has been wiped already");
  if (was == kind || was == "lost") return {};
  const std::string now = hub_.hlc().timestamp();
  auto up = kind == "lost"
                ? (*db)->exec("UPDATE device SET wipe = 'lost', revoked = 1, revoked_at = ?,"
                              " wipe_requested_at = coalesce(wipe_requested_at, ?) WHERE device_id = ?",
                              {now, now, device_id})
                : (*db)->exec("UPDATE device SET wipe = 'retire', wipe_requested_at = ? WHERE device_id = ?",
                              {now, device_id});
  if (!up) return up.error();
  auto a = append_audit(**db, event(hub_, by, "office", kind == "lost" ? "marked_lost" : "retired", "device",
                                    device_id, "", role, source));
  if (!a) return a.error();
  return tx.commit();
}

Status Devices::retire(const std::string& device_id, const std::string& by, const std::string& role,
                       const std::string& source) {
  return end_device(device_id, "retire", by, role, source);
}

Status Devices::mark_lost(const std::string& device_id, const std::string& by, const std::string& role,
                          const std::string& source) {
  return end_device(device_id, "lost", by, role, source);
}

Result<int> Devices::retire_all(const std::string& worker, const std::string& by, const std::string& role,
                                const std::string& source) {
  std::vector<std::string> ids;
  {
    auto db = hub_.pool().lease();
    if (!db) return db.error();
    auto rows = (*db)->query("SELECT device_id FROM device WHERE username = ? AND wipe = '' AND wiped_at IS NULL",
                             {worker});
    if (!rows) return rows.error();
    for (const auto& r : *rows) ids.push_back(r.text(0));
  }
  for (const auto& id : ids) DOORSTEP_TRY(retire(id, by, role, source));
  return static_cast<int>(ids.size());
}

Status Devices::wiped(const AccessClaims& c, const std::string& source) {
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  Transaction tx(**db);
  DOORSTEP_TRY(tx.begin(TxMode::write));
  auto rows = (*db)->query("SELECT username, wipe, wiped_at, token_gen FROM device WHERE device_id = ?", {c.device_id});
  if (!rows) return rows.error();
  if (rows->empty() || rows->front().text(0) != c.user || rows->front().integer(3) != c.token_gen)
    return make_error(ErrorDomain::server, ErrorCode::unauthorised, "the access token is not valid");
  if (rows->front().text(1).empty())
    return make_error(ErrorDomain::server, ErrorCode::invalid_transition, "the office did not ask this device to erase itself");
  if (!rows->front().is_null(2)) return {};  // a repeated receipt
  const std::string now = hub_.hlc().timestamp();
  auto up = (*db)->exec("UPDATE device SET wiped_at = ? WHERE device_id = ?", {now, c.device_id});
  if (!up) return up.error();
  auto a = append_audit(**db, event(hub_, c.user, c.device_id, "wiped", "device", c.device_id,
                                    rows->front().text(1) == "retire" ? "retired" : "lost", "worker", source));
  if (!a) return a.error();
  return tx.commit();
}

namespace {

DeviceInfo device_from(const SqlRow& r) {
  DeviceInfo d;
  d.device_id = r.text(0);
  d.worker = r.text(1);
  d.name = r.text(2);
  d.enrolled_at = r.text(3);
  d.last_seen = r.text(4);
  d.wipe = r.text(5);
  d.wipe_requested_at = r.text(6);
  d.wiped_at = r.text(7);
  d.last_push_seq = r.integer(8);
  d.team = r.text(9);
  return d;
}

constexpr const char* kDeviceSelect =
    "SELECT d.device_id, d.username, d.name, d.enrolled_at, d.last_seen, d.wipe, d.wipe_requested_at, d.wiped_at,"
    " coalesce(p.last_seq, 0), coalesce(a.team, '') FROM device d LEFT JOIN device_push p ON p.device_id = d.device_id"
    " LEFT JOIN account a ON a.username = d.username";

}  // namespace

Result<std::vector<DeviceInfo>> Devices::list(const std::vector<std::string>* teams) {
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  auto rows = (*db)->query(std::string(kDeviceSelect) + " ORDER BY d.username, d.enrolled_at");
  if (!rows) return rows.error();
  std::vector<DeviceInfo> out;
  for (const auto& r : *rows) {
    DeviceInfo d = device_from(r);
    if (teams && std::find(teams->begin(), teams->end(), d.team) == teams->end()) continue;
    auto purged = (*db)->query("SELECT case_id FROM purge_report WHERE device_id = ? ORDER BY reported_at, case_id",
                               {d.device_id});
    if (!purged) return purged.error();
    for (const auto& p : *purged) d.purged_cases.push_back(p.text(0));
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::optional<DeviceInfo>> Devices::find(const std::string& device_id) {
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  auto rows = (*db)->query(std::string(kDeviceSelect) + " WHERE d.device_id = ?", {device_id});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<DeviceInfo>();
  return std::optional<DeviceInfo>(device_from(rows->front()));
}

}  // namespace doorstep::server
