// Who is calling: the bearer access token, checked against the device table on
// every request. Each require_* writes the error response itself and returns nullopt
// when the caller may not go on:
//   no, forged or expired token      401 {"error": "unauthorised"}
//   a revoked device (any endpoint)   410 {"error": "revoked", "wipe": true}
//   the wrong kind of caller          403 {"error": "forbidden"}
// Thread-safe.
#pragma once

#include <optional>

#include <httplib.h>

#include "hub/hub.h"
#include "hub/tokens.h"

namespace doorstep::server::http {

// A worker's enrolled device (sync and blob upload).
std::optional<AccessClaims> require_device(Hub& hub, const httplib::Request& req, httplib::Response& res);
// An office session (the office API).
std::optional<AccessClaims> require_office(Hub& hub, const httplib::Request& req, httplib::Response& res);
// Either (blob download: scope decides).
std::optional<AccessClaims> require_any(Hub& hub, const httplib::Request& req, httplib::Response& res);

}  // namespace doorstep::server::http
