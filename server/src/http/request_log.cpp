#include "http/request_log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

#include <nlohmann/json.hpp>

#include "doorstep/core/clock.h"

namespace doorstep::server::http {

namespace {

std::mutex mu;
std::atomic<bool> enabled{true};

void line(const nlohmann::json& j) {
  const std::string text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard<std::mutex> lock(mu);
  std::fprintf(stderr, "%s\n", text.c_str());
  std::fflush(stderr);
}

}  // namespace

void set_request_log_enabled(bool on) { enabled = on; }

void log_request(const std::string& method, const std::string& route, int status, double ms) {
  if (!enabled) return;
  line({{"at", format_timestamp(SystemClock::instance().now_ms())},
        {"method", method},
        {"route", route},
        {"status", status},
        {"ms", static_cast<double>(static_cast<long long>(ms * 10)) / 10}});
}

void log_internal_error(const Error& e) {
  line({{"at", format_timestamp(SystemClock::instance().now_ms())}, {"level", "error"}, {"error", e.describe()}});
}

void log_event(const std::string& what) {
  line({{"at", format_timestamp(SystemClock::instance().now_ms())}, {"event", what}});
}

}  // namespace doorstep::server::http
