// Who is calling: the bearer access token (or, without an Authorization header, the
// office console's session cookie, http/browser_session.h), then the device row
// (devices) or the office session and the account's current role (office staff), on
// every request. A change made with the cookie needs the session's CSRF token.
// Each require_* writes the error response itself and returns nullopt when the caller
// may not go on:
//   no, forged or expired token, ended session   401 {"error": "unauthorised"}
//   a lost or wiped device (any endpoint)         410 {"error": "revoked", "wipe": true}
//   a retiring device where only pushing is left  410 {"error": "retired", "wipe": true, "retire": true}
//   a password that must be changed first         403 {"error": "password_change_required"}
//   the wrong kind of caller or role              403 {"error": "forbidden"}
//   a cookie change without the CSRF token        403 {"error": "forbidden"}
// The roles of each endpoint are the matrix in docs/api.md ("Roles").
// Thread-safe.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>

#include <httplib.h>

#include "hub/devices.h"
#include "hub/hub.h"
#include "hub/office_sessions.h"
#include "hub/roles.h"
#include "hub/tokens.h"

namespace doorstep::server::http {

struct DeviceCaller {
  AccessClaims claims;
  DeviceStanding standing = DeviceStanding::in_use;
};

// A worker's enrolled device. retiring_ok: the endpoint is one a retiring device
// still uses to hand over what it holds (push, blob upload, the wipe receipt).
std::optional<DeviceCaller> require_device(Hub& hub, const httplib::Request& req, httplib::Response& res,
                                           bool retiring_ok = false);
// The token of a device the office retired or marked lost, for its wipe receipt only:
// the device row is not checked for standing (Devices::wiped checks the rest). A lost
// device cannot get an access token any more, so its refresh credential in the body
// ({"refresh_token"}) stands in for the bearer token.
std::optional<AccessClaims> require_wipe_receipt(Hub& hub, const httplib::Request& req, httplib::Response& res);
// An office session of one of the roles. password_route: the endpoint that sets a
// new password (and sign-out), the only ones open while a reset password is unchanged.
std::optional<OfficeCaller> require_office(Hub& hub, const httplib::Request& req, httplib::Response& res,
                                           std::initializer_list<Role> roles, bool password_route = false);

// Either kind (blob status and download: the scope decides).
struct AnyCaller {
  std::optional<AccessClaims> device;
  std::optional<OfficeCaller> office;
};
// retiring_ok as for require_device.
std::optional<AnyCaller> require_any(Hub& hub, const httplib::Request& req, httplib::Response& res,
                                     std::initializer_list<Role> office_roles, bool retiring_ok = false);

// 403 "forbidden" for a record outside the caller's teams (the same answer whether or
// not the record exists, where the caller could not otherwise know).
void send_outside_teams(httplib::Response& res);

}  // namespace doorstep::server::http
