// SignInGuard: the brake on password guessing (hub/sign_in_brake.h) at a sign-in
// route. Asked before the route checks a credential, told after:
//
//   auto guard = SignInGuard::enter(hub, req, res, user_name);
//   if (!guard) return;                 // answered: 429 while locked (or the store failed)
//   auto out = <check the credential>;
//   if (!out) return guard->refuse(res, out.error());
//   guard->succeeded();
//
// 429 {"error": "too_many_attempts", "message": ...} with Retry-After in seconds. The
// source is the connection's peer address (httplib's remote_addr). Use on one thread.
#pragma once

#include <optional>
#include <string>

#include <httplib.h>

#include "doorstep/core/result.h"
#include "hub/hub.h"

namespace doorstep::server::http {

class SignInGuard {
 public:
  // nullopt: the answer is written (429, or the store's error) and the credential
  // must not be checked. account: the user name tried; "" for none.
  static std::optional<SignInGuard> enter(Hub& hub, const httplib::Request& req, httplib::Response& res,
                                          const std::string& account);
  // POST /v1/token: the account is the device's worker ("" for an unknown device).
  static std::optional<SignInGuard> enter_device(Hub& hub, const httplib::Request& req, httplib::Response& res,
                                                 const std::string& device_id);

  // The check failed with e: a wrong credential (unauthorised) counts as a failure,
  // and the answer is 429 when that locks the account or the source; otherwise e's.
  void refuse(httplib::Response& res, const Error& e);
  // The credential was right.
  void succeeded();

 private:
  explicit SignInGuard(SignInAttempt attempt) : attempt_(std::move(attempt)) {}
  SignInAttempt attempt_;
};

// 429 too_many_attempts with Retry-After.
void send_too_many_attempts(httplib::Response& res, std::int64_t retry_after_s);

}  // namespace doorstep::server::http
