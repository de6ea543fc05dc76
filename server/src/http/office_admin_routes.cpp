// The office API for running the service (roles: docs/api.md, "Roles"):
//   GET  /v1/office/conflicts[?open=1]                     admin, manager (their teams)
//   POST /v1/office/conflicts/{id}/resolve                 admin, manager (their teams)
//   GET  /v1/office/devices                                admin, manager (their teams' workers)
//   POST /v1/office/devices/{id}/retire|lost|revoke        admin, manager (their teams' workers)
//   GET  /v1/office/export                                 admin; application/x-ndjson, audited "exported"
// (the audit log: audit_routes.cpp)
#include <memory>

#include "doorstep/core/hlc.h"
#include "doorstep/protocol/messages.h"
#include "http/auth.h"
#include "http/json_io.h"
#include "http/request_log.h"
#include "http/routes.h"
#include "hub/conflicts.h"
#include "hub/devices.h"
#include "hub/export.h"
#include "hub/office_audit.h"
#include "hub/office_scope.h"

namespace doorstep::server::http {

using nlohmann::json;

namespace {

json device_json(const DeviceInfo& d) {
  const json none = nullptr;
  return {{"device_id", d.device_id},
          {"worker", d.worker},
          {"team", d.team},
          {"name", d.name},
          {"enrolled_at", d.enrolled_at},
          {"last_seen", d.last_seen},
          {"wipe", d.wipe.empty() ? none : json(d.wiped_at.empty() ? "pending" : "wiped")},
          {"wipe_kind", d.wipe.empty() ? none : json(d.wipe)},
          {"wipe_requested_at", d.wipe_requested_at.empty() ? none : json(d.wipe_requested_at)},
          {"wiped_at", d.wiped_at.empty() ? none : json(d.wiped_at)},
          {"revoked", d.wipe == "lost"},
          {"last_push_seq", d.last_push_seq},
          {"purged_cases", d.purged_cases}};
}

// A manager acts on the devices of their teams' workers only.
bool may_act_on_device(Hub& hub, const OfficeCaller& who, const std::string& id, httplib::Response& res) {
  auto d = Devices(hub).find(id);
  if (!d) {
    send_error(res, d.error());
    return false;
  }
  if (!*d) {
    send_error(res, 404, "not_found", "no such device");
    return false;
  }
  if (who.role != Role::admin && !who.covers_team((*d)->team)) {
    send_error(res, 403, "forbidden", "this device belongs to a worker outside your teams");
    return false;
  }
  return true;
}

// Filters conflict records to the caller's teams.
Result<std::vector<Record>> conflicts_for(Hub& hub, const OfficeCaller& who, std::vector<Record> all) {
  if (who.role == Role::admin) return all;
  auto db = hub.pool().lease();
  if (!db) return db.error();
  std::vector<Record> out;
  for (auto& c : all) {
    auto teams = state_teams(**db, c);
    if (!teams) return teams.error();
    if (covers_any(who, *teams)) out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

void add_office_admin_routes(Router& r, Hub& hub) {
  r.get("/v1/office/conflicts", "/v1/office/conflicts", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto who = require_office(hub, req, res, {Role::admin, Role::manager});
    if (!who) return;
    const std::string open = req.has_param("open") ? req.get_param_value("open") : "";
    if (!open.empty() && open != "0" && open != "1" && open != "true" && open != "false")
      return send_error(res, 400, "invalid_argument", "open must be 1 or 0");
    auto all = Conflicts(hub).list(open == "1" || open == "true");
    if (!all) return send_error(res, all.error());
    auto out = conflicts_for(hub, *who, std::move(*all));
    if (!out) return send_error(res, out.error());
    if (auto a = audit_view(hub, *who, "list", "conflicts", open.empty() ? "" : "open=" + open); !a.ok())
      return send_error(res, a.error());
    json list = json::array();
    for (const auto& c : *out) list.push_back(protocol::record_to_json(c));
    send_json(res, 200, {{"conflicts", list}});
  });

  r.post(std::string("/v1/office/conflicts/") + kIdPattern + "/resolve", "/v1/office/conflicts/{id}/resolve",
         [&hub](const httplib::Request& req, httplib::Response& res) {
           auto who = require_office(hub, req, res, {Role::admin, Role::manager});
           if (!who) return;
           if (who->role != Role::admin) {
             auto db = hub.pool().lease();
             if (!db) return send_error(res, db.error());
             auto teams = record_teams(**db, "conflict", req.matches[1]);
             if (!teams) return send_error(res, teams.error());
             if (*teams && !covers_any(*who, **teams)) return send_outside_teams(res);
           }
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
    auto who = require_office(hub, req, res, {Role::admin, Role::manager});
    if (!who) return;
    auto out = who->role == Role::admin ? Devices(hub).list() : Devices(hub).list(&who->teams);
    if (!out) return send_error(res, out.error());
    if (auto a = audit_view(hub, *who, "list", "devices"); !a.ok()) return send_error(res, a.error());
    json list = json::array();
    for (const auto& d : *out) list.push_back(device_json(d));
    send_json(res, 200, {{"devices", list}});
  });

  // "revoke" is the older name of "lost".
  for (const char* action : {"retire", "lost", "revoke"}) {
    const std::string what = action;
    r.post(std::string("/v1/office/devices/") + kIdPattern + "/" + what, "/v1/office/devices/{id}/" + what,
           [&hub, what](const httplib::Request& req, httplib::Response& res) {
             auto who = require_office(hub, req, res, {Role::admin, Role::manager});
             if (!who) return;
             const std::string id = req.matches[1];
             if (!may_act_on_device(hub, *who, id, res)) return;
             Devices devices(hub);
             auto out = what == "retire" ? devices.retire(id, who->user, role_name(who->role), who->source)
                                         : devices.mark_lost(id, who->user, role_name(who->role), who->source);
             if (!out.ok()) return send_error(res, out.error());
             auto now = devices.find(id);
             if (!now) return send_error(res, now.error());
             send_json(res, 200, device_json(**now));
           });
  }

  r.get("/v1/office/export", "/v1/office/export", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto who = require_office(hub, req, res, {Role::admin});
    if (!who) return;
    auto started = Export(hub).begin(*who);
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
