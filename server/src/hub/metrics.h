// Metrics: the hub's counters, rendered in the Prometheus text format for /metrics.
// Thread-safe (one mutex; counters are cheap).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>

namespace doorstep::server {

class Metrics {
 public:
  explicit Metrics(std::string backend) : backend_(std::move(backend)) {}

  // route: the route pattern ("/v1/sync/push"), never a path holding an id.
  void count_request(const std::string& method, const std::string& route, int status, double ms);
  void count_push_operation(const std::string& outcome, std::int64_t n = 1);
  void count_changes_entries(std::int64_t n);
  void count_blob_bytes(const std::string& direction, std::int64_t n);

  std::string render() const;

 private:
  struct RequestKey {
    std::string method, route;
    int status;
    friend bool operator<(const RequestKey& a, const RequestKey& b) {
      return std::tie(a.method, a.route, a.status) < std::tie(b.method, b.route, b.status);
    }
  };
  std::string backend_;
  mutable std::mutex mu_;
  std::map<RequestKey, std::int64_t> requests_;
  std::map<std::string, double> request_ms_;  // per route
  std::map<std::string, std::int64_t> push_ops_;
  std::int64_t changes_entries_ = 0;
  std::map<std::string, std::int64_t> blob_bytes_;
};

}  // namespace doorstep::server
