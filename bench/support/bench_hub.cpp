#include "bench_hub.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <iostream>
#include <thread>

namespace doorstep::bench {

void die(const std::string& why) {
  std::cerr << "benchmark failed: " << why << "\n";
  std::exit(1);
}

static int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

BenchHub::BenchHub(const std::string& server_binary, const std::filesystem::path& data, const std::string& database,
                   const std::vector<std::string>& extra_args) {
  const int port = free_port();
  url_ = "http://127.0.0.1:" + std::to_string(port);
  // Made before fork(): the child only calls what is safe after it in a threaded process.
  std::vector<std::string> args = {server_binary, "--data", data.string(), "--listen",
                                   "127.0.0.1:" + std::to_string(port)};
  if (!database.empty()) {
    // Instances of one hub share one token key file: beside their data directories.
    args.insert(args.end(), {"--database", database, "--token-key-file", (data.parent_path() / "token.keys").string()});
  }
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out[2];
  if (::pipe(out) != 0) die("pipe");
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, STDERR_FILENO);  // request logs would distort nothing but clutter
    ::close(out[0]);
    ::close(out[1]);
    ::setenv("DOORSTEP_OFFICE_PASSWORD", kBenchOfficePassword, 1);
    ::execv(server_binary.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  std::string seen;
  char buf[512];
  while (seen.find("listening") == std::string::npos) {
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) die("doorstep-server did not start: " + seen);
    seen.append(buf, static_cast<std::size_t>(n));
  }
  int fd = out[0];
  std::thread([fd] {
    char b[4096];
    while (::read(fd, b, sizeof b) > 0) {
    }
    ::close(fd);
  }).detach();
  auto t = client::CurlTransport::create(url_);
  if (!t) die(t.error().describe());
  transport_ = std::move(*t);
}

BenchHub::~BenchHub() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
}

nlohmann::json BenchHub::office(const std::string& method, const std::string& path, const nlohmann::json& body) {
  if (token_.empty()) {
    auto r = transport_->send({"POST", "/v1/office/login",
                               nlohmann::json{{"username", "office"}, {"password", kBenchOfficePassword}}.dump(),
                               {{"Content-Type", "application/json"}}});
    if (!r || r->status != 200) die("office login failed");
    token_ = nlohmann::json::parse(r->body)["access_token"].get<std::string>();
  }
  auto r = transport_->send({method, path, body.is_null() ? "" : body.dump(),
                             {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token_}}});
  if (!r) die(r.error().describe());
  if (r->status >= 300) die(method + " " + path + " -> " + std::to_string(r->status) + " " + r->body.substr(0, 200));
  auto j = nlohmann::json::parse(r->body, nullptr, false);
  return j.is_discarded() ? nlohmann::json(r->body) : j;
}

double BenchHub::cpu_seconds() const {
  std::ifstream f("/proc/" + std::to_string(pid_) + "/stat");
  std::string line;
  std::getline(f, line);
  const auto close = line.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return 0;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i)  // fields 14 and 15: utime, stime
    if (i >= 14) ticks += std::stod(field);
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double own_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

double median(std::vector<double> v) { return percentile(std::move(v), 0.5); }

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t i = std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5));
  return v[i];
}

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

}  // namespace doorstep::bench
