#include "hub/tokens.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

namespace doorstep::server {

namespace {

constexpr std::size_t kMaxTokenChars = 2048;

Error refused() { return make_error(ErrorDomain::server, ErrorCode::unauthorised, "the access token is not valid"); }

std::string mac(const SecureKey& key, std::string_view text) {
  unsigned char out[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key.data(), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  crypto_auth_hmacsha256_final(&st, out);
  return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

}  // namespace

std::string base64url(std::string_view bytes) {
  const std::size_t n = sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::string out(n, '\0');
  sodium_bin2base64(out.data(), n, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(n - 1);  // drop the terminating NUL
  return out;
}

bool from_base64url(std::string_view text, std::string& out) {
  out.assign(text.size(), '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &len, &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    return false;
  if (end != text.data() + text.size()) return false;
  out.resize(len);
  return true;
}

std::string random_token() {
  unsigned char buf[32];
  randombytes_buf(buf, sizeof buf);
  return base64url(std::string_view(reinterpret_cast<const char*>(buf), sizeof buf));
}

std::string sha256_hex(std::string_view data) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[2 * sizeof h + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return std::string(hex, 2 * sizeof h);
}

bool equal_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string TokenSigner::issue(const AccessClaims& c) const {
  const nlohmann::json payload = {{"d", c.device_id}, {"u", c.user}, {"r", c.role}, {"exp", c.expires_ms}};
  const std::string body = base64url(payload.dump());
  return body + "." + base64url(mac(secret_, body));
}

Result<AccessClaims> TokenSigner::verify(std::string_view token, std::int64_t now_ms) const {
  if (token.empty() || token.size() > kMaxTokenChars) return refused();
  const auto dot = token.find('.');
  if (dot == std::string_view::npos || token.find('.', dot + 1) != std::string_view::npos) return refused();
  const std::string_view body = token.substr(0, dot);
  std::string sig;
  if (!from_base64url(token.substr(dot + 1), sig)) return refused();
  if (!equal_secret(sig, mac(secret_, body))) return refused();
  std::string text;
  if (!from_base64url(body, text)) return refused();
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return refused();
  AccessClaims c;
  try {
    c.device_id = j.at("d").get<std::string>();
    c.user = j.at("u").get<std::string>();
    c.role = j.at("r").get<std::string>();
    c.expires_ms = j.at("exp").get<std::int64_t>();
  } catch (const nlohmann::json::exception&) {
    return refused();
  }
  if (now_ms >= c.expires_ms) return refused();
  if (c.role != "worker" && c.role != "office") return refused();
  return c;
}

}  // namespace doorstep::server
