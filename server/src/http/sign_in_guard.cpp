#include "http/sign_in_guard.h"

#include "http/json_io.h"
#include "http/request_log.h"

namespace doorstep::server::http {

void send_too_many_attempts(httplib::Response& res, std::int64_t retry_after_s) {
  res.set_header("Retry-After", std::to_string(retry_after_s));
  send_error(res, 429, "too_many_attempts",
             "too many failed sign-ins; try again in " + std::to_string(retry_after_s) + " s");
}

std::optional<SignInGuard> SignInGuard::enter(Hub& hub, const httplib::Request& req, httplib::Response& res,
                                              const std::string& account) {
  auto attempt = hub.sign_in_brake().begin(account, req.remote_addr);
  if (!attempt) {
    send_error(res, attempt.error());
    return std::nullopt;
  }
  if (attempt->refused()) {
    send_too_many_attempts(res, attempt->retry_after_s());
    return std::nullopt;
  }
  return SignInGuard(std::move(*attempt));
}

std::optional<SignInGuard> SignInGuard::enter_device(Hub& hub, const httplib::Request& req, httplib::Response& res,
                                                     const std::string& device_id) {
  std::string worker;
  {
    auto db = hub.pool().lease();
    if (!db) {
      send_error(res, db.error());
      return std::nullopt;
    }
    auto found = account_of_device(**db, device_id);
    if (!found) {
      send_error(res, found.error());
      return std::nullopt;
    }
    worker = *found;
  }
  return enter(hub, req, res, worker);
}

void SignInGuard::refuse(httplib::Response& res, const Error& e) {
  if (e.code == ErrorCode::unauthorised) {
    // Not counted is better than not answering: the failure is logged, the 401 stands.
    if (auto counted = attempt_.failed(); !counted) log_internal_error(counted.error());
    if (attempt_.refused()) return send_too_many_attempts(res, attempt_.retry_after_s());
  }
  send_error(res, e);
}

void SignInGuard::succeeded() {
  if (auto cleared = attempt_.succeeded(); !cleared) log_internal_error(cleared.error());
}

}  // namespace doorstep::server::http
