// The office API for records: people, cases (and allocation), visits, tasks and
// field report status.
//   POST /v1/office/{people|cases|visits|tasks}            {"id"?, "fields": {...}}  -> 200
//   PUT  /v1/office/{people|cases|visits|tasks|field-reports}/{id}  {"fields": {...}} -> 200 (created if absent)
//   GET  /v1/office/{people|cases|visits|tasks|field-reports}/{id}                    -> 200
//   POST /v1/office/cases/{id}/allocate                    {"worker", "team"?}       -> 200
#include "doorstep/protocol/messages.h"
#include "http/auth.h"
#include "http/json_io.h"
#include "http/routes.h"
#include "hub/office_records.h"
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

}  // namespace

void add_office_routes(Router& r, Hub& hub) {
  for (const auto& c : kCollections) {
    const std::string base = std::string("/v1/office/") + c.path;
    const std::string type = c.type;
    if (c.creatable)
      r.post(base, base, [&hub, type](const httplib::Request& req, httplib::Response& res) {
        auto who = require_office(hub, req, res);
        if (!who) return;
        json body;
        auto fields = read_fields(req, res, &body);
        if (!fields) return;
        auto id = optional_text(body, "id", 64);
        if (!id) return send_error(res, id.error());
        auto out = OfficeRecords(hub).create(type, *id, *fields, who->user);
        if (!out) return send_error(res, out.error());
        send_json(res, 200, record_body(*out));
      });

    r.put(base + "/" + kIdPattern, base + "/{id}", [&hub, type](const httplib::Request& req, httplib::Response& res) {
      auto who = require_office(hub, req, res);
      if (!who) return;
      auto fields = read_fields(req, res);
      if (!fields) return;
      bool created = false;
      auto out = OfficeRecords(hub).put(type, req.matches[1], *fields, who->user, &created);
      if (!out) return send_error(res, out.error());
      send_json(res, 200, record_body(*out));
    });

    r.get(base + "/" + kIdPattern, base + "/{id}", [&hub, type](const httplib::Request& req, httplib::Response& res) {
      auto who = require_office(hub, req, res);
      if (!who) return;
      auto db = hub.pool().lease();
      if (!db) return send_error(res, db.error());
      auto found = load_record(**db, type, req.matches[1]);
      if (!found) return send_error(res, found.error());
      if (!*found) return send_error(res, 404, "not_found", "no such " + type);
      send_json(res, 200, record_body((*found)->state.record));
    });
  }

  r.post(std::string("/v1/office/cases/") + kIdPattern + "/allocate", "/v1/office/cases/{id}/allocate",
         [&hub](const httplib::Request& req, httplib::Response& res) {
           auto who = require_office(hub, req, res);
           if (!who) return;
           auto j = parse_body(req);
           if (!j) return send_error(res, j.error());
           if (!j->is_object() || !j->contains("worker"))
             return send_error(res, 400, "invalid_argument", "the body must be {\"worker\": name, \"team\"?: name}");
           auto worker = optional_text(*j, "worker", 64);
           if (!worker) return send_error(res, worker.error());
           auto team = optional_text(*j, "team", 64);
           if (!team) return send_error(res, team.error());
           auto out = OfficeRecords(hub).allocate(req.matches[1], *worker, *team, who->user);
           if (!out) return send_error(res, out.error());
           send_json(res, 200, record_body(*out));
         });
}

}  // namespace doorstep::server::http
