#include "hub/devices.h"

#include "doorstep/core/hlc.h"
#include "hub/accounts.h"
#include "hub/audit_log.h"
#include "hub/epoch.h"

namespace doorstep::server {

namespace {

constexpr std::int64_t kLastSeenEveryMs = 60'000;

Error revoked() {
  return make_error(ErrorDomain::server, ErrorCode::erased, "this device has been revoked; erase its store");
}
Error bad_refresh() {
  return make_error(ErrorDomain::server, ErrorCode::unauthorised, "the refresh credential is not valid");
}

}  // namespace

std::string Devices::issue(const std::string& device_id, const std::string& user, const std::string& role) {
  AccessClaims c{device_id, user, role, hub_.clock().now_ms() + hub_.options().access_ttl_s * 1000};
  return hub_.tokens().issue(c);
}

Result<protocol::EnrolResponse> Devices::enrol(const protocol::EnrolRequest& req) {
  auto account = Accounts(hub_).verify(req.username, req.password);
  if (!account) return account.error();
  if (account->role != "worker")
    return make_error(ErrorDomain::server, ErrorCode::unauthorised, "only a worker account can enrol a device");

  const std::string refresh = random_token();
  const std::string now = hub_.hlc().timestamp();
  std::string epoch;
  {
    auto db = hub_.pool().lease();
    if (!db) return db.error();
    Transaction tx(**db);
    DOORSTEP_TRY(tx.begin(TxMode::write));
    auto rows = (*db)->query("SELECT username, revoked FROM device WHERE device_id = ?", {req.device_id});
    if (!rows) return rows.error();
    const std::string name = req.device_name.empty() ? std::string("unnamed device") : req.device_name;
    if (!rows->empty()) {
      if (rows->front().integer(1) != 0) return revoked();
      if (rows->front().text(0) != account->username)
        return make_error(ErrorDomain::server, ErrorCode::already_exists,
                          "this device id is enrolled to another worker");
      auto up = (*db)->exec("UPDATE device SET refresh_hash = ?, name = ?, last_seen = ? WHERE device_id = ?",
                            {sha256_hex(refresh), name, now, req.device_id});
      if (!up) return up.error();
    } else {
      auto ins = (*db)->exec(
          "INSERT INTO device (device_id, username, name, refresh_hash, revoked, enrolled_at, last_seen)"
          " VALUES (?, ?, ?, ?, 0, ?, ?)",
          {req.device_id, account->username, name, sha256_hex(refresh), now, now});
      if (!ins) return ins.error();
    }
    auto a = append_audit(**db, {new_uuid(), now, account->username, req.device_id, "enrolled", "device",
                                 req.device_id, "", now});
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
  out.refresh_token = refresh;
  out.access_token = issue(req.device_id, account->username, "worker");
  out.access_expires_in = hub_.options().access_ttl_s;
  out.server_hlc = hub_.hlc().tick();
  out.epoch = epoch;
  return out;
}

Result<protocol::TokenResponse> Devices::refresh(const protocol::TokenRequest& req) {
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  auto rows = (*db)->query("SELECT d.username, d.revoked, d.refresh_hash, a.role FROM device d"
                           " JOIN account a ON a.username = d.username WHERE d.device_id = ?",
                           {req.device_id});
  if (!rows) return rows.error();
  if (rows->empty()) return bad_refresh();
  const auto& r = rows->front();
  if (!equal_secret(sha256_hex(req.refresh_token), r.text(2))) return bad_refresh();
  if (r.integer(1) != 0) return revoked();
  auto seen = (*db)->exec("UPDATE device SET last_seen = ? WHERE device_id = ?", {hub_.hlc().timestamp(), req.device_id});
  if (!seen) return seen.error();
  protocol::TokenResponse out;
  out.access_token = issue(req.device_id, r.text(0), r.text(3));
  out.access_expires_in = hub_.options().access_ttl_s;
  out.server_hlc = hub_.hlc().tick();
  return out;
}

Result<protocol::TokenResponse> Devices::office_login(const std::string& username, const std::string& password) {
  auto account = Accounts(hub_).verify(username, password);
  if (!account) return account.error();
  if (account->role != "office")
    return make_error(ErrorDomain::server, ErrorCode::invalid_transition, "this is not an office account");
  protocol::TokenResponse out;
  out.access_token = issue("", account->username, "office");
  out.access_expires_in = hub_.options().access_ttl_s;
  out.server_hlc = hub_.hlc().tick();
  return out;
}

Status Devices::check(const AccessClaims& c) {
  if (c.role == "office") return {};
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  auto rows = (*db)->query("SELECT username, revoked, last_seen FROM device WHERE device_id = ?", {c.device_id});
  if (!rows) return rows.error();
  if (rows->empty() || rows->front().text(0) != c.user)
    return make_error(ErrorDomain::server, ErrorCode::unauthorised, "the access token is not valid");
  if (rows->front().integer(1) != 0) return revoked();
  const std::int64_t now = hub_.clock().now_ms();
  auto last = parse_timestamp(rows->front().text(2));
  if (!last || now - *last > kLastSeenEveryMs) {
    // Best effort: a busy database must not fail the request for this.
    (void)(*db)->exec("UPDATE device SET last_seen = ? WHERE device_id = ?", {format_timestamp(now), c.device_id});
  }
  return {};
}

Status Devices::revoke(const std::string& device_id, const std::string& by) {
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  Transaction tx(**db);
  DOORSTEP_TRY(tx.begin(TxMode::write));
  const std::string now = hub_.hlc().timestamp();
  auto rows = (*db)->query("SELECT revoked FROM device WHERE device_id = ?", {device_id});
  if (!rows) return rows.error();
  if (rows->empty()) return make_error(ErrorDomain::server, ErrorCode::not_found, "no such device");
  if (rows->front().integer(0) != 0) return {};
  auto up = (*db)->exec("UPDATE device SET revoked = 1, revoked_at = ? WHERE device_id = ?", {now, device_id});
  if (!up) return up.error();
  auto a = append_audit(**db, {new_uuid(), now, by, "office", "revoked", "device", device_id, "", now});
  if (!a) return a.error();
  return tx.commit();
}

Result<std::vector<DeviceInfo>> Devices::list() {
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  auto rows = (*db)->query(
      "SELECT d.device_id, d.username, d.name, d.enrolled_at, d.last_seen, d.revoked_at, d.revoked,"
      " coalesce(p.last_seq, 0) FROM device d LEFT JOIN device_push p ON p.device_id = d.device_id"
      " ORDER BY d.username, d.enrolled_at");
  if (!rows) return rows.error();
  std::vector<DeviceInfo> out;
  for (const auto& r : *rows) {
    DeviceInfo d;
    d.device_id = r.text(0);
    d.worker = r.text(1);
    d.name = r.text(2);
    d.enrolled_at = r.text(3);
    d.last_seen = r.text(4);
    d.revoked_at = r.text(5);
    d.revoked = r.integer(6) != 0;
    d.last_push_seq = r.integer(7);
    auto purged = (*db)->query("SELECT case_id FROM purge_report WHERE device_id = ? ORDER BY reported_at, case_id",
                               {d.device_id});
    if (!purged) return purged.error();
    for (const auto& p : *purged) d.purged_cases.push_back(p.text(0));
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace doorstep::server
