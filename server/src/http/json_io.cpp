#include "http/json_io.h"

#include <iostream>

#include "doorstep/protocol/messages.h"
#include "http/request_log.h"

namespace doorstep::server::http {

using nlohmann::json;

namespace {

constexpr int kMaxJsonDepth = 32;  // the deepest message is 5 levels; room for office data

// Arrays and objects nested deeper than max (outside strings).
bool too_deep(const std::string& text, int max) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > max) return true;
    } else if (c == ']' || c == '}') --depth;
  }
  return false;
}

}  // namespace

Result<json> parse_body(const httplib::Request& req) {
  if (too_deep(req.body, kMaxJsonDepth))
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "the JSON is nested too deeply");
  auto j = protocol::parse_json_text(req.body, protocol::kMaxRequestBytes);
  if (!j) {
    Error e = j.error();
    if (e.code != ErrorCode::too_large) e.code = ErrorCode::invalid_argument;
    return e;
  }
  return j;
}

std::optional<json> read_object(const httplib::Request& req, httplib::Response& res) {
  auto j = parse_body(req);
  if (!j) {
    send_error(res, j.error());
    return std::nullopt;
  }
  if (!j->is_object()) {
    send_error(res, 400, "invalid_argument", "the body must be a JSON object");
    return std::nullopt;
  }
  return *j;
}

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(protocol::dump(body), "application/json");
}

void send_json_text(httplib::Response& res, int status, std::string body) {
  res.status = status;
  res.body = std::move(body);
  res.set_header("Content-Type", "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& code, const std::string& message, bool wipe) {
  protocol::ErrorBody b{code, message, wipe};
  send_json(res, status, protocol::to_json(b));
}

void send_error(httplib::Response& res, const Error& e) {
  switch (e.code) {
    case ErrorCode::invalid_argument: return send_error(res, 400, "invalid_argument", e.message);
    case ErrorCode::unauthorised: return send_error(res, 401, "unauthorised", e.message);
    case ErrorCode::invalid_transition: return send_error(res, 403, "forbidden", e.message);
    case ErrorCode::account_disabled: return send_error(res, 403, "account_disabled", e.message);
    case ErrorCode::password_change_required: return send_error(res, 403, "password_change_required", e.message);
    case ErrorCode::too_many_attempts: return send_error(res, 429, "too_many_attempts", e.message);
    case ErrorCode::not_found: return send_error(res, 404, "not_found", e.message);
    case ErrorCode::already_exists: return send_error(res, 409, "already_exists", e.message);
    case ErrorCode::conflict: return send_error(res, 409, "conflict", e.message);
    case ErrorCode::erased: return send_error(res, 410, "revoked", e.message, true);
    case ErrorCode::too_large: return send_error(res, 413, "too_large", e.message);
    case ErrorCode::unavailable: return send_error(res, 503, "unavailable", "the server is busy; try again shortly");
    case ErrorCode::corrupt:
      if (e.domain == ErrorDomain::input) return send_error(res, 422, "corrupt", e.message);
      break;
    default: break;
  }
  log_internal_error(e);
  send_error(res, 500, "internal", "the server could not complete the request");
}

Result<std::string> optional_text(const json& j, const char* key, std::size_t max) {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) return std::string();
  if (!j[key].is_string())
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument, std::string("\"") + key + "\" must be text");
  std::string s = j[key].get<std::string>();
  if (s.size() > max)
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument, std::string("\"") + key + "\" is too long");
  return s;
}

Result<std::string> required_text(const json& j, const char* key, std::size_t max) {
  if (!j.is_object())
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "the body must be a JSON object");
  auto s = optional_text(j, key, max);
  if (!s) return s;
  if (s->empty())
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument, std::string("missing \"") + key + "\"");
  return s;
}

}  // namespace doorstep::server::http
