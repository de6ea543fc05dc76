#include "hub/audit_log.h"

#include "doorstep/core/clock.h"
#include "hub/tokens.h"

namespace doorstep::server {

namespace {

constexpr const char* kColumns = "id, at, actor, device, action, record_type, record_id, detail, received_at, role, source";
// The same, on the audit table named a.
constexpr const char* kColumnsA =
    "a.id, a.at, a.actor, a.device, a.action, a.record_type, a.record_id, a.detail, a.received_at, a.role, a.source";

SqlValue detail_value(const AuditEntry& e) { return e.detail.empty() ? SqlValue{} : SqlValue{e.detail}; }

AuditEntry row_entry(const SqlRow& r) {
  return {r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5),
          r.text(6), r.is_null(7) ? std::string() : r.text(7), r.text(8), r.text(9), r.text(10)};
}

// The filters every query shares, on the audit table named a.
void add_filters(const AuditQuery& q, std::string& sql, SqlParams& params, bool by_record) {
  if (by_record) {
    if (!q.record_id.empty()) {
      sql += " AND a.record_id = ?";
      params.emplace_back(q.record_id);
    }
    if (!q.record_type.empty()) {
      sql += " AND a.record_type = ?";
      params.emplace_back(q.record_type);
    }
    if (!q.actor.empty()) {
      sql += " AND a.actor = ?";
      params.emplace_back(q.actor);
    }
    if (!q.action.empty()) {
      sql += " AND a.action = ?";
      params.emplace_back(q.action);
    }
  }
  if (!q.from_bound.empty()) {
    sql += " AND a.at >= ?";
    params.emplace_back(q.from_bound);
  }
  if (!q.to_bound.empty()) {
    sql += " AND a.at < ?";
    params.emplace_back(q.to_bound);
  }
}

// One page ordered by key (a column of a) and id, descending, after the cursor. One
// row more than the limit tells whether another page follows.
Result<AuditPage> run_page(SqlBackend& db, std::string sql, SqlParams params, const AuditQuery& q, const char* key,
                           bool key_is_received) {
  if (q.after) {
    sql += std::string(" AND (a.") + key + " < ? OR (a." + key + " = ? AND a.id < ?))";
    params.insert(params.end(), {q.after->key, q.after->key, q.after->id});
  }
  sql += std::string(" ORDER BY a.") + key + " DESC, a.id DESC LIMIT ?";
  params.emplace_back(q.limit + 1);
  auto rows = db.query(sql, params);
  if (!rows) return rows.error();
  AuditPage page;
  for (const auto& r : *rows) {
    if (static_cast<std::int64_t>(page.events.size()) == q.limit) {
      const AuditEntry& last = page.events.back();
      page.next = AuditCursor{key_is_received ? last.received_at : last.at, last.id};
      break;
    }
    page.events.push_back(row_entry(r));
  }
  return page;
}

Result<std::string> bound(const std::string& text, const char* name, bool upper) {
  auto ms = parse_timestamp(text);
  if (!ms)
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                      std::string(name) + " must be a date (YYYY-MM-DD) or an ISO 8601 timestamp");
  if (!upper) return format_timestamp(*ms);
  // A date alone covers its whole day.
  return format_timestamp(*ms + (text.size() == 10 ? 86'400'000 : 1));
}

}  // namespace

Result<bool> append_audit(SqlBackend& db, const AuditEntry& e) {
  auto n = db.exec(std::string("INSERT INTO audit (") + kColumns +
                       ") SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM audit WHERE id = ?)",
                   {e.id, e.at, e.actor, e.device, e.action, e.record_type, e.record_id, detail_value(e), e.received_at,
                    e.role, e.source, e.id});
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
    std::string sql = std::string("INSERT INTO audit (") + kColumns + ") VALUES ";
    SqlParams params;
    for (std::size_t n = 0; n < rows; ++n, ++it) {
      sql += n == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
      params.insert(params.end(), {it->id, it->at, it->actor, it->device, it->action, it->record_type, it->record_id,
                                   detail_value(*it), it->received_at, it->role, it->source});
    }
    auto ins = db.exec(sql, params);
    if (!ins) return ins.error();
  }
  return {};
}

std::string encode_audit_cursor(const AuditCursor& c) { return base64url("a1\n" + c.key + "\n" + c.id); }

bool decode_audit_cursor(const std::string& text, AuditCursor& out) {
  std::string raw;
  if (text.size() > 256 || !from_base64url(text, raw) || raw.rfind("a1\n", 0) != 0) return false;
  const auto nl = raw.find('\n', 3);
  if (nl == std::string::npos || raw.find('\n', nl + 1) != std::string::npos) return false;
  out.key = raw.substr(3, nl - 3);
  out.id = raw.substr(nl + 1);
  return !out.key.empty() && !out.id.empty();
}

Result<std::string> audit_from_bound(const std::string& text) { return bound(text, "from", false); }
Result<std::string> audit_to_bound(const std::string& text) { return bound(text, "to", true); }

Result<AuditPage> query_audit(SqlBackend& db, const AuditQuery& q) {
  std::string sql = std::string("SELECT ") + kColumnsA + " FROM audit a WHERE 1 = 1";
  SqlParams params;
  add_filters(q, sql, params, true);
  return run_page(db, std::move(sql), std::move(params), q, "received_at", true);
}

Result<AuditPage> person_access(SqlBackend& db, const std::string& person_id, const AuditQuery& q) {
  // The person's records: the person, their cases, what is about the person
  // (person_id) and what belongs to one of their cases (case_id): the scope columns
  // the hub keeps on every record (storage/migrations.cpp). Plain subqueries, no
  // JSON functions: SQLite 3.15 and PostgreSQL alike.
  const std::string cases = "SELECT c.id FROM record c WHERE c.type = 'case' AND c.person_id = ?";
  const std::string mine = "(r.person_id = ? OR r.case_id IN (" + cases + "))";
  const std::string shas =
      "SELECT r.blob_sha256 FROM record r WHERE r.type = 'attachment' AND r.blob_sha256 IS NOT NULL AND " + mine;
  std::string sql = std::string("SELECT ") + kColumnsA +
                    " FROM audit a WHERE a.record_id IN ("  // audit_record narrows the log first
                    "SELECT r.id FROM record r WHERE " + mine + " UNION " + shas +
                    " UNION SELECT 'form-submissions' FROM record p WHERE p.type = 'person' AND p.id = ?)"
                    " AND ((a.record_type = 'blob' AND a.record_id IN (" + shas + "))"
                    " OR (a.record_type = 'list' AND a.record_id = 'form-submissions' AND a.detail IN"
                    " (SELECT 'case_id=' || c.id FROM record c WHERE c.type = 'case' AND c.person_id = ?))"
                    " OR EXISTS (SELECT 1 FROM record r WHERE r.type = a.record_type AND r.id = a.record_id AND " +
                    mine + "))";
  SqlParams params(10, SqlValue{person_id});
  add_filters(q, sql, params, false);
  return run_page(db, std::move(sql), std::move(params), q, "at", false);
}

}  // namespace doorstep::server
