// Request log: one structured line per request on stderr (time, method, route
// pattern, status, milliseconds), and internal errors. Never bodies, paths with ids,
// query strings or case content. Thread-safe (one mutex around the stream).
#pragma once

#include <string>

#include "doorstep/core/result.h"

namespace doorstep::server::http {

void log_request(const std::string& method, const std::string& route, int status, double ms);
void log_internal_error(const Error& e);
void log_event(const std::string& what);

// Silences the request log (tests that make thousands of requests).
void set_request_log_enabled(bool on);

}  // namespace doorstep::server::http
