// The audit log for the council (roles: docs/api.md, "Roles"):
//   GET /v1/office/audit[?actor=&record_id=&record_type=&action=&from=&to=&limit=&cursor=]
//                                                 admin, auditor; one page, newest stored first
//   GET /v1/office/audit.csv[?same filters]       admin, auditor; every matching event, streamed
//   GET /v1/office/people/{id}/access[?from=&to=&limit=&cursor=]
//                                                 admin, auditor; who viewed or changed the
//                                                 person's records, newest first
// Each is itself audited: the query as a "viewed" event, the CSV as "exported". The log
// has no route that changes or deletes an event (hub/audit_log.h).
#include <memory>

#include "http/auth.h"
#include "http/json_io.h"
#include "http/request_log.h"
#include "http/routes.h"
#include "hub/audit_log.h"
#include "hub/office_audit.h"
#include "hub/record_rows.h"

namespace doorstep::server::http {

using nlohmann::json;

namespace {

constexpr std::int64_t kDefaultLimit = 100;
constexpr std::int64_t kMaxLimit = 1000;
constexpr std::int64_t kCsvPage = 500;

json event_json(const AuditEntry& e) {
  json j = {{"id", e.id},
            {"at", e.at},
            {"received_at", e.received_at},
            {"actor", e.actor},
            {"role", e.role},
            {"source", e.source},
            {"device", e.device},
            {"action", e.action},
            {"record_type", e.record_type},
            {"record_id", e.record_id}};
  if (!e.detail.empty()) j["detail"] = e.detail;
  return j;
}

json page_json(const AuditPage& page) {
  json list = json::array();
  for (const auto& e : page.events) list.push_back(event_json(e));
  return {{"events", list}, {"next", page.next ? json(encode_audit_cursor(*page.next)) : json(nullptr)}};
}

// The query's filters from the URL, and what the audit event of the query names
// ("actor=sam&from=2026-01-01"); writes the 400 itself. by_record: the log's filters
// (actor, record, action) as well as the dates.
std::optional<AuditQuery> read_query(const httplib::Request& req, httplib::Response& res, bool by_record,
                                     bool paged, std::string* detail) {
  AuditQuery q;
  auto note = [&](const char* name, const std::string& value) {
    if (value.empty()) return;
    if (!detail->empty()) *detail += "&";
    *detail += std::string(name) + "=" + value;
  };
  auto text = [&](const char* name, std::string* out) {
    if (!req.has_param(name)) return true;
    const std::string v = req.get_param_value(name);
    if (v.size() > 64) {
      send_error(res, 400, "invalid_argument", std::string(name) + " is longer than 64 characters");
      return false;
    }
    *out = v;
    note(name, v);
    return true;
  };
  if (by_record && (!text("actor", &q.actor) || !text("record_id", &q.record_id) ||
                    !text("record_type", &q.record_type) || !text("action", &q.action)))
    return std::nullopt;
  std::string from, to;
  if (!text("from", &from) || !text("to", &to)) return std::nullopt;
  if (!from.empty()) {
    auto b = audit_from_bound(from);
    if (!b) return send_error(res, b.error()), std::nullopt;
    q.from_bound = *b;
  }
  if (!to.empty()) {
    auto b = audit_to_bound(to);
    if (!b) return send_error(res, b.error()), std::nullopt;
    q.to_bound = *b;
  }
  q.limit = kDefaultLimit;
  if (!paged) return q;
  if (req.has_param("limit")) {
    const std::string s = req.get_param_value("limit");
    if (s.empty() || s.size() > 4 || s.find_first_not_of("0123456789") != std::string::npos || std::stoll(s) < 1 ||
        std::stoll(s) > kMaxLimit)
      return send_error(res, 400, "invalid_argument", "limit must be 1-1000"), std::nullopt;
    q.limit = std::stoll(s);
  }
  if (req.has_param("cursor")) {
    AuditCursor c;
    if (!decode_audit_cursor(req.get_param_value("cursor"), c))
      return send_error(res, 400, "invalid_argument", "the cursor is not one this server made"), std::nullopt;
    q.after = c;
    note("page", "next");  // a later page (the cursor itself says nothing to a reader)
  }
  return q;
}

// RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled. A field a
// spreadsheet would take for a formula (= + - @, or a tab or CR first) starts with a
// single quote, so opening the file runs nothing.
std::string csv_field(const std::string& v) {
  std::string s = v;
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r'))
    s.insert(s.begin(), '\'');
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

constexpr const char* kCsvHeader = "id,at,received_at,actor,role,source,device,action,record_type,record_id,detail\r\n";

std::string csv_line(const AuditEntry& e) {
  std::string line;
  for (const std::string* f : {&e.id, &e.at, &e.received_at, &e.actor, &e.role, &e.source, &e.device, &e.action,
                               &e.record_type, &e.record_id, &e.detail}) {
    if (!line.empty() || f != &e.id) line += ',';
    line += csv_field(*f);
  }
  return line + "\r\n";
}

}  // namespace

void add_audit_routes(Router& r, Hub& hub) {
  r.get("/v1/office/audit", "/v1/office/audit", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto who = require_office(hub, req, res, {Role::admin, Role::auditor});
    if (!who) return;
    std::string detail;
    auto q = read_query(req, res, true, true, &detail);
    if (!q) return;
    auto db = hub.pool().lease();
    if (!db) return send_error(res, db.error());
    auto page = query_audit(**db, *q);
    if (!page) return send_error(res, page.error());
    // After the query, so a page never holds the event of its own reading.
    if (auto a = audit_view(hub, *who, "audit", "log", detail); !a.ok()) return send_error(res, a.error());
    send_json(res, 200, page_json(*page));
  });

