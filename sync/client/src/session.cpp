#include "session.h"

#include <chrono>
#include <thread>

namespace doorstep::client {

Error response_error(const HttpResponse& r, bool* wipe, bool* retire) {
  std::string message;
  std::string code;
  auto j = protocol::parse_json_text(r.body, 64 * 1024);
  if (j) {
    auto body = protocol::parse_error_body(*j);
    if (body) {
      message = body->message;
      code = body->code;
      // A retired device must push what it holds before it erases: "retire" wins
      // over the "wipe" the hub sends beside it for older devices.
      if (body->retire || code == "retired") {
        if (retire) *retire = true;
      } else if (body->wipe && wipe) {
        *wipe = true;
      }
    }
  }
  auto error = [&](ErrorCode ec, const char* fallback = nullptr) {
    if (message.empty()) message = fallback ? fallback : "the server answered " + std::to_string(r.status);
    return make_error(ErrorDomain::sync, ec, message);
  };
  if (r.status == 403 && code == "password_change_required")
    return error(ErrorCode::password_change_required, "the office reset this password; choose a new one");
  if (r.status == 403 && code == "account_disabled")
    return error(ErrorCode::account_disabled, "this account is disabled; ask your council's IT");
  if (r.status == 429) return error(ErrorCode::too_many_attempts, "too many failed attempts; try again later");
  ErrorCode ec = ErrorCode::invalid_argument;
  if (r.status == 401 || r.status == 403) ec = ErrorCode::unauthorised;
  else if (r.status == 404) ec = ErrorCode::not_found;
  else if (r.status == 409) ec = ErrorCode::conflict;
  else if (r.status == 410) ec = ErrorCode::erased;
  else if (r.status == 413) ec = ErrorCode::too_large;
  else if (r.status >= 500 || r.status == 0) ec = ErrorCode::unavailable;
  return error(ec);
}

void Session::observe_server_clock(const std::string& hlc) {
  auto h = Hlc::decode(hlc);
  if (h) store_.hlc_clock().observe(*h);
}

Status Session::refresh() {
  auto device = store_.device_id();
  auto token = store_.meta("refresh_token");
  if (!token) return token.error();
  if (!*token)
    return make_error(ErrorDomain::sync, ErrorCode::unauthorised,
                      "this store is not enrolled with a server (doorstep init --server URL)");
  HttpRequest req{"POST", "/v1/token", protocol::dump(protocol::to_json(protocol::TokenRequest{device, **token})),
                  {{"Content-Type", "application/json"}}};
  auto r = transport_.send(req);
  // No answer: the hub may have replaced the credential all the same, and it honours
  // the one sent only for a short while after; ask again now, not at the next pass.
  for (int again = 1; !r && r.error().code == ErrorCode::unavailable && again <= 2; ++again) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1000 * again));
    r = transport_.send(req);
  }
  if (!r) return r.error();
  if (r->status != 200) return response_error(*r, &wipe_, &retire_);
  auto j = protocol::parse_json_text(r->body, 64 * 1024);
  if (!j) return j.error();
  auto t = protocol::parse_token_response(*j);
  if (!t) return t.error();
  if (!t->refresh_token.empty() && t->refresh_token != **token) {
    // The credential just sent no longer works: keep the new one before anything uses
    // the new access token. If this write fails the new token is not used either; the
    // hub honours the previous credential once more shortly after (a lost answer).
    DOORSTEP_TRY(store_.write([&](Writer& w) { return w.set_meta("refresh_token", t->refresh_token); }));
  }
  access_token_ = t->access_token;
  if (t->retire) retire_ = true;
  observe_server_clock(t->server_hlc);
  return {};
}

Result<HttpResponse> Session::call(HttpRequest request, HttpResponse* refused) {
  if (access_token_.empty()) DOORSTEP_TRY(refresh());
  for (int attempt = 0; attempt < 2; ++attempt) {
    HttpRequest req = request;
    req.headers.emplace_back("Authorization", "Bearer " + access_token_);
    auto r = transport_.send(req);
    if (!r) return r.error();
    if (r->status >= 200 && r->status < 300) return r;
    if (r->status == 401 && attempt == 0) {  // expired: refresh once and retry
      DOORSTEP_TRY(refresh());
      continue;
    }
    if (r->status == 409) {
      auto j = protocol::parse_json_text(r->body, 64 * 1024);
      auto body = j ? protocol::parse_error_body(*j) : Result<protocol::ErrorBody>(j.error());
      if (body && body->code == "restored" && !body->epoch.empty())
        restored_ = Restored{body->epoch, body->epoch_base};
    }
    if (refused) *refused = *r;
    return response_error(*r, &wipe_, &retire_);
  }
  return make_error(ErrorDomain::sync, ErrorCode::unauthorised, "the server refused this device's credentials");
}

Result<HttpResponse> Session::send_once(const HttpRequest& request) const {
  HttpRequest req = request;
  req.headers.emplace_back("Authorization", "Bearer " + access_token_);
  return transport_.send(req);
}

Result<nlohmann::json> Session::call_json(HttpRequest request) {
  auto r = call(std::move(request));
  if (!r) return r.error();
  return protocol::parse_json_text(r->body, protocol::kMaxResponseBytes);
}

}  // namespace doorstep::client
