// Office sign-in through the council's OpenID Connect provider (hub/oidc.h):
//   GET /v1/office/sign-in-methods                     {"password": true, "oidc": bool} (no sign-in)
//   GET /v1/office/oidc/start[?format=json|console=1]  302 to the provider ({"url"} for scripts)
//   GET /v1/office/oidc/callback?code=&state=          the provider's redirect; answers as
//                                                      POST /v1/office/login does
// start and callback 404 when the hub has no --oidc-issuer.
// The console's flow (console=1) binds the state to the browser that started it: a
// cookie (doorstep_oidc, HttpOnly, SameSite=Lax so that the provider's redirect
// carries it, 10 minutes) holds it, and a callback that brings the cookie must bring
// the same state; it then sets the session cookie (http/browser_session.h) and sends
// the browser to /office/, or to /office/sign-in?oidc=WHY when the sign-in failed.
#include <memory>

#include "http/browser_session.h"
#include "http/json_io.h"
#include "http/routes.h"
#include "hub/oidc.h"

namespace doorstep::server::http {

namespace {

bool configured(const std::shared_ptr<OidcClient>& oidc, httplib::Response& res) {
  if (oidc) return true;
  send_error(res, 404, "not_found",
             "sign-in with an identity provider is not configured on this hub (doorstep-server --oidc-issuer)");
  return false;
}

void send_oidc_error(httplib::Response& res, const Error& e) {
  // The provider could not be reached: say so, not "the server is busy".
  if (e.code == ErrorCode::unavailable && e.domain == ErrorDomain::server)
    return send_error(res, 502, "unavailable", e.message);
  send_error(res, e);
}

constexpr const char* kStateCookie = "doorstep_oidc";

void set_state_cookie(const httplib::Request& req, httplib::Response& res, const std::string& state) {
  std::string c = std::string(kStateCookie) + "=" + state +
                  "; Path=/v1/office/oidc/callback; HttpOnly; SameSite=Lax; Max-Age=" + (state.empty() ? "0" : "600");
  if (over_tls(req)) c += "; Secure";
  res.set_header("Set-Cookie", c);
}

// The state parameter of the provider's authorization URL (hub/oidc.cpp writes it).
std::string state_of(const std::string& url) {
  const auto at = url.find("&state=");
  if (at == std::string::npos) return {};
  const auto start = at + 7;
  return url.substr(start, url.find('&', start) - start);
}

void send_to_console(httplib::Response& res, const std::string& where) {
  res.status = 302;
  res.set_header("Location", where);
}

// Why a console sign-in failed, as the sign-in page words it.
std::string console_reason(const Error& e) {
  if (e.code == ErrorCode::unavailable) return "unavailable";
  if (e.code == ErrorCode::account_disabled) return "disabled";
  if (e.code == ErrorCode::invalid_transition) return "no-account";
  return "refused";
}

}  // namespace

void add_oidc_routes(Router& r, Hub& hub, std::shared_ptr<OidcClient> oidc) {
  r.get("/v1/office/sign-in-methods", "/v1/office/sign-in-methods",
        [oidc](const httplib::Request&, httplib::Response& res) {
          send_json(res, 200, {{"password", true}, {"oidc", oidc != nullptr}});
        });

  r.get("/v1/office/oidc/start", "/v1/office/oidc/start",
        [&hub, oidc](const httplib::Request& req, httplib::Response& res) {
          if (!configured(oidc, res)) return;
          auto url = oidc->start(hub);
          if (!url) return send_oidc_error(res, url.error());
          if (req.get_param_value("format") == "json") return send_json(res, 200, {{"url", *url}});
          if (req.get_param_value("console") == "1") set_state_cookie(req, res, state_of(*url));
          res.status = 302;
          res.set_header("Location", *url);
        });

  r.get("/v1/office/oidc/callback", "/v1/office/oidc/callback",
        [&hub, oidc](const httplib::Request& req, httplib::Response& res) {
          if (!configured(oidc, res)) return;
          OidcCallback cb{req.get_param_value("code"), req.get_param_value("state"), req.get_param_value("error"),
                          req.get_param_value("error_description"), req.get_param_value("iss")};
          const std::string bound = cookie_value(req, kStateCookie);
          if (!bound.empty()) {
            // The console's flow: only the browser that started it may finish it.
            set_state_cookie(req, res, "");
            if (!same_secret(bound, cb.state)) return send_to_console(res, "/office/sign-in?oidc=refused");
            auto out = oidc->callback(hub, cb, req.remote_addr);
            if (!out) return send_to_console(res, "/office/sign-in?oidc=" + console_reason(out.error()));
            // Set-Cookie twice: the state cleared (above), the session set.
            set_session_cookie(req, res, out->session.token, out->session.expires_in);
            return send_to_console(res, "/office/");
          }
          auto out = oidc->callback(hub, cb, req.remote_addr);
          if (!out) return send_oidc_error(res, out.error());
          auto body = sign_in_json(out->session, hub);
          body["username"] = out->username;
          body["role"] = out->role;
          send_json(res, 200, body);
        });
}

}  // namespace doorstep::server::http
