// Devices: enrolment, rotating refresh credentials, access tokens, and the end of a
// device: retired or lost.
//
// A worker enrols a device with user name and password and gets a refresh credential
// and a short-lived access token. The refresh credential is signed like a token (its
// role "refresh", the device, its token generation and a counter); the hub keeps only
// the counter it last issued. Every use replaces it with the next counter. Presented:
//   the counter issued last          a normal refresh
//   the one the last refresh presented   honoured again: its answer was lost on the
//                                    way, and the credential issued then was never used
//                                    (however long the device took to ask again)
//   an older one                     someone holds a copy: every credential of the
//                                    device ends (token_gen + 1), audited; enrol again
//   a newer one                      the hub's database is behind the device (restored
//                                    from a backup): honoured, and the hub catches up
// Because a credential proves itself with the token key (not the database), a device
// keeps syncing after a restore, and a dump of the database cannot mint one.
//
// The office ends a device in one of two ways (the device row's `wipe`):
//   retire  the device's next contact pushes everything it still holds (the hub
//           accepts it: push and blob upload work, answers carry "retire"), then the
//           device erases itself and sends a receipt; the changes feed answers 410
//           "retired". A disabled account's devices are all retired.
//   lost    the hub accepts nothing more from it: every request is 410 "revoked" with
//           wipe; its next contact erases it and sends a receipt.
// Both show as "pending" until the receipt (POST /v1/devices/wiped), then "wiped".
// Stateless over the Hub: thread-safe.
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
  std::string device_id, worker, team, name, enrolled_at, last_seen;
  std::string wipe;                  // "", "retire" or "lost"
  std::string wipe_requested_at, wiped_at;
  std::int64_t last_push_seq = 0;
  std::vector<std::string> purged_cases;
};

// What a device token may still do.
enum class DeviceStanding {
  in_use,    // everything
  retiring,  // push what it holds and send the receipt; nothing more is read
};

class Devices {
 public:
  explicit Devices(Hub& hub) : hub_(hub) {}

  // unauthorised (one message) for a wrong user name or password or a non-worker
  // account; account_disabled for a disabled one; password_change_required when the
  // office reset the password and the request names no new_password (invalid_argument
  // when it names one the password rules refuse); erased for a device id that was
  // retired or lost; already_exists when the device id is enrolled to another worker.
  // Re-enrolling re-issues credentials and ends the old ones.
  Result<protocol::EnrolResponse> enrol(const protocol::EnrolRequest& request, const std::string& source = "");
  // A new access token and refresh credential. unauthorised for an unknown device or a
  // wrong or reused credential; erased if lost or wiped; account_disabled for a
  // disabled account's device that is not retiring; retire set when retiring.
  Result<protocol::TokenResponse> refresh(const protocol::TokenRequest& request, const std::string& source = "");

  // Every authenticated device request: the token's device exists, belongs to the
  // token's worker, its credentials were not ended since, and it is not lost (erased)
  // or wiped. Notes last_seen, at most once a minute.
  Result<DeviceStanding> check(const AccessClaims& claims);

  // not_found for an unknown device; invalid_transition for one already wiped. Asking
  // again, or turning a pending retire into lost, is not an error; lost never turns
  // back into retire.
  Status retire(const std::string& device_id, const std::string& by, const std::string& role = "",
                const std::string& source = "");
  Status mark_lost(const std::string& device_id, const std::string& by, const std::string& role = "",
                   const std::string& source = "");
  // Retires every device of a worker not already ended; returns how many.
  Result<int> retire_all(const std::string& worker, const std::string& by, const std::string& role = "",
                         const std::string& source = "");
  // The device's receipt: it erased itself. invalid_transition when no wipe was asked.
  Status wiped(const AccessClaims& claims, const std::string& source = "");

  // Every device, by worker; teams non-empty: only workers of those teams.
  Result<std::vector<DeviceInfo>> list(const std::vector<std::string>* teams = nullptr);
  Result<std::optional<DeviceInfo>> find(const std::string& device_id);

 private:
  std::string issue(const std::string& device_id, const std::string& user, std::int64_t gen);
  std::string issue_refresh(const std::string& device_id, const std::string& user, std::int64_t gen,
                            std::int64_t counter);
  Status end_device(const std::string& device_id, const std::string& kind, const std::string& by,
                    const std::string& role, const std::string& source);
  Hub& hub_;
};

}  // namespace doorstep::server
