// The hub's HTTP client for OpenID Connect: discovery, JWKS and the token endpoint,
// through cpp-httplib's client. HTTPS with the system's trusted certificates and
// host name checks; plain http only to a loopback address (a provider on the same
// machine, as in tests). No redirects followed, bodies capped at 1 MiB, 10 s
// timeouts. Stateless: thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "doorstep/core/result.h"

namespace doorstep::server {

// https://..., or http:// to 127.0.0.1, ::1 or localhost; no user name or password in it.
bool oidc_url_allowed(const std::string& url);

// GET url, answered 200 with a JSON object. invalid_argument for a refused URL,
// unavailable when the server cannot be reached or answers otherwise (the message
// says which).
Result<nlohmann::json> oidc_get_json(const std::string& url);

using FormFields = std::vector<std::pair<std::string, std::string>>;
// POST application/x-www-form-urlencoded with HTTP Basic client authentication
// (RFC 6749 2.3.1). Returns the status and the body as JSON (null if it is not JSON);
// unavailable when there is no answer.
struct FormReply {
  int status = 0;
  nlohmann::json body;
};
Result<FormReply> oidc_post_form(const std::string& url, const FormFields& form, const std::string& user,
                                 const std::string& password);

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string url_encode(std::string_view text);

}  // namespace doorstep::server
