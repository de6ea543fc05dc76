// Access tokens and refresh credentials.
//
// An access token is stateless: base64url(payload JSON) "." base64url(HMAC-SHA256),
// the MAC over the first part under the hub's token secret (meta "token_secret").
// The payload names the device ("" for an office session), the user, the role and
// the expiry in ms since the epoch. Revocation is checked against the device table
// on every request (hub/devices.h), so a stolen token dies with its device.
// TokenSigner is immutable after construction: thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "doorstep/core/result.h"
#include "doorstep/core/secure_key.h"

namespace doorstep::server {

struct AccessClaims {
  std::string device_id;  // "" for an office session
  std::string user;       // the account's user name
  std::string role;       // "worker" or "office"
  std::int64_t expires_ms = 0;
};

class TokenSigner {
 public:
  explicit TokenSigner(SecureKey secret) : secret_(std::move(secret)) {}

  std::string issue(const AccessClaims& claims) const;
  // unauthorised for a malformed, forged or expired token (one message for all:
  // the caller learns nothing about which).
  Result<AccessClaims> verify(std::string_view token, std::int64_t now_ms) const;

 private:
  SecureKey secret_;
};

// 32 random bytes, base64url: a refresh credential.
std::string random_token();
// Lower-case hex SHA-256 of data (refresh credentials are stored only as this).
std::string sha256_hex(std::string_view data);
// Constant-time comparison of two strings of possibly different length.
bool equal_secret(std::string_view a, std::string_view b);

std::string base64url(std::string_view bytes);
// false on malformed input.
bool from_base64url(std::string_view text, std::string& out);

}  // namespace doorstep::server
