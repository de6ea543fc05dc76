#include "hub.h"

#include <algorithm>

#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

namespace doorstep::e2e {

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

Hub::Hub(Options options) : options_(std::move(options)) {
  port_ = free_port();
  const bool tls = !options_.tls_cert.empty();
  url_ = std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
  start();
}

Hub::~Hub() { stop(); }

void Hub::start() {
  int out[2];
  REQUIRE(::pipe(out) == 0);
  pid_ = ::fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    // A test that dies without stopping its server takes the server with it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    ::setenv("DOORSTEP_OFFICE_PASSWORD", kOfficePassword, 1);
    ::setenv("DOORSTEP_DEMO_PASSWORD", kWorkerPassword, 1);
    std::vector<std::string> args{DOORSTEP_SERVER, "--data", dir_.path().string(), "--listen",
                                  "127.0.0.1:" + std::to_string(port_)};
    if (options_.demo) args.push_back("--demo");
    if (!options_.tls_cert.empty()) {
      args.insert(args.end(), {"--tls-cert", options_.tls_cert, "--tls-key", options_.tls_key});
    }
    if (!options_.access_ttl.empty()) args.insert(args.end(), {"--access-ttl", options_.access_ttl});
    if (!options_.database.empty()) {
      // Instances on one database are one hub: they share one token key file (one per
      // test process, so every instance this test starts signs and verifies alike).
      const std::string keys =
          (std::filesystem::temp_directory_path() / ("doorstep-e2e-" + std::to_string(::getppid()) + ".keys")).string();
      args.insert(args.end(), {"--database", options_.database, "--token-key-file", keys});
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(DOORSTEP_SERVER, argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  // Wait for "listening" on stdout (the server prints it once ready), at most 20 s.
  std::string seen;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  char buf[512];
  while (seen.find("listening") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    seen.append(buf, static_cast<std::size_t>(n));
  }
  // Keep draining stdout in the background so the server never blocks on a full pipe.
  int fd = out[0];
  std::thread([fd] {
    char b[4096];
    while (::read(fd, b, sizeof b) > 0) {
    }
    ::close(fd);
  }).detach();
  INFO("server output: " << seen);
  REQUIRE(seen.find("listening") != std::string::npos);
  client::TransportOptions o;
  o.ca_file = options_.ca_file;
  auto t = client::CurlTransport::create(url_, o);
  REQUIRE(t.ok());
  transport_ = std::move(*t);
  office_token_.clear();
}

void Hub::stop() {
  if (pid_ <= 0) return;
  transport_.reset();  // close the office connection, or the server waits out its keep-alive
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void Hub::restart() {
  stop();
  start();
}

Hub::CommandResult Hub::command(const std::vector<std::string>& args) {
  int out[2];
  REQUIRE(::pipe(out) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(out[1], STDERR_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    std::vector<std::string> all{DOORSTEP_SERVER, "--data", dir_.path().string()};
    if (!options_.database.empty()) all.insert(all.end(), {"--database", options_.database});
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(DOORSTEP_SERVER, argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  CommandResult r;
  std::thread reader([&] {
    char buf[4096];
    for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;) r.output.append(buf, static_cast<std::size_t>(n));
  });
  int status = 0;
  bool done = false;
  for (int i = 0; i < 1200 && !done; ++i) {
    if (::waitpid(pid, &status, WNOHANG) == pid) done = true;
    else std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!done) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  reader.join();
  ::close(out[0]);
  r.status = done && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

client::HttpResponse Hub::raw(const std::string& method, const std::string& path, const std::string& body,
                              const std::string& token, std::vector<std::pair<std::string, std::string>> headers) {
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  const bool typed = std::any_of(headers.begin(), headers.end(), [](const auto& h) { return h.first == "Content-Type"; });
  if (!body.empty() && !typed) headers.emplace_back("Content-Type", "application/json");
  auto r = transport_->send({method, path, body, headers});
  INFO((r.ok() ? std::string() : r.error().describe()));
  REQUIRE(r.ok());
  return *r;
}

nlohmann::json Hub::office(const std::string& method, const std::string& path, const nlohmann::json& body,
                           int expect_status) {
  if (office_token_.empty()) {
    auto r = raw("POST", "/v1/office/login", nlohmann::json{{"username", "office"}, {"password", kOfficePassword}}.dump());
    INFO(r.body);
    REQUIRE(r.status == 200);
    office_token_ = nlohmann::json::parse(r.body)["access_token"].get<std::string>();
  }
  auto r = raw(method, path, body.is_null() ? "" : body.dump(), office_token_);
  INFO(method << " " << path << " -> " << r.status << " " << r.body);
  REQUIRE(r.status == expect_status);
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  return j.is_discarded() ? nlohmann::json(r.body) : j;
}

void Hub::add_worker(const std::string& name, const std::string& team) {
  office("POST", "/v1/office/accounts",
         {{"username", name}, {"password", kWorkerPassword}, {"team", team}, {"role", "worker"}});
}

void Hub::add_case(const std::string& person_id, const std::string& person_name, const std::string& case_id,
                   const std::string& worker) {
  office("POST", "/v1/office/people", {{"id", person_id}, {"fields", {{"name", person_name}, {"markers", {"dog at property"}}}}});
  office("POST", "/v1/office/cases",
         {{"id", case_id},
          {"fields", {{"person_id", person_id}, {"kind", "children"}, {"status", "open"}, {"worker", worker}, {"team", "children-south"}, {"visit_interval_days", 10}}}});
}

void Hub::add_visit(const std::string& visit_id, const std::string& case_id, const std::string& start) {
  office("POST", "/v1/office/visits",
         {{"id", visit_id}, {"fields", {{"case_id", case_id}, {"planned_start", start}, {"status", "planned"}, {"purpose", "statutory visit"}}}});
}

Device::Device(Hub& hub, const std::string& worker, const Clock* clock, const std::string& ca_file) : hub_(hub) {
  options_ = test::fast_options(clock);
  auto s = Store::create(store_dir(), worker, SecretString(std::string(test::kPin)), options_);
  INFO((s.ok() ? std::string() : s.error().describe()));
  REQUIRE(s.ok());
  store_ = std::move(*s);
  client::TransportOptions o;
  o.ca_file = ca_file;
  auto t = client::CurlTransport::create(hub.url(), o);
  REQUIRE(t.ok());
  transport_ = std::move(*t);
  auto st = client::enrol(*store_, *transport_, hub.url(), SecretString(std::string(kWorkerPassword)), worker + "'s tablet");
  INFO((st.ok() ? std::string() : st.error().describe()));
  REQUIRE(st.ok());
}

Result<client::SyncSummary> Device::sync() { return sync_through(*transport_); }

Result<client::SyncSummary> Device::sync_through(client::Transport& transport, client::SyncOptions options) {
  client::SyncEngine engine(*store_, transport, std::move(options));
  return engine.sync_once();
}

void Device::reopen() {
  store_.reset();
  auto s = Store::open(store_dir(), SecretString(std::string(test::kPin)), options_);
  INFO((s.ok() ? std::string() : s.error().describe()));
  REQUIRE(s.ok());
  store_ = std::move(*s);
}

}  // namespace doorstep::e2e
