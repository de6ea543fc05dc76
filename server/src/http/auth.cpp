#include "http/auth.h"

#include <algorithm>

#include "http/browser_session.h"
#include "http/json_io.h"

namespace doorstep::server::http {

namespace {

// The bearer token, or (without an Authorization header) the console's session cookie.
struct Credential {
  AccessClaims claims;
  bool cookie = false;
};

std::optional<Credential> token(Hub& hub, const httplib::Request& req, httplib::Response& res) {
  const std::string header = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  Credential out;
  std::string text;
  if (header.empty()) {
    text = cookie_value(req, kSessionCookie);
    out.cookie = true;
  } else if (header.size() > prefix.size() && header.compare(0, prefix.size(), prefix) == 0) {
    text = header.substr(prefix.size());
  }
  if (text.empty()) {
    send_error(res, 401, "unauthorised", "an access token is required (Authorization: Bearer ...)");
    return std::nullopt;
  }
  auto claims = hub.tokens().verify(text, hub.clock().now_ms());
  if (!claims || claims->role == "refresh") {  // a refresh credential is not an access token
    send_error(res, 401, "unauthorised",
               out.cookie ? "the office session has ended; sign in again" : "the access token is not valid or has expired");
    return std::nullopt;
  }
  out.claims = *claims;
  return out;
}

std::optional<DeviceCaller> device(Hub& hub, const AccessClaims& claims, httplib::Response& res, bool retiring_ok) {
  auto standing = Devices(hub).check(claims);
  if (!standing) {
    send_error(res, standing.error());
    return std::nullopt;
  }
  if (*standing == DeviceStanding::retiring && !retiring_ok) {
    protocol::ErrorBody b{"retired",
                          "the office retired this device: send what it holds, then erase it",
                          true, "", 0, true};
    send_json(res, 410, protocol::to_json(b));
    return std::nullopt;
  }
  return DeviceCaller{claims, *standing};
}

std::optional<OfficeCaller> office(Hub& hub, const Credential& credential, const httplib::Request& req,
                                   httplib::Response& res, std::initializer_list<Role> roles, bool password_route) {
  auto caller = OfficeSessions(hub).check(credential.claims, req.remote_addr);
  if (!caller) {
    send_error(res, caller.error());
    return std::nullopt;
  }
  // A cookie goes with every request the browser makes to this origin, whoever's page
  // asked for it: a change needs the token only this session's pages were given.
  if (credential.cookie && is_change(req) &&
      (caller->csrf.empty() || !same_secret(req.get_header_value(kCsrfHeader), caller->csrf))) {
    send_error(res, 403, "forbidden", "a change made with the session cookie needs the session's CSRF token (X-CSRF-Token)");
    return std::nullopt;
  }
  if (caller->must_change_password && !password_route) {
    send_error(res, 403, "password_change_required",
               "the password was reset: set a new one first (POST /v1/office/password)");
    return std::nullopt;
  }
  if (std::find(roles.begin(), roles.end(), caller->role) == roles.end()) {
    send_error(res, 403, "forbidden", std::string("this is not open to the ") + role_name(caller->role) + " role");
    return std::nullopt;
  }
  return *caller;
}

}  // namespace

std::optional<DeviceCaller> require_device(Hub& hub, const httplib::Request& req, httplib::Response& res,
                                           bool retiring_ok) {
  auto c = token(hub, req, res);
  if (!c) return std::nullopt;
  if (c->claims.device_id.empty()) {
    send_error(res, 403, "forbidden", "this endpoint is for enrolled devices");
    return std::nullopt;
  }
  return device(hub, c->claims, res, retiring_ok);  // a lost device gets 410 here first
}

std::optional<AccessClaims> require_wipe_receipt(Hub& hub, const httplib::Request& req, httplib::Response& res) {
  if (!req.has_header("Authorization")) {
    auto body = nlohmann::json::parse(req.body, nullptr, false);
    const std::string credential =
        body.is_object() && body.contains("refresh_token") && body["refresh_token"].is_string()
            ? body["refresh_token"].get<std::string>()
            : std::string();
    auto claims = hub.tokens().verify(credential, hub.clock().now_ms());
    if (!claims || claims->role != "refresh" || claims->device_id.empty()) {
      send_error(res, 401, "unauthorised", "a wipe receipt needs the device's access token or refresh credential");
      return std::nullopt;
    }
    return *claims;
  }
  auto c = token(hub, req, res);
  if (!c) return std::nullopt;
  if (c->claims.device_id.empty()) {
    send_error(res, 403, "forbidden", "this endpoint is for enrolled devices");
    return std::nullopt;
  }
  return c->claims;
}

std::optional<OfficeCaller> require_office(Hub& hub, const httplib::Request& req, httplib::Response& res,
                                           std::initializer_list<Role> roles, bool password_route) {
  auto c = token(hub, req, res);
  if (!c) return std::nullopt;
  if (!c->claims.device_id.empty()) {
    // A lost device hears that it is lost wherever it knocks.
    if (device(hub, c->claims, res, true)) send_error(res, 403, "forbidden", "this endpoint is for office staff");
    return std::nullopt;
  }
  return office(hub, *c, req, res, roles, password_route);
}

std::optional<AnyCaller> require_any(Hub& hub, const httplib::Request& req, httplib::Response& res,
                                     std::initializer_list<Role> office_roles, bool retiring_ok) {
  auto c = token(hub, req, res);
  if (!c) return std::nullopt;
  AnyCaller out;
  if (!c->claims.device_id.empty()) {
    auto d = device(hub, c->claims, res, retiring_ok);
    if (!d) return std::nullopt;
    out.device = d->claims;
  } else {
    auto o = office(hub, *c, req, res, office_roles, false);
    if (!o) return std::nullopt;
    out.office = *o;
  }
  return out;
}

void send_outside_teams(httplib::Response& res) {
  send_error(res, 403, "forbidden", "this record belongs to a team you do not manage");
}

}  // namespace doorstep::server::http
