// The doorstep-server binary as an operator runs it: first start, the listening
// line, --demo, HTTPS, SIGTERM.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <httplib.h>
#include <thread>

#include "temp_store.h"

namespace {

struct Running {
  pid_t pid = -1;
  int out = -1;
  std::string stdout_text;
  int port = 0;
  std::string scheme;

  Running(const std::vector<std::string>& args, const std::vector<std::pair<std::string, std::string>>& env = {}) {
    int p[2];
    REQUIRE(::pipe(p) == 0);
    pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::dup2(p[1], STDOUT_FILENO);
      ::close(p[0]);
      ::close(p[1]);
      ::unsetenv("DOORSTEP_OFFICE_PASSWORD");
      ::unsetenv("DOORSTEP_DEMO_PASSWORD");
      for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
      std::vector<std::string> all{DOORSTEP_SERVER};
      all.insert(all.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (auto& a : all) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(DOORSTEP_SERVER, argv.data());
      ::_exit(127);
    }
    ::close(p[1]);
    out = p[0];
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    char buf[512];
    while (stdout_text.find("listening on") == std::string::npos ||
           stdout_text.find('\n', stdout_text.find("listening on")) == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline) break;
      ssize_t n = ::read(out, buf, sizeof buf);
      if (n <= 0) break;
      stdout_text.append(buf, static_cast<std::size_t>(n));
    }
    const auto at = stdout_text.find("doorstep-server listening on ");
    if (at != std::string::npos) {
      const auto url = stdout_text.substr(at + 29, stdout_text.find('\n', at) - at - 29);
      scheme = url.substr(0, url.find(':'));
      port = std::stoi(url.substr(url.rfind(':') + 1));
    }
  }

  // SIGTERM; returns the exit status (or -1 if it had to be killed).
  int stop() {
    if (pid <= 0) return -1;
    ::kill(pid, SIGTERM);
    for (int i = 0; i < 200; ++i) {
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    pid = -1;
    return -1;
  }

  ~Running() {
    stop();
    if (out >= 0) ::close(out);
  }
};

}  // namespace

TEST_CASE("first start makes an office password, prints it once and says where it listens") {
  doorstep::test::TempDir dir;
  std::string password;
  {
    Running r({"--data", (dir / "data").string(), "--listen", "127.0.0.1:0"});
    INFO(r.stdout_text);
    REQUIRE(r.port > 0);
    CHECK(r.scheme == "http");
    const auto at = r.stdout_text.find("password ");
    REQUIRE(at != std::string::npos);
    password = r.stdout_text.substr(at + 9, r.stdout_text.find(' ', at + 9) - at - 9);
    CHECK(password.size() >= 12);

    httplib::Client c("127.0.0.1", r.port);
    auto h = c.Get("/healthz");
    REQUIRE(h);
    CHECK(h->status == 200);
    auto login = c.Post("/v1/office/login", "{\"username\":\"office\",\"password\":\"" + password + "\"}", "application/json");
    REQUIRE(login);
    CHECK(login->status == 200);
    CHECK(r.stop() == 0);
  }
  Running again({"--data", (dir / "data").string(), "--listen", "127.0.0.1:0"});
  INFO(again.stdout_text);
  REQUIRE(again.port > 0);
  CHECK(again.stdout_text.find("password") == std::string::npos);  // shown once only
  CHECK(again.stop() == 0);
}

TEST_CASE("the demo option seeds an empty data directory once and names the workers") {
  doorstep::test::TempDir dir;
  {
    Running r({"--data", (dir / "data").string(), "--listen", "127.0.0.1:0", "--demo"},
              {{"DOORSTEP_OFFICE_PASSWORD", "office-pass-123"}, {"DOORSTEP_DEMO_PASSWORD", "worker-pass-123"}});
    INFO(r.stdout_text);
    REQUIRE(r.port > 0);
    for (const char* w : {"sam", "priya", "joe", "ana"}) CHECK(r.stdout_text.find(std::string("demo worker: ") + w) != std::string::npos);
    CHECK(r.stdout_text.find("40 people") != std::string::npos);
    CHECK(r.stdout_text.find("worker-pass-123") == std::string::npos);  // a given password is not echoed
    httplib::Client c("127.0.0.1", r.port);
    auto enrol = c.Post("/v1/enrol",
                        R"({"username":"sam","password":"worker-pass-123","device_id":"dev-1","device_name":"t"})",
                        "application/json");
    REQUIRE(enrol);
    CHECK(enrol->status == 200);
    CHECK(r.stop() == 0);
  }
  Running again({"--data", (dir / "data").string(), "--listen", "127.0.0.1:0", "--demo"});
  INFO(again.stdout_text);
  CHECK(again.stdout_text.find("nothing seeded") != std::string::npos);
}

TEST_CASE("with a certificate and key the server speaks HTTPS only") {
  doorstep::test::TempDir dir;
  const auto key = dir / "key.pem", cert = dir / "cert.pem";
  const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1 -keyout " +
                          key.string() + " -out " + cert.string() + " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    WARN("openssl is not available; HTTPS not tested");
    return;
  }
  Running r({"--data", (dir / "data").string(), "--listen", "127.0.0.1:0", "--tls-cert", cert.string(), "--tls-key",
             key.string()});
  INFO(r.stdout_text);
  REQUIRE(r.port > 0);
  CHECK(r.scheme == "https");
  httplib::SSLClient tls("127.0.0.1", r.port);
  tls.set_ca_cert_path(cert.c_str());
  tls.enable_server_certificate_verification(true);
  auto h = tls.Get("/healthz");
  REQUIRE(h);
  CHECK(h->status == 200);
  httplib::Client plain("127.0.0.1", r.port);
  plain.set_read_timeout(3, 0);
  auto p = plain.Get("/healthz");
  CHECK((!p || p->status != 200));
  CHECK(r.stop() == 0);
}

TEST_CASE("bad arguments and unusable TLS files stop the server with a reason") {
  doorstep::test::TempDir dir;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--listen", "127.0.0.1:0"},
        std::vector<std::string>{"--data", (dir / "d1").string(), "--listen", "no-port"},
        std::vector<std::string>{"--data", (dir / "d2").string(), "--listen", "127.0.0.1:0", "--tls-cert",
                                 (dir / "missing.pem").string(), "--tls-key", (dir / "missing.key").string()},
        std::vector<std::string>{"--data", (dir / "d3").string(), "--listen", "127.0.0.1:0", "--access-ttl", "0"}}) {
    Running r(args);
    CHECK(r.port == 0);
    int status = 0;
    REQUIRE(::waitpid(r.pid, &status, 0) == r.pid);
    r.pid = -1;
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) != 0);
  }
}
