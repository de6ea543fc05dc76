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
