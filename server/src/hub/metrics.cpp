#include "hub/metrics.h"

#include <sstream>
#include <tuple>

namespace doorstep::server {

namespace {

// Label values are route patterns and fixed words; escape anyway.
std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void Metrics::count_request(const std::string& method, const std::string& route, int status, double ms) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[RequestKey{method, route, status}];
  request_ms_[route] += ms;
}

void Metrics::count_push_operation(const std::string& outcome, std::int64_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  push_ops_[outcome] += n;
}

void Metrics::count_changes_entries(std::int64_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  changes_entries_ += n;
}

void Metrics::count_blob_bytes(const std::string& direction, std::int64_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  blob_bytes_[direction] += n;
}

std::string Metrics::render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::ostringstream o;
  o << "# HELP doorstep_backend_info The storage backend this hub runs on.\n"
    << "# TYPE doorstep_backend_info gauge\n"
    << "doorstep_backend_info{backend=\"" << esc(backend_) << "\"} 1\n";
  o << "# HELP doorstep_http_requests_total HTTP requests by route pattern and status.\n"
    << "# TYPE doorstep_http_requests_total counter\n";
  for (const auto& [k, n] : requests_)
    o << "doorstep_http_requests_total{method=\"" << esc(k.method) << "\",route=\"" << esc(k.route)
      << "\",status=\"" << k.status << "\"} " << n << "\n";
  o << "# HELP doorstep_http_request_milliseconds_total Time spent serving requests, by route pattern.\n"
    << "# TYPE doorstep_http_request_milliseconds_total counter\n";
  for (const auto& [route, ms] : request_ms_)
    o << "doorstep_http_request_milliseconds_total{route=\"" << esc(route) << "\"} " << ms << "\n";
  o << "# HELP doorstep_push_operations_total Pushed operations by outcome (replays included).\n"
    << "# TYPE doorstep_push_operations_total counter\n";
  for (const char* outcome : {"applied", "merged", "conflict", "rejected", "replayed"}) {
    auto it = push_ops_.find(outcome);
    o << "doorstep_push_operations_total{outcome=\"" << outcome << "\"} " << (it == push_ops_.end() ? 0 : it->second)
      << "\n";
  }
  o << "# HELP doorstep_changes_entries_total Entries served by the changes feed.\n"
    << "# TYPE doorstep_changes_entries_total counter\n"
    << "doorstep_changes_entries_total " << changes_entries_ << "\n";
  o << "# HELP doorstep_blob_bytes_total Attachment bytes received and sent.\n"
    << "# TYPE doorstep_blob_bytes_total counter\n";
  for (const char* dir : {"received", "sent"}) {
    auto it = blob_bytes_.find(dir);
    o << "doorstep_blob_bytes_total{direction=\"" << dir << "\"} " << (it == blob_bytes_.end() ? 0 : it->second)
      << "\n";
  }
  return o.str();
}

}  // namespace doorstep::server
