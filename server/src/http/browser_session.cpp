#include "http/browser_session.h"

namespace doorstep::server::http {

std::string cookie_value(const httplib::Request& req, const std::string& name) {
  const std::size_t n = req.get_header_value_count("Cookie");
  for (std::size_t i = 0; i < n; ++i) {
    const std::string header = req.get_header_value("Cookie", i);
    std::size_t pos = 0;
    while (pos < header.size()) {
      std::size_t end = header.find(';', pos);
      if (end == std::string::npos) end = header.size();
      std::size_t start = header.find_first_not_of(' ', pos);
      if (start < end) {
        const std::size_t eq = header.find('=', start);
        if (eq != std::string::npos && eq < end && header.compare(start, eq - start, name) == 0 &&
            eq - start == name.size())
          return header.substr(eq + 1, end - eq - 1);
      }
      pos = end + 1;
    }
  }
  return {};
}

bool over_tls(const httplib::Request& req) { return req.ssl != nullptr; }

void set_session_cookie(const httplib::Request& req, httplib::Response& res, const std::string& token,
                        std::int64_t max_age) {
  std::string c = std::string(kSessionCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict";
  c += "; Max-Age=" + std::to_string(token.empty() ? 0 : max_age);
  if (over_tls(req)) c += "; Secure";
  res.set_header("Set-Cookie", c);
}

bool is_change(const httplib::Request& req) { return req.method != "GET" && req.method != "HEAD"; }

bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

void set_console_headers(httplib::Response& res) {
  res.set_header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
}

}  // namespace doorstep::server::http
