// Office sign-in through the council's OpenID Connect provider (hub/oidc.h):
//   GET /v1/office/oidc/start[?format=json]            302 to the provider ({"url"} for scripts)
//   GET /v1/office/oidc/callback?code=&state=          the provider's redirect; answers as
//                                                      POST /v1/office/login does
// Both 404 when the hub has no --oidc-issuer.
#include <memory>

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

}  // namespace

void add_oidc_routes(Router& r, Hub& hub, std::shared_ptr<OidcClient> oidc) {
  r.get("/v1/office/oidc/start", "/v1/office/oidc/start",
        [&hub, oidc](const httplib::Request& req, httplib::Response& res) {
          res.set_header("Cache-Control", "no-store");
          if (!configured(oidc, res)) return;
          auto url = oidc->start(hub);
          if (!url) return send_oidc_error(res, url.error());
          if (req.get_param_value("format") == "json") return send_json(res, 200, {{"url", *url}});
          res.status = 302;
          res.set_header("Location", *url);
        });

  r.get("/v1/office/oidc/callback", "/v1/office/oidc/callback",
        [&hub, oidc](const httplib::Request& req, httplib::Response& res) {
          res.set_header("Cache-Control", "no-store");
          if (!configured(oidc, res)) return;
          OidcCallback cb{req.get_param_value("code"), req.get_param_value("state"), req.get_param_value("error"),
                          req.get_param_value("error_description"), req.get_param_value("iss")};
          auto out = oidc->callback(hub, cb, req.remote_addr);
          if (!out) return send_oidc_error(res, out.error());
          auto body = sign_in_json(out->session, hub);
          body["username"] = out->username;
          body["role"] = out->role;
          send_json(res, 200, body);
        });
}

}  // namespace doorstep::server::http
