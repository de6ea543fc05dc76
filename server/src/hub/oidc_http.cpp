#include "hub/oidc_http.h"

#include <openssl/evp.h>

#include <cctype>
#include <memory>
#include <optional>

#include <httplib.h>

namespace doorstep::server {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxBody = 1u << 20;
constexpr int kTimeoutS = 10;

Error refused_url(const std::string& url) {
  return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                    "refusing " + url + ": an identity provider is reached over https:// (plain http only on this machine)");
}
Error unreachable(const std::string& why) { return make_error(ErrorDomain::server, ErrorCode::unavailable, why); }

struct SplitUrl {
  std::string base;  // scheme://authority
  std::string path;  // /path?query
  std::string host;
  bool https = false;
};

std::optional<SplitUrl> split(const std::string& url) {
  SplitUrl out;
  std::size_t start = 0;
  if (url.rfind("https://", 0) == 0) {
    out.https = true;
    start = 8;
  } else if (url.rfind("http://", 0) == 0) {
    start = 7;
  } else {
    return std::nullopt;
  }
  const auto slash = url.find_first_of("/?#", start);
  const std::string authority = url.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
  if (authority.empty() || authority.find('@') != std::string::npos) return std::nullopt;
  if (url.find('#') != std::string::npos) return std::nullopt;
  out.base = url.substr(0, start + authority.size());
  out.path = slash == std::string::npos ? "/" : url.substr(slash);
  if (out.path.front() == '?') out.path = "/" + out.path;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos) return std::nullopt;
    out.host = authority.substr(1, close - 1);
  } else {
    out.host = authority.substr(0, authority.find(':'));
  }
  return out;
}

std::string why(const std::string& url, httplib::Error e) {
  if (e == httplib::Error::SSLServerVerification)
    return "cannot reach " + url + ": its TLS certificate is not trusted here, or is not for that host name";
  return "cannot reach " + url + " (" + httplib::to_string(e) + ")";
}

std::unique_ptr<httplib::Client> client_for(const SplitUrl& u) {
  auto cli = std::make_unique<httplib::Client>(u.base);
  cli->set_connection_timeout(kTimeoutS, 0);
  cli->set_read_timeout(kTimeoutS, 0);
  cli->set_write_timeout(kTimeoutS, 0);
  cli->set_follow_location(false);
  cli->enable_server_certificate_verification(true);
  return cli;
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace

bool oidc_url_allowed(const std::string& url) {
  auto u = split(url);
  if (!u) return false;
  return u->https || u->host == "127.0.0.1" || u->host == "::1" || u->host == "localhost";
}

std::string url_encode(std::string_view text) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

Result<json> oidc_get_json(const std::string& url) {
  if (!oidc_url_allowed(url)) return refused_url(url);
  const auto u = *split(url);
  auto cli = client_for(u);
  std::string body;
  bool too_big = false;
  auto res = cli->Get(u.path, httplib::Headers{{"Accept", "application/json"}},
                      [&](const char* data, std::size_t n) {
                        body.append(data, n);
                        too_big = body.size() > kMaxBody;
                        return !too_big;
                      });
  if (too_big) return unreachable(url + " answered more than 1 MiB");
  if (!res) return unreachable(why(url, res.error()));
  if (res->status != 200) return unreachable(url + " answered HTTP " + std::to_string(res->status));
  json j = json::parse(body, nullptr, false);
  if (!j.is_object()) return unreachable(url + " did not answer a JSON object");
  return j;
}

Result<FormReply> oidc_post_form(const std::string& url, const FormFields& form, const std::string& user,
                                 const std::string& password) {
  if (!oidc_url_allowed(url)) return refused_url(url);
  const auto u = *split(url);
  auto cli = client_for(u);
  std::string body;
  for (const auto& [k, v] : form) body += (body.empty() ? "" : "&") + url_encode(k) + "=" + url_encode(v);
  httplib::Headers headers{{"Accept", "application/json"},
                           {"Authorization", "Basic " + base64(url_encode(user) + ":" + url_encode(password))}};
  auto res = cli->Post(u.path, headers, body, "application/x-www-form-urlencoded");
  if (!res) return unreachable(why(url, res.error()));
  if (res->body.size() > kMaxBody) return unreachable(url + " answered more than 1 MiB");
  return FormReply{res->status, json::parse(res->body, nullptr, false)};
}

}  // namespace doorstep::server
