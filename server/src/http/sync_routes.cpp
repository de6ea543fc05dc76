// POST /v1/enrol, POST /v1/token, POST /v1/sync/push, GET /v1/sync/changes.
#include "doorstep/protocol/messages.h"
#include "http/auth.h"
#include "http/json_io.h"
#include "http/routes.h"
#include "http/sign_in_guard.h"
#include "hub/changes.h"
#include "hub/devices.h"
#include "hub/push.h"

namespace doorstep::server::http {

namespace {

// Parses the body with parse(); on failure writes 400 (or 413) and returns nullopt.
template <typename T, typename Parse>
std::optional<T> read_message(const httplib::Request& req, httplib::Response& res, Parse parse) {
  auto j = parse_body(req);
  if (!j) {
    send_error(res, j.error());
    return std::nullopt;
  }
  auto m = parse(*j);
  if (!m) {
    send_error(res, 400, "invalid_argument", m.error().message);
    return std::nullopt;
  }
  return std::move(*m);
}

Result<std::int64_t> limit_param(const httplib::Request& req) {
  if (!req.has_param("limit")) return kDefaultPageEntries;
  const std::string s = req.get_param_value("limit");
  std::int64_t n = 0;
  if (s.empty() || s.size() > 9) return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "limit must be 1-5000");
  for (char c : s) {
    if (c < '0' || c > '9') return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "limit must be 1-5000");
    n = n * 10 + (c - '0');
  }
  if (n < 1) return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "limit must be 1-5000");
  return n;
}

// 409 "restored": the request belongs to another history of the server's database.
void send_restored(httplib::Response& res, const EpochMismatch& m) {
  protocol::ErrorBody b{"restored", m.message, false, m.current.epoch, m.current.base};
  send_json(res, 409, protocol::to_json(b));
}

}  // namespace

void add_sync_routes(Router& r, Hub& hub) {
  // The receipt of a retired or lost device that erased itself, with the access token
  // it still held in memory.
  r.post("/v1/devices/wiped", "/v1/devices/wiped", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto claims = require_wipe_receipt(hub, req, res);
    if (!claims) return;
    if (auto st = Devices(hub).wiped(*claims, req.remote_addr); !st.ok()) return send_error(res, st.error());
    send_json(res, 200, {{"device_id", claims->device_id}, {"wiped", true}});
  });

  r.post("/v1/enrol", "/v1/enrol", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto m = read_message<protocol::EnrolRequest>(req, res, protocol::parse_enrol_request);
    if (!m) return;
    auto guard = SignInGuard::enter(hub, req, res, m->username);
    if (!guard) return;
    auto out = Devices(hub).enrol(*m, req.remote_addr);
    if (!out) return guard->refuse(res, out.error());
    guard->succeeded();
    send_json(res, 200, protocol::to_json(*out));
  });

  r.post("/v1/token", "/v1/token", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto m = read_message<protocol::TokenRequest>(req, res, protocol::parse_token_request);
    if (!m) return;
    auto guard = SignInGuard::enter_device(hub, req, res, m->device_id);
    if (!guard) return;
    auto out = Devices(hub).refresh(*m, req.remote_addr);
    if (!out) return guard->refuse(res, out.error());
    guard->succeeded();
    send_json(res, 200, protocol::to_json(*out));
  });

  r.post("/v1/sync/push", "/v1/sync/push", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto caller = require_device(hub, req, res, true);  // a retiring device hands over what it holds
    if (!caller) return;
    auto m = read_message<protocol::PushRequest>(req, res, protocol::parse_push_request);
    if (!m) return;
    EpochMismatch mismatch;
    auto out = Push(hub).apply(caller->claims, *m, &mismatch, req.remote_addr);
    if (!out && mismatch.happened) return send_restored(res, mismatch);
    if (!out) return send_error(res, out.error());
    out->retire = caller->standing == DeviceStanding::retiring;
    send_json(res, 200, protocol::to_json(*out));
  });

  r.get("/v1/sync/changes", "/v1/sync/changes", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto caller = require_device(hub, req, res);
    if (!caller) return;
    auto limit = limit_param(req);
    if (!limit) return send_error(res, limit.error());
    const std::string cursor = req.has_param("cursor") ? req.get_param_value("cursor") : std::string();
    if (cursor.size() > 128) return send_error(res, 400, "invalid_argument", "the cursor is not one this server made");
    EpochMismatch mismatch;
    const bool since_base = req.has_param("since_base") && req.get_param_value("since_base") == "1";
    auto out = Changes(hub).page(caller->claims, cursor, *limit, &mismatch, since_base);
    if (!out && mismatch.happened) return send_restored(res, mismatch);
    if (!out) return send_error(res, out.error());
    send_json_text(res, 200, std::move(*out));
  });
}

}  // namespace doorstep::server::http
