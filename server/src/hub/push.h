// Push: applying a device's outbox operations exactly once (docs/design.md, "Sync").
//
// Each operation with seq <= the device's last applied seq gets its stored result
// back (identical answer, no second effect). Otherwise: scope check, merge
// (protocol::merge_operation) with the current state, record rules, and the new
// state stored with rev = a new global sequence number; each FieldConflict becomes a
// "conflict" record. The effects, the results, the device's last seq, its audit
// events, the audit of its changes and purge reports commit in ONE transaction per request: a retried request
// either finds everything or nothing. Operations based on another epoch (a device
// that has not yet noticed a restore) are refused whole, before anything applies. Stateless over the Hub: thread-safe.
#pragma once

#include "doorstep/protocol/messages.h"
#include "hub/epoch.h"
#include "hub/hub.h"
#include "hub/tokens.h"

namespace doorstep::server {

class Push {
 public:
  explicit Push(Hub& hub) : hub_(hub) {}

  // caller: a worker's device session (Devices::check passed). A request naming
  // another epoch (request.epoch, when given) applies nothing: sync/conflict with
  // *mismatch filled in (when given). The device re-reads, then pushes again.
  // source: the request's address, for the audit log (the device's events, and each
  // change it made: created, changed or deleted, role "worker").
  Result<protocol::PushResponse> apply(const AccessClaims& caller, const protocol::PushRequest& request,
                                       EpochMismatch* mismatch = nullptr, const std::string& source = {});

 private:
  Hub& hub_;
};

}  // namespace doorstep::server
