// Benchmark support: runs the real doorstep-server on a loopback port and talks to
// its office API. Failures print a reason and exit (benchmarks have no test runner).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "doorstep/client/curl_transport.h"

namespace doorstep::bench {

[[noreturn]] void die(const std::string& why);

class BenchHub {
 public:
  // database: empty = SQLite in data; else a postgresql:// URL (--database), which
  // several BenchHubs may share (each with its own data directory). extra_args go to
  // doorstep-server after the others (e.g. {"--sign-in-account-failures", "1000000"}).
  BenchHub(const std::string& server_binary, const std::filesystem::path& data, const std::string& database = "",
           const std::vector<std::string>& extra_args = {});
  ~BenchHub();
  const std::string& url() const { return url_; }
  pid_t pid() const { return pid_; }
  // CPU time (user + system) the hub process has used so far, in seconds.
  double cpu_seconds() const;
  nlohmann::json office(const std::string& method, const std::string& path, const nlohmann::json& body = nullptr);

 private:
  pid_t pid_ = -1;
  std::string url_;
  std::string token_;
  std::unique_ptr<client::CurlTransport> transport_;
};

inline const char* kBenchOfficePassword = "bench-office-password";
inline const char* kBenchWorkerPassword = "bench-worker-password";

double median(std::vector<double> v);
double percentile(std::vector<double> v, double p);
long peak_rss_kib();
// CPU time (user + system) of this process, all its threads, in seconds.
double own_cpu_seconds();

}  // namespace doorstep::bench
