// Office sessions: every office sign-in (password or OpenID Connect) opens a session
// row on the hub, and the office token names it. Every office request checks the
// row, so a session ends within one request of: sign-out (POST /v1/office/logout),
// sign-out everywhere, the account being disabled, or changed out of the office; an
// idle session ends after HubOptions::session_idle_s, any session after
// HubOptions::session_max_s. The caller's role and teams are read from the account on
// every request, so a change of role applies at once.
// Stateless over the Hub: thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "doorstep/core/result.h"
#include "hub/accounts.h"
#include "hub/hub.h"
#include "hub/roles.h"
#include "hub/tokens.h"

namespace doorstep::server {

// Who is calling the office API, as the hub holds it now.
struct OfficeCaller {
  std::string user;
  Role role = Role::auditor;
  std::vector<std::string> teams;  // manager, monitor
  std::string session_id;
  std::string source;              // the caller's address
  std::string csrf;                // the session's CSRF token (a browser's changes carry it)
  bool must_change_password = false;
  // admin: every team; manager and monitor: their own; auditor: none.
  bool covers_team(const std::string& team) const;
};

struct OfficeSignIn {
  std::string token;
  std::string session_id;
  std::string csrf;                       // for a browser session's changes
  std::int64_t expires_in = 0;            // seconds until the session ends at the latest
  std::int64_t idle_timeout = 0;          // seconds of inactivity that end it
  bool password_change_required = false;  // only POST /v1/office/password until then
};

class OfficeSessions {
 public:
  explicit OfficeSessions(Hub& hub) : hub_(hub) {}

  // Password sign-in: unauthorised for a wrong name or password, invalid_transition
  // for a worker account, account_disabled for a disabled one (only once the password
  // was right). Audited (signed_in).
  Result<OfficeSignIn> sign_in(const std::string& username, const std::string& password, const std::string& source);
  // Opens a session for an enabled office account already identified (method
  // "password" or "oidc"). Audited (signed_in, with the method).
  Result<OfficeSignIn> open(const Account& account, const std::string& source, const std::string& method);
  // Every office request: unauthorised when the session is unknown, ended, idle too
  // long or too old, or the account is gone, disabled or no longer an office account.
  Result<OfficeCaller> check(const AccessClaims& claims, const std::string& source);
  // Ends one session (not an error when it has ended already). Audited by the caller.
  Status end(const std::string& session_id);
  // Ends every open session of an account; returns how many.
  Result<std::int64_t> end_all(const std::string& username);

 private:
  Hub& hub_;
};

}  // namespace doorstep::server
