// The office API for running the service:
//   POST /v1/office/login                      {"username", "password"}
//   POST /v1/office/accounts                   {"username", "password", "team", "role"}
//   GET  /v1/office/conflicts[?open=1]
//   POST /v1/office/conflicts/{id}/resolve     {"resolution": "kept"|"other", "note"?}
//   GET  /v1/office/devices
//   POST /v1/office/devices/{id}/revoke
//   GET  /v1/office/audit[?record_id=&actor=&limit=]
//   GET  /v1/office/export                     application/x-ndjson
#include <memory>

#include "doorstep/core/hlc.h"
#include "doorstep/protocol/messages.h"
#include "http/auth.h"
#include "http/json_io.h"
#include "http/request_log.h"
#include "http/routes.h"
#include "hub/accounts.h"
#include "hub/audit_log.h"
#include "hub/conflicts.h"
#include "hub/devices.h"
#include "hub/export.h"

namespace doorstep::server::http {

using nlohmann::json;

namespace {

std::optional<json> read_object(const httplib::Request& req, httplib::Response& res) {
  auto j = parse_body(req);
  if (!j) {
    send_error(res, j.error());
    return std::nullopt;
  }
  if (!j->is_object()) {
    send_error(res, 400, "invalid_argument", "the body must be a JSON object");
    return std::nullopt;
  }
  return *j;
}

json device_json(const DeviceInfo& d) {
  return {{"device_id", d.device_id},   {"worker", d.worker},         {"name", d.name},
          {"enrolled_at", d.enrolled_at}, {"last_seen", d.last_seen},  {"revoked", d.revoked},
          {"revoked_at", d.revoked_at.empty() ? json(nullptr) : json(d.revoked_at)},
          {"last_push_seq", d.last_push_seq}, {"purged_cases", d.purged_cases}};
}

json audit_json(const AuditEntry& e) {
  json j = {{"id", e.id},         {"at", e.at},
            {"actor", e.actor},   {"device", e.device},
            {"action", e.action}, {"record_type", e.record_type},
            {"record_id", e.record_id}, {"received_at", e.received_at}};
  if (!e.detail.empty()) j["detail"] = e.detail;
  return j;
}

}  // namespace

void add_office_admin_routes(Router& r, Hub& hub) {
  r.post("/v1/office/login", "/v1/office/login", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto j = read_object(req, res);
    if (!j) return;
    auto user = required_text(*j, "username", 64);
    if (!user) return send_error(res, user.error());
    auto pass = required_text(*j, "password", 1024);
    if (!pass) return send_error(res, pass.error());
    auto out = Devices(hub).office_login(*user, *pass);
    if (!out) return send_error(res, out.error());
    send_json(res, 200, {{"access_token", out->access_token}, {"access_expires_in", out->access_expires_in},
                         {"server_hlc", out->server_hlc}});
  });

