#include "hub/tokens.h"

#include <sodium.h>

#include <chrono>

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

TokenSigner::TokenSigner(std::vector<TokenKey> keys, std::filesystem::path file)
    : file_(std::move(file)), keys_(std::move(keys)) {
  std::error_code ec;
  if (!file_.empty()) mtime_ = std::filesystem::last_write_time(file_, ec);
  checked_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now().time_since_epoch()).count();
}

void TokenSigner::maybe_reload(bool force) const {
  // Caller holds mu_.
  if (file_.empty()) return;
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now().time_since_epoch()).count();
  if (!force && now - checked_ms_ < 10'000) return;
  if (force && now - checked_ms_ < 1'000) return;  // a flood of unknown ids reads the file once a second
  checked_ms_ = now;
  std::error_code ec;
  const auto m = std::filesystem::last_write_time(file_, ec);
  // A token naming a key not held: read the file whatever its time says (a rewrite
  // within the file system's timestamp granularity keeps the time).
  if (ec || (!force && m == mtime_)) return;
  auto keys = read_token_keys(file_);
  if (!keys) return;  // keep the keys held: a damaged file must not sign everyone out
  keys_ = std::move(*keys);
  mtime_ = m;
}

std::string TokenSigner::signing_key_id() const {
  std::lock_guard<std::mutex> lock(mu_);
  maybe_reload(false);
  return keys_.back().id;
}

std::string TokenSigner::issue(const AccessClaims& c) const {
  nlohmann::json payload = {{"d", c.device_id}, {"u", c.user}, {"r", c.role}, {"exp", c.expires_ms}};
  if (!c.session_id.empty()) payload["s"] = c.session_id;
  if (c.token_gen != 0) payload["g"] = c.token_gen;
  if (c.refresh_counter != 0) payload["n"] = c.refresh_counter;
  std::lock_guard<std::mutex> lock(mu_);
  maybe_reload(false);
  const TokenKey& key = keys_.back();
  const std::string signed_part = key.id + "." + base64url(payload.dump());
  return signed_part + "." + base64url(mac(key.key, signed_part));
}

Result<AccessClaims> TokenSigner::verify(std::string_view token, std::int64_t now_ms) const {
  if (token.empty() || token.size() > kMaxTokenChars) return refused();
  const auto dot1 = token.find('.');
  if (dot1 == std::string_view::npos) return refused();
  const auto dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) return refused();
  const std::string_view kid = token.substr(0, dot1);
  const std::string_view signed_part = token.substr(0, dot2);
  std::string sig;
  if (!from_base64url(token.substr(dot2 + 1), sig)) return refused();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto find = [&]() -> const TokenKey* {
      for (const auto& k : keys_)
        if (k.id == kid) return &k;
      return nullptr;
    };
    const TokenKey* key = find();
    if (!key) {
      maybe_reload(true);
      key = find();
    }
    if (!key || !equal_secret(sig, mac(key->key, signed_part))) return refused();
  }
  std::string text;
  if (!from_base64url(token.substr(dot1 + 1, dot2 - dot1 - 1), text)) return refused();
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return refused();
  AccessClaims c;
  try {
    c.device_id = j.at("d").get<std::string>();
    c.user = j.at("u").get<std::string>();
    c.role = j.at("r").get<std::string>();
    c.expires_ms = j.at("exp").get<std::int64_t>();
    if (j.contains("s")) c.session_id = j.at("s").get<std::string>();
    if (j.contains("g")) c.token_gen = j.at("g").get<std::int64_t>();
    if (j.contains("n")) c.refresh_counter = j.at("n").get<std::int64_t>();
  } catch (const nlohmann::json::exception&) {
    return refused();
  }
  if (now_ms >= c.expires_ms) return refused();
  if (c.device_id.empty() == c.session_id.empty()) return refused();  // exactly one of device and session
  return c;
}

}  // namespace doorstep::server
