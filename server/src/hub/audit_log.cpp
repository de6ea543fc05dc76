#include "hub/audit_log.h"

namespace doorstep::server {

Result<bool> append_audit(SqlBackend& db, const AuditEntry& e) {
  auto n = db.exec(
      "INSERT INTO audit (id, at, actor, device, action, record_type, record_id, detail, received_at, role, source)"
      " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM audit WHERE id = ?)",
      {e.id, e.at, e.actor, e.device, e.action, e.record_type, e.record_id,
       e.detail.empty() ? SqlValue{} : SqlValue{e.detail}, e.received_at, e.role, e.source, e.id});
  if (!n) return n.error();
  return *n > 0;
}

Status append_audit_fresh(SqlBackend& db, const std::vector<AuditEntry>& entries) {
  // Three statement shapes (50, 10 and 1 rows: 550 values at most, under SQLite's 999),
  // so each connection prepares at most three.
  auto it = entries.begin();
  for (std::size_t left = entries.size(); left > 0;) {
    const std::size_t rows = left >= 50 ? 50 : left >= 10 ? 10 : 1;
    left -= rows;
    std::string sql =
        "INSERT INTO audit (id, at, actor, device, action, record_type, record_id, detail, received_at, role, source)"
        " VALUES ";
    SqlParams params;
    for (std::size_t n = 0; n < rows; ++n, ++it) {
      sql += n == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
      params.insert(params.end(), {it->id, it->at, it->actor, it->device, it->action, it->record_type, it->record_id,
                                   it->detail.empty() ? SqlValue{} : SqlValue{it->detail}, it->received_at, it->role,
                                   it->source});
    }
    auto ins = db.exec(sql, params);
    if (!ins) return ins.error();
  }
  return {};
}

Result<std::vector<AuditEntry>> query_audit(SqlBackend& db, const AuditQuery& q) {
  std::string sql =
      "SELECT id, at, actor, device, action, record_type, record_id, detail, received_at FROM audit WHERE 1 = 1";
  SqlParams params;
  if (!q.record_id.empty()) {
    sql += " AND record_id = ?";
    params.emplace_back(q.record_id);
  }
  if (!q.actor.empty()) {
    sql += " AND actor = ?";
    params.emplace_back(q.actor);
  }
  sql += " ORDER BY received_at DESC, at DESC, id LIMIT ?";
  params.emplace_back(q.limit);
  auto rows = db.query(sql, params);
  if (!rows) return rows.error();
  std::vector<AuditEntry> out;
  for (const auto& r : *rows)
    out.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5), r.text(6), r.text(7), r.text(8)});
  return out;
}

}  // namespace doorstep::server
