// Accounts: workers and office staff who sign in, with Argon2id password hashes
// (libsodium crypto_pwhash_str), a role (hub/roles.h), teams, and a lifecycle:
// disabled and enabled again (never deleted: the audit log keeps their names), a
// password reset by an admin that must be changed at the next sign-in.
// Stateless over the Hub: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "doorstep/core/result.h"
#include "hub/hub.h"
#include "hub/password_rules.h"
#include "hub/roles.h"

namespace doorstep::server {

struct Account {
  std::string username;
  std::string role;                 // admin, manager, monitor, auditor, worker (hub/roles.h)
  std::string team;                 // a worker's team; may be empty
  std::vector<std::string> teams;   // a manager's or monitor's teams; empty for other roles
  bool enabled = true;
  bool must_change_password = false;  // reset by an admin: sign-in allows only a new password
  std::string email;                // optional; what OpenID Connect sign-in is matched on
  std::string created_at, last_sign_in;
};

struct NewAccount {
  std::string username, password, role = "worker", team, email;
  std::vector<std::string> teams;
};

// What PUT /v1/office/accounts/{name} may change; nullopt leaves a field as it is.
struct AccountChange {
  std::optional<std::string> role, team, email;
  std::optional<std::vector<std::string>> teams;
};

// Argon2id runs on a bounded pool: every hash and verification waits for a turn in
// Hub::password_gate() (one per core but one by default), in arrival order, and runs
// on Hub::password_workers(), threads below the priority of request threads.
//
// The cost is 7 MiB and 10 passes (HubOptions). Among the settings OWASP gives as
// equally strong (19 MiB with 2 passes, 12/3, 9/4, 7/5, 7 MiB with 5 passes), the
// smallest memory, with twice its passes: each guess costs the same CPU time as 19 MiB
// with 2 passes, but the hash's working set no longer evicts what pushes need from a
// shared cache. In a flood of wrong sign-ins on 2 cores, the 19 MiB checks put a
// syncing device's push p99 at 3x its quiet value whatever their priority; 7 MiB at
// under 2x (bench/auth_flood). A hash made with another cost is made again at the
// next right sign-in, so a change of cost reaches every account that signs in.

// An Argon2id hash with the hub's cost settings (HubOptions).
Result<std::string> hash_password(const Hub& hub, const std::string& password);

class Accounts {
 public:
  explicit Accounts(Hub& hub) : hub_(hub) {}

  // invalid_argument for a bad user name (1-64 of [A-Za-z0-9._-]), role, team, teams,
  // email or a password the hub's rules refuse (hub/password_rules.h); already_exists
  // when the name is taken. checked_password = false for a password an operator set at
  // start (DOORSTEP_OFFICE_PASSWORD), which only has to be non-empty.
  Result<Account> create(const NewAccount& account, bool checked_password = true);
  // unauthorised, with one message, for an unknown user and for a wrong password; both
  // take one Argon2id verification. A disabled account is returned as such: the
  // caller refuses it (account_disabled) only after the password was right. A right
  // password whose hash has another cost than the hub's is hashed again.
  Result<Account> verify(const std::string& username, const std::string& password);
  Result<std::optional<Account>> find(SqlBackend& db, const std::string& username);
  Result<std::optional<Account>> find(const std::string& username);
  // Every account, by user name.
  Result<std::vector<Account>> list();
  // At most `limit` accounts whose user names sort after `after`, by user name.
  Result<std::vector<Account>> list(const std::string& after, int limit);

  // not_found for an unknown account; invalid_argument as create(). The role of a
  // worker with devices cannot change (retire the devices first).
  Result<Account> change(const std::string& username, const AccountChange& change);
  // not_found for an unknown account. Returns whether anything changed.
  Result<bool> set_enabled(const std::string& username, bool enabled);
  // A one-time password (shown once); the account must set a new one next.
  Result<std::string> reset_password(const std::string& username);
  // Sets a new password chosen by the account holder, clearing a forced change.
  Status set_password(const std::string& username, const std::string& new_password);
  // Records a successful sign-in (office login, enrolment).
  void note_sign_in(const std::string& username);

 private:
  void rehash(const std::string& username, const std::string& old_hash, const std::string& password);

  Hub& hub_;
};

// First start: when no admin account exists, creates "office" (admin) with the given
// password, or a random one if it is empty. Returns the random password (print it
// once), or nullopt when none was generated.
Result<std::optional<std::string>> ensure_office_account(Hub& hub, const std::string& password);

// A random password of letters and digits that reads aloud well (demo, first start,
// one-time passwords).
std::string random_password();

}  // namespace doorstep::server
