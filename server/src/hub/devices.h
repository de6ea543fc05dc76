// Devices: enrolment, refresh credentials, access tokens, revocation.
//
// A worker enrols a device with user name and password and gets a refresh credential
// (kept by the hub only as its SHA-256) and a short-lived access token. Revoking a
// device answers its every later request with erased (HTTP 410, wipe). Stateless over
// the Hub: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "doorstep/protocol/messages.h"
#include "hub/hub.h"
#include "hub/tokens.h"

namespace doorstep::server {

struct DeviceInfo {
  std::string device_id, worker, name, enrolled_at, last_seen, revoked_at;
  bool revoked = false;
  std::int64_t last_push_seq = 0;
  std::vector<std::string> purged_cases;
};

class Devices {
 public:
  explicit Devices(Hub& hub) : hub_(hub) {}

  // unauthorised (one message) for a wrong user name or password or a non-worker
  // account; erased for a revoked device id; already_exists when the device id is
  // enrolled to another worker. Re-enrolling re-issues credentials.
  Result<protocol::EnrolResponse> enrol(const protocol::EnrolRequest& request);
  // unauthorised for an unknown device or wrong refresh credential; erased if revoked.
  Result<protocol::TokenResponse> refresh(const protocol::TokenRequest& request);
  // An office session: unauthorised for wrong credentials; invalid_transition when
  // the account is not an office account.
  Result<protocol::TokenResponse> office_login(const std::string& username, const std::string& password);

  // Every authenticated request: the token's device still exists, belongs to the
  // token's worker and is not revoked (erased otherwise). Notes last_seen, at most
  // once a minute.
  Status check(const AccessClaims& claims);

  // not_found for an unknown device. Revoking twice is not an error.
  Status revoke(const std::string& device_id, const std::string& by);
  Result<std::vector<DeviceInfo>> list();

 private:
  std::string issue(const std::string& device_id, const std::string& user, const std::string& role);
  Hub& hub_;
};

}  // namespace doorstep::server