  r.get("/v1/office/audit\\.csv", "/v1/office/audit.csv", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto who = require_office(hub, req, res, {Role::admin, Role::auditor});
    if (!who) return;
    std::string detail;
    auto q = read_query(req, res, true, false, &detail);
    if (!q) return;
    if (auto a = audit_office(hub, *who, "exported", "audit", "csv", detail); !a.ok())
      return send_error(res, a.error());
    struct Walk {
      AuditQuery q;
      bool header_sent = false;
    };
    auto walk = std::make_shared<Walk>(Walk{*q});
    walk->q.limit = kCsvPage;
    res.status = 200;
    res.set_header("Content-Disposition", "attachment; filename=\"audit.csv\"");
    res.set_chunked_content_provider("text/csv; charset=utf-8", [&hub, walk](std::size_t, httplib::DataSink& sink) {
      std::string out;
      if (!walk->header_sent) {
        out = kCsvHeader;
        walk->header_sent = true;
      }
      auto db = hub.pool().lease();
      if (!db) {
        // Headers are gone already: end the stream early; the short file shows it.
        log_internal_error(db.error());
        return false;
      }
      auto page = query_audit(**db, walk->q);
      if (!page) {
        log_internal_error(page.error());
        return false;
      }
      for (const auto& e : page->events) out += csv_line(e);
      if (!out.empty() && !sink.write(out.data(), out.size())) return false;
      if (!page->next) {
        sink.done();
        return true;
      }
      walk->q.after = page->next;
      return true;
    });
  });

  r.get(std::string("/v1/office/people/") + kIdPattern + "/access", "/v1/office/people/{id}/access",
        [&hub](const httplib::Request& req, httplib::Response& res) {
          auto who = require_office(hub, req, res, {Role::admin, Role::auditor});
          if (!who) return;
          const std::string person = req.matches[1];
          std::string detail;
          auto q = read_query(req, res, false, true, &detail);
          if (!q) return;
          auto db = hub.pool().lease();
          if (!db) return send_error(res, db.error());
          auto found = load_record(**db, "person", person);
          if (!found) return send_error(res, found.error());
          if (!*found) return send_error(res, 404, "not_found", "no such person");
          auto page = person_access(**db, person, *q);
          if (!page) return send_error(res, page.error());
          if (auto a = audit_view(hub, *who, "access_report", person, detail); !a.ok())
            return send_error(res, a.error());
          json body = page_json(*page);
          body["person_id"] = person;
          send_json(res, 200, body);
        });
}

}  // namespace doorstep::server::http