  r.post("/v1/office/accounts", "/v1/office/accounts", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto who = require_office(hub, req, res);
    if (!who) return;
    auto j = read_object(req, res);
    if (!j) return;
    auto user = required_text(*j, "username", 64);
    if (!user) return send_error(res, user.error());
    auto pass = required_text(*j, "password", 1024);
    if (!pass) return send_error(res, pass.error());
    auto team = optional_text(*j, "team", 64);
    if (!team) return send_error(res, team.error());
    auto role = optional_text(*j, "role", 16);
    if (!role) return send_error(res, role.error());
    auto out = Accounts(hub).create(*user, *pass, role->empty() ? "worker" : *role, *team);
    if (!out) return send_error(res, out.error());
    auto db = hub.pool().lease();
    if (db) {
      const std::string now = hub.hlc().timestamp();
      (void)append_audit(**db, {new_uuid(), now, who->user, "office", "created", "account", out->username, "", now});
    }
    send_json(res, 200, {{"username", out->username}, {"role", out->role}, {"team", out->team}});
  });

  r.get("/v1/office/conflicts", "/v1/office/conflicts", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto who = require_office(hub, req, res);
    if (!who) return;
    const std::string open = req.has_param("open") ? req.get_param_value("open") : "";
    if (!open.empty() && open != "0" && open != "1" && open != "true" && open != "false")
      return send_error(res, 400, "invalid_argument", "open must be 1 or 0");
    auto out = Conflicts(hub).list(open == "1" || open == "true");
    if (!out) return send_error(res, out.error());
    json list = json::array();
    for (const auto& c : *out) list.push_back(protocol::record_to_json(c));
    send_json(res, 200, {{"conflicts", list}});
  });

  r.post(std::string("/v1/office/conflicts/") + kIdPattern + "/resolve", "/v1/office/conflicts/{id}/resolve",
         [&hub](const httplib::Request& req, httplib::Response& res) {
           auto who = require_office(hub, req, res);
           if (!who) return;
           auto j = read_object(req, res);
           if (!j) return;
           auto resolution = required_text(*j, "resolution", 16);
           if (!resolution) return send_error(res, resolution.error());
           auto note = optional_text(*j, "note", 2000);
           if (!note) return send_error(res, note.error());
           auto out = Conflicts(hub).resolve(req.matches[1], *resolution, *note, who->user);
           if (!out) return send_error(res, out.error());
           send_json(res, 200, {{"record", protocol::record_to_json(*out)}});
         });

  r.get("/v1/office/devices", "/v1/office/devices", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto who = require_office(hub, req, res);
    if (!who) return;
    auto out = Devices(hub).list();
    if (!out) return send_error(res, out.error());
    json list = json::array();
    for (const auto& d : *out) list.push_back(device_json(d));
    send_json(res, 200, {{"devices", list}});
  });

  r.post(std::string("/v1/office/devices/") + kIdPattern + "/revoke", "/v1/office/devices/{id}/revoke",
         [&hub](const httplib::Request& req, httplib::Response& res) {
           auto who = require_office(hub, req, res);
           if (!who) return;
           const std::string id = req.matches[1];
           auto out = Devices(hub).revoke(id, who->user);
           if (!out) return send_error(res, out.error());
           send_json(res, 200, {{"device_id", id}, {"revoked", true}});
         });

  r.get("/v1/office/audit", "/v1/office/audit", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto who = require_office(hub, req, res);
    if (!who) return;
    AuditQuery q;
    q.record_id = req.get_param_value("record_id").substr(0, 64);
    q.actor = req.get_param_value("actor").substr(0, 64);
    if (req.has_param("limit")) {
      const std::string s = req.get_param_value("limit");
      if (s.empty() || s.size() > 5 || s.find_first_not_of("0123456789") != std::string::npos || std::stoi(s) < 1)
        return send_error(res, 400, "invalid_argument", "limit must be 1-10000");
      q.limit = std::min(10000, std::stoi(s));
    }
    auto db = hub.pool().lease();
    if (!db) return send_error(res, db.error());
    auto out = query_audit(**db, q);
    if (!out) return send_error(res, out.error());
    json list = json::array();
    for (const auto& e : *out) list.push_back(audit_json(e));
    send_json(res, 200, {{"events", list}});
  });

  r.get("/v1/office/export", "/v1/office/export", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto who = require_office(hub, req, res);
    if (!who) return;
    auto started = Export(hub).begin(who->user);
    if (!started) return send_error(res, started.error());
    auto after = std::make_shared<std::int64_t>(0);
    res.status = 200;
    res.set_chunked_content_provider("application/x-ndjson", [&hub, after](std::size_t, httplib::DataSink& sink) {
      auto lines = Export(hub).next_lines(after.get());
      if (!lines) {
        // Headers are gone already: end the stream early; the short file shows it.
        log_internal_error(lines.error());
        return false;
      }
      if (lines->empty()) {
        sink.done();
        return true;
      }
      return sink.write(lines->data(), lines->size());
    });
  });
}

}  // namespace doorstep::server::http
