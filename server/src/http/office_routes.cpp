// The office API for records: people, cases (and allocation), visits, tasks and
// field report status.
//   POST /v1/office/{people|cases|visits|tasks}            {"id"?, "fields": {...}}  -> 200
//   PUT  /v1/office/{people|cases|visits|tasks|field-reports}/{id}  {"fields": {...}} -> 200 (created if absent)
//   GET  /v1/office/{people|cases|visits|tasks|field-reports}/{id}                    -> 200
//   POST /v1/office/cases/{id}/allocate                    {"worker", "team"?}       -> 200
// Admin, and managers for the records of their teams (hub/office_scope.h); every read
// is audited (hub/office_audit.h).
#include "doorstep/protocol/messages.h"
#include "http/auth.h"
#include "http/json_io.h"
#include "http/routes.h"
#include "hub/office_audit.h"
#include "hub/office_records.h"
#include "hub/office_scope.h"
#include "hub/record_rows.h"

namespace doorstep::server::http {

using nlohmann::json;

namespace {

struct Collection {
  const char* path;  // URL segment
  const char* type;  // record type
  bool creatable;    // POST allowed
};

const Collection kCollections[] = {
    {"people", "person", true},  {"cases", "case", true},   {"visits", "visit", true},
    {"tasks", "task", true},     {"field-reports", "field_report", false},
};

// {"fields": {...}} -> the fields object, or an error response.
std::optional<json> read_fields(const httplib::Request& req, httplib::Response& res, json* whole = nullptr) {
  auto j = parse_body(req);
  if (!j) {
    send_error(res, j.error());
    return std::nullopt;
  }
  if (!j->is_object() || !j->contains("fields") || !(*j)["fields"].is_object()) {
    send_error(res, 400, "invalid_argument", "the body must be {\"fields\": {...}}");
    return std::nullopt;
  }
  if (whole) *whole = *j;
  return (*j)["fields"];
}

json record_body(const Record& r) { return {{"record", protocol::record_to_json(r)}}; }

// Whether a manager may write this: the record's present teams (when it exists) and
// the teams the new fields name (a case's team and worker, a record's case) must all
// be theirs. Writes the 403 itself.
bool may_write(Hub& hub, const OfficeCaller& who, const std::string& type, const std::string& id, const json& fields,
               httplib::Response& res) {
  if (who.role == Role::admin) return true;
  auto db = hub.pool().lease();
  if (!db) {
    send_error(res, db.error());
    return false;
  }
  auto fail = [&](const Error& e) {
    send_error(res, e);
    return false;
  };
  if (!id.empty()) {
    auto now = record_teams(**db, type, id);
    if (!now) return fail(now.error());
    if (*now && !covers_any(who, **now, type == "person")) {
      send_outside_teams(res);
      return false;
    }
  }
  std::vector<std::string> named;
  if (type == "case") {
    if (fields.contains("team") && fields["team"].is_string()) named.push_back(fields["team"].get<std::string>());
    if (fields.contains("worker") && fields["worker"].is_string()) {
      auto team = worker_team(**db, fields["worker"].get<std::string>());
      if (!team) return fail(team.error());
      named.push_back(*team);
    }
    if (id.empty() || named.empty()) {
      // A new case must name a team of the manager's.
      bool has_team = fields.contains("team") && fields["team"].is_string();
      if (id.empty() && !has_team) {
        send_error(res, 400, "invalid_argument", "a new case needs a \"team\": one of the teams you manage");
        return false;
      }
    }
  } else if (fields.contains("case_id") && fields["case_id"].is_string()) {
    auto teams = record_teams(**db, "case", fields["case_id"].get<std::string>());
    if (!teams) return fail(teams.error());
    if (*teams) named.insert(named.end(), (*teams)->begin(), (*teams)->end());
  }
  for (const auto& t : named)
    if (!who.covers_team(t)) {
      send_outside_teams(res);
      return false;
    }
  return true;
}

}  // namespace

void add_office_routes(Router& r, Hub& hub) {
  for (const auto& c : kCollections) {
    const std::string base = std::string("/v1/office/") + c.path;
    const std::string type = c.type;
    if (c.creatable)
      r.post(base, base, [&hub, type](const httplib::Request& req, httplib::Response& res) {
        auto who = require_office(hub, req, res, {Role::admin, Role::manager});
        if (!who) return;
        json body;
        auto fields = read_fields(req, res, &body);
        if (!fields) return;
        auto id = optional_text(body, "id", 64);
        if (!id) return send_error(res, id.error());
        if (!may_write(hub, *who, type, "", *fields, res)) return;
        auto out = OfficeRecords(hub).create(type, *id, *fields, who->user);
        if (!out) return send_error(res, out.error());
        send_json(res, 200, record_body(*out));
      });

    r.put(base + "/" + kIdPattern, base + "/{id}", [&hub, type](const httplib::Request& req, httplib::Response& res) {
      auto who = require_office(hub, req, res, {Role::admin, Role::manager});
      if (!who) return;
      auto fields = read_fields(req, res);
      if (!fields) return;
      if (!may_write(hub, *who, type, req.matches[1], *fields, res)) return;
      bool created = false;
      auto out = OfficeRecords(hub).put(type, req.matches[1], *fields, who->user, &created);
      if (!out) return send_error(res, out.error());
      send_json(res, 200, record_body(*out));
    });

    r.get(base + "/" + kIdPattern, base + "/{id}", [&hub, type](const httplib::Request& req, httplib::Response& res) {
      auto who = require_office(hub, req, res, {Role::admin, Role::manager});
      if (!who) return;
      auto db = hub.pool().lease();
      if (!db) return send_error(res, db.error());
      auto found = load_record(**db, type, req.matches[1]);
      if (!found) return send_error(res, found.error());
      if (!*found) return send_error(res, 404, "not_found", "no such " + type);
      auto teams = state_teams(**db, (*found)->state.record);
      if (!teams) return send_error(res, teams.error());
      if (!covers_any(*who, *teams, type == "person")) return send_outside_teams(res);
      if (auto a = audit_view(hub, *who, type, req.matches[1]); !a.ok()) return send_error(res, a.error());
      send_json(res, 200, record_body((*found)->state.record));
    });
  }

  r.post(std::string("/v1/office/cases/") + kIdPattern + "/allocate", "/v1/office/cases/{id}/allocate",
         [&hub](const httplib::Request& req, httplib::Response& res) {
           auto who = require_office(hub, req, res, {Role::admin, Role::manager});
           if (!who) return;
           auto j = parse_body(req);
           if (!j) return send_error(res, j.error());
           if (!j->is_object() || !j->contains("worker"))
             return send_error(res, 400, "invalid_argument", "the body must be {\"worker\": name, \"team\"?: name}");
           auto worker = optional_text(*j, "worker", 64);
           if (!worker) return send_error(res, worker.error());
           auto team = optional_text(*j, "team", 64);
           if (!team) return send_error(res, team.error());
           json named = json::object();
           if (!worker->empty()) named["worker"] = *worker;
           if (!team->empty()) named["team"] = *team;
           if (!may_write(hub, *who, "case", req.matches[1], named, res)) return;
           auto out = OfficeRecords(hub).allocate(req.matches[1], *worker, *team, who->user);
           if (!out) return send_error(res, out.error());
           send_json(res, 200, record_body(*out));
         });
}

}  // namespace doorstep::server::http
