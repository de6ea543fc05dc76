// The office session of a browser (the console, docs/office.md): the same session as
// a bearer token, carried in a cookie the page's script cannot read, and the headers
// every console page and office answer carry.
//   doorstep_office=TOKEN; Path=/; HttpOnly; SameSite=Strict[; Secure]   (Secure under TLS)
// A request that authenticates with the cookie and changes something (any method but
// GET and HEAD) must also carry the session's CSRF token in X-CSRF-Token (http/auth.h
// checks it); a bearer token needs none.
// Stateless: thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include <httplib.h>

namespace doorstep::server::http {

inline constexpr const char* kSessionCookie = "doorstep_office";
inline constexpr const char* kCsrfHeader = "X-CSRF-Token";

// The value of cookie `name` in the request's Cookie header, or "".
std::string cookie_value(const httplib::Request& req, const std::string& name);
// Whether the request came over the hub's own TLS.
bool over_tls(const httplib::Request& req);
// Sets the session cookie (max_age: seconds) or, with an empty token, clears it.
void set_session_cookie(const httplib::Request& req, httplib::Response& res, const std::string& token,
                        std::int64_t max_age);
// Whether the request changes something and so needs the CSRF token with a cookie.
bool is_change(const httplib::Request& req);
// Equal texts, in time independent of where they differ.
bool same_secret(const std::string& a, const std::string& b);

// Content-Security-Policy: default-src 'self'; frame-ancestors 'none', with
// nosniff and no referrer: on every page and file of the console.
void set_console_headers(httplib::Response& res);

}  // namespace doorstep::server::http
