// Accounts: workers and office staff who sign in, with Argon2id password hashes
// (libsodium crypto_pwhash_str). Stateless over the Hub: thread-safe.
#pragma once

#include <optional>
#include <string>

#include "doorstep/core/result.h"
#include "hub/hub.h"

namespace doorstep::server {

struct Account {
  std::string username;
  std::string role;  // "worker" or "office"
  std::string team;  // may be empty
};

inline constexpr std::size_t kMinPasswordChars = 8;  // for accounts made through the office API

// An Argon2id hash with the hub's cost settings (HubOptions).
Result<std::string> hash_password(const Hub& hub, const std::string& password);

class Accounts {
 public:
  explicit Accounts(Hub& hub) : hub_(hub) {}

  // invalid_argument for a bad user name (1-64 of [A-Za-z0-9._-]), role, team or an
  // empty password; already_exists when the name is taken. min_password_chars is
  // kMinPasswordChars for the office API, 1 for passwords an operator set at start.
  Result<Account> create(const std::string& username, const std::string& password, const std::string& role,
                         const std::string& team, std::size_t min_password_chars = kMinPasswordChars);
  // unauthorised, with one message, for an unknown user and for a wrong password;
  // both take one Argon2id verification.
  Result<Account> verify(const std::string& username, const std::string& password);
  Result<std::optional<Account>> find(SqlBackend& db, const std::string& username);

 private:
  Hub& hub_;
};

// First start: when no office account exists, creates "office" with the given
// password, or a random one if it is empty. Returns the random password (print it
// once), or nullopt when none was generated.
Result<std::optional<std::string>> ensure_office_account(Hub& hub, const std::string& password);

// A random password of letters and digits that reads aloud well (demo, first start).
std::string random_password();

}  // namespace doorstep::server
