// Access tokens and refresh credentials.
//
// A device's refresh credential has the same form, with role "refresh" and a counter
// that goes up by one at every rotation (hub/devices.h); it is never accepted as an
// access token, nor an access token as a refresh credential.
// An access token is "<key id>.<base64url(payload JSON)>.<base64url(HMAC-SHA256)>", the
// MAC over the first two parts under the token key of that id (hub/token_keys.h: a
// key file beside the instance, never the database). The payload names the device
// ("" for an office session), the user, the role, the office session or the device's
// token generation, and the expiry in ms since the epoch. A token proves only who it
// was issued to: every request also checks the office session (hub/office_sessions.h)
// or the device row (hub/devices.h), so ending either ends the token at once.
// TokenSigner is thread-safe: its keys are re-read from the file (at most every 10 s)
// when a token names a key it does not hold, or before signing, so a key added by
// `rotate-token-key` reaches running instances without a restart.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "doorstep/core/result.h"
#include "doorstep/core/secure_key.h"
#include "hub/token_keys.h"

namespace doorstep::server {

struct AccessClaims {
  std::string device_id;   // "" for an office session
  std::string user;        // the account's user name
  std::string role;        // "worker" for a device; the office role when the token was issued
  std::string session_id;  // office: the server-side session; "" for a device
  std::int64_t token_gen = 0;  // device: the device's token generation (bumped to end them all)
  std::int64_t refresh_counter = 0;  // a refresh credential (role "refresh"): its place in the rotation
  std::int64_t expires_ms = 0;
};

class TokenSigner {
 public:
  // file: the key file the keys came from (re-read when it changes); may be empty.
  TokenSigner(std::vector<TokenKey> keys, std::filesystem::path file);

  std::string issue(const AccessClaims& claims) const;
  // unauthorised for a malformed, forged or expired token, or one of a key no longer
  // in the file (one message for all: the caller learns nothing about which).
  Result<AccessClaims> verify(std::string_view token, std::int64_t now_ms) const;
  // The id of the key that signs now.
  std::string signing_key_id() const;

 private:
  void maybe_reload(bool force) const;
  std::filesystem::path file_;
  mutable std::mutex mu_;
  mutable std::vector<TokenKey> keys_;
  mutable std::int64_t checked_ms_ = 0;
  mutable std::filesystem::file_time_type mtime_{};
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
