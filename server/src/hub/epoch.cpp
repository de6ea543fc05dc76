#include "hub/epoch.h"

#include "doorstep/core/hlc.h"
#include "hub/audit_log.h"
#include "hub/record_rows.h"
#include "hub/tokens.h"

namespace doorstep::server {

namespace {

Result<std::string> meta(SqlBackend& db, const char* key) {
  auto rows = db.query("SELECT value FROM meta WHERE key = ?", {std::string(key)});
  if (!rows) return rows.error();
  return rows->empty() ? std::string() : rows->front().text(0);
}

Status put_meta(SqlBackend& db, const char* key, const std::string& value) {
  auto up = db.exec("UPDATE meta SET value = ? WHERE key = ?", {value, std::string(key)});
  if (!up) return up.error();
  if (*up > 0) return {};
  auto ins = db.exec("INSERT INTO meta (key, value) VALUES (?, ?)", {std::string(key), value});
  if (!ins) return ins.error();
  return {};
}

}  // namespace

Result<EpochInfo> read_epoch(SqlBackend& db) {
  EpochInfo out;
  auto e = meta(db, "epoch");
  if (!e) return e.error();
  if (e->empty()) return make_error(ErrorDomain::store, ErrorCode::corrupt, "the hub database has no epoch");
  out.epoch = *e;
  auto b = meta(db, "epoch_base");
  if (!b) return b.error();
  if (!b->empty()) {
    try {
      out.base = std::stoll(*b);
    } catch (...) {
      return make_error(ErrorDomain::store, ErrorCode::corrupt, "the hub database's epoch_base is not a number");
    }
  }
  return out;
}

Result<EpochInfo> start_new_epoch(SqlBackend& db, const std::string& now, const std::string& why) {
  Transaction tx(db);
  DOORSTEP_TRY(tx.begin(TxMode::write));
  auto seq = current_seq(db);
  if (!seq) return seq.error();
  EpochInfo out{new_uuid(), *seq};
  DOORSTEP_TRY(put_meta(db, "epoch", out.epoch));
  DOORSTEP_TRY(put_meta(db, "epoch_base", std::to_string(out.base)));
  DOORSTEP_TRY(put_meta(db, "epoch_started_at", now));
  auto a = append_audit(db, {new_uuid(), now, "server", "server", "new_epoch", "epoch", out.epoch,
                             why.substr(0, 200), now});
  if (!a) return a.error();
  DOORSTEP_TRY(tx.commit());
  return out;
}

std::string epoch_tag(const std::string& epoch) { return sha256_hex(epoch).substr(0, 12); }

}  // namespace doorstep::server
