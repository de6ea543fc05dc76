// Session: authorised requests for one sync pass. Holds the short-lived access token
// in memory only; refreshes it from the refresh credential in the store when it is
// missing or refused (once per request). The hub rotates refresh credentials on every
// use: the new one is written to the store before the new access token is used.
// Turns error responses into Errors and notices the hub's instructions: wipe (a lost
// device: erase now) and retire (push everything unsent, then erase). Not thread-safe.
#pragma once

#include <optional>
#include <string>

#include "doorstep/client/transport.h"
#include "doorstep/core/store.h"
#include "doorstep/protocol/messages.h"

namespace doorstep::client {

class Session {
 public:
  // access_token: one still held from an earlier pass ("" to refresh first).
  Session(Store& store, Transport& transport, std::string access_token = {})
      : store_(store), transport_(transport), access_token_(std::move(access_token)) {}

  // Sends with "Authorization: Bearer"; 2xx responses are returned, anything else is
  // an Error carrying the server's message (and, with refused, the response itself).
  // A lost device sets wipe_requested(), a retired one retire_requested().
  Result<HttpResponse> call(HttpRequest request, HttpResponse* refused = nullptr);
  // call() and parse the body as JSON within the response size cap.
  Result<nlohmann::json> call_json(HttpRequest request);

  // One attempt with the current access token, for a page fetched ahead on another
  // thread: touches only the transport (never the store or this session's state), so
  // it may run while the caller's thread writes to the store. Any response status is a
  // value; the caller redoes a non-2xx answer through call(), which refreshes and
  // reports. Needs a token from an earlier call().
  Result<HttpResponse> send_once(const HttpRequest& request) const;

  // The hub said this device is lost (410 "revoked", wipe): erase at once.
  bool wipe_requested() const { return wipe_; }
  // The hub said this device is retired (a token or push answer with "retire", or 410
  // "retired"): push everything unsent, then erase.
  bool retire_requested() const { return retire_; }
  void note_retire() { retire_ = true; }
  // The access token held in memory ("" if none was issued in this pass): the erase
  // receipt is sent with it after the store, and the refresh credential, are gone.
  const std::string& access_token() const { return access_token_; }
  // The server answered 409 "restored": its history was restored from a backup (the
  // request named another epoch, or a cursor ahead of its history). The device must
  // re-read from the start (Puller::begin_restore); nullopt otherwise.
  struct Restored {
    std::string epoch;
    std::int64_t base = 0;  // the sequence number the server's new history began at
  };
  const std::optional<Restored>& restored() const { return restored_; }
  void clear_restored() { restored_.reset(); }
  // Folds a server clock into the store's HLC (every response carries one).
  void observe_server_clock(const std::string& hlc);

 private:
  Status refresh();
  Store& store_;
  Transport& transport_;
  std::string access_token_;
  bool wipe_ = false;
  bool retire_ = false;
  std::optional<Restored> restored_;
};

// Maps a non-2xx response to an Error, and reports the hub's instructions: *wipe for
// a lost device (erase at once), *retire for a retired one (push first, then erase;
// a retire is never reported as a wipe). 403 "password_change_required" and
// "account_disabled", and 429, have their own codes.
Error response_error(const HttpResponse& r, bool* wipe, bool* retire = nullptr);

// An error about the pass rather than one request (no connection, credentials or an
// account refused, the device lost or retired): the pass stops; nothing is blamed on
// the record at hand.
inline bool stops_pass(const Error& e) {
  switch (e.code) {
    case ErrorCode::unavailable:
    case ErrorCode::unauthorised:
    case ErrorCode::erased:
    case ErrorCode::account_disabled:
    case ErrorCode::password_change_required:
    case ErrorCode::too_many_attempts: return true;
    default: return false;
  }
}

}  // namespace doorstep::client
