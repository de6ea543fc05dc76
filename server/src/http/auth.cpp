#include "http/auth.h"

#include "hub/devices.h"
#include "http/json_io.h"

namespace doorstep::server::http {

namespace {

std::optional<AccessClaims> authenticate(Hub& hub, const httplib::Request& req, httplib::Response& res) {
  const std::string header = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  if (header.size() <= prefix.size() || header.compare(0, prefix.size(), prefix) != 0) {
    send_error(res, 401, "unauthorised", "an access token is required (Authorization: Bearer ...)");
    return std::nullopt;
  }
  auto claims = hub.tokens().verify(std::string_view(header).substr(prefix.size()), hub.clock().now_ms());
  if (!claims) {
    send_error(res, 401, "unauthorised", "the access token is not valid or has expired");
    return std::nullopt;
  }
  auto live = Devices(hub).check(*claims);
  if (!live) {
    send_error(res, live.error());
    return std::nullopt;
  }
  return *claims;
}

}  // namespace

std::optional<AccessClaims> require_device(Hub& hub, const httplib::Request& req, httplib::Response& res) {
  auto c = authenticate(hub, req, res);
  if (c && c->role != "worker") {
    send_error(res, 403, "forbidden", "this endpoint is for enrolled devices");
    return std::nullopt;
  }
  return c;
}

std::optional<AccessClaims> require_office(Hub& hub, const httplib::Request& req, httplib::Response& res) {
  auto c = authenticate(hub, req, res);
  if (c && c->role != "office") {
    send_error(res, 403, "forbidden", "this endpoint is for office staff");
    return std::nullopt;
  }
  return c;
}

std::optional<AccessClaims> require_any(Hub& hub, const httplib::Request& req, httplib::Response& res) {
  return authenticate(hub, req, res);
}

}  // namespace doorstep::server::http
