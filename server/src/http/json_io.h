// JSON in and out of HTTP: body parsing with the protocol's limits, responses,
// and the one mapping from doorstep::Error to an HTTP status and ErrorBody.
// Stateless: thread-safe.
#pragma once

#include <optional>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "doorstep/core/result.h"

namespace doorstep::server::http {

// Parses the request body as one JSON value (protocol::parse_json_text): a
// malformed, truncated or empty body is invalid_argument naming why.
Result<nlohmann::json> parse_body(const httplib::Request& req);

// parse_body() for a body that must be one JSON object; on failure writes the 400 (or
// 413) itself and returns nullopt.
std::optional<nlohmann::json> read_object(const httplib::Request& req, httplib::Response& res);

void send_json(httplib::Response& res, int status, const nlohmann::json& body);
// A body already written as JSON text (the changes feed, hub/changes_text.h).
void send_json_text(httplib::Response& res, int status, std::string body);
// {"error": code, "message": message[, "wipe": true]}
void send_error(httplib::Response& res, int status, const std::string& code, const std::string& message,
                bool wipe = false);
// Error -> status: invalid_argument 400, unauthorised 401, invalid_transition 403
// (forbidden), account_disabled and password_change_required 403 (under their own
// codes), not_found 404, already_exists/conflict 409, erased 410 (revoked, wipe),
// too_large 413, input/corrupt 422, too_many_attempts 429, unavailable 503, anything
// else 500 (the detail goes to the log, not to the caller).
void send_error(httplib::Response& res, const Error& e);

// An optional string member of an object: "" when absent or null; invalid_argument
// when present with another type or longer than max.
Result<std::string> optional_text(const nlohmann::json& j, const char* key, std::size_t max = 4096);
Result<std::string> required_text(const nlohmann::json& j, const char* key, std::size_t max = 4096);

}  // namespace doorstep::server::http
