// The doorstep-server binary as an operator runs it: first start, the listening
// line, --demo, HTTPS, SIGTERM. On PostgreSQL ("server-pg/…") every start also gets
// --database with a fresh database per test.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstream>

#include <chrono>
#include <cstdlib>
#include <httplib.h>
#include <thread>

#include <nlohmann/json.hpp>

#include "pg_test_database.h"
#include "temp_store.h"

namespace {

// The backend under test: nothing to add for SQLite, --database URL for PostgreSQL.
struct Backend {
  std::unique_ptr<doorstep::test::PgTestDatabase> pg;
  Backend() {
    if (auto base = doorstep::test::postgres_base_url()) pg = std::make_unique<doorstep::test::PgTestDatabase>(*base);
  }
  std::string name() const { return pg ? "postgresql" : "sqlite"; }
  std::vector<std::string> args(std::vector<std::string> a) const {
    if (pg) a.insert(a.end(), {"--database", pg->url()});
    return a;
  }
};

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
      // A test that dies without stopping its server takes the server with it.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
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
  Backend backend;
  std::string password;
  {
    Running r(backend.args({"--data", (dir / "data").string(), "--listen", "127.0.0.1:0", "--concurrent-pulls", "3"}));
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
    CHECK(nlohmann::json::parse(h->body, nullptr, false).value("backend", "") == backend.name());
    auto m = c.Get("/metrics");
    REQUIRE(m);
    CHECK(m->body.find("doorstep_backend_info{backend=\"" + backend.name() + "\"} 1") != std::string::npos);
    CHECK(m->body.find("\ndoorstep_changes_page_slots 3\n") != std::string::npos);
    auto login = c.Post("/v1/office/login", "{\"username\":\"office\",\"password\":\"" + password + "\"}", "application/json");
    REQUIRE(login);
    CHECK(login->status == 200);
    CHECK(r.stop() == 0);
  }
  Running again(backend.args({"--data", (dir / "data").string(), "--listen", "127.0.0.1:0"}));
  INFO(again.stdout_text);
  REQUIRE(again.port > 0);
  CHECK(again.stdout_text.find("password") == std::string::npos);  // shown once only
  CHECK(again.stop() == 0);
}

TEST_CASE("the demo option seeds an empty data directory once and names the workers") {
  doorstep::test::TempDir dir;
  Backend backend;
  {
    Running r(backend.args({"--data", (dir / "data").string(), "--listen", "127.0.0.1:0", "--demo"}),
              {{"DOORSTEP_OFFICE_PASSWORD", "office-pass-123"}, {"DOORSTEP_DEMO_PASSWORD", "worker-pass-123"}});
    INFO(r.stdout_text);
    REQUIRE(r.port > 0);
    for (const char* w : {"sam", "priya", "joe", "ana"}) CHECK(r.stdout_text.find(std::string("demo worker: ") + w) != std::string::npos);
    // One account per office role, with its teams.
    for (const char* o : {"morgan (manager: children-south)", "fatima (manager: reablement-south wardens-central)",
                          "dev (monitor:", "alex (auditor)"})
      CHECK(r.stdout_text.find(std::string("demo office: ") + o) != std::string::npos);
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
  Running again(backend.args({"--data", (dir / "data").string(), "--listen", "127.0.0.1:0", "--demo"}));
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
  Backend backend;
  Running r(backend.args({"--data", (dir / "data").string(), "--listen", "127.0.0.1:0", "--tls-cert", cert.string(),
                          "--tls-key", key.string()}));
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
        std::vector<std::string>{"--data", (dir / "d3").string(), "--listen", "127.0.0.1:0", "--access-ttl", "0"},
        std::vector<std::string>{"--data", (dir / "d4").string(), "--listen", "127.0.0.1:0", "--concurrent-pulls", "-1"},
        std::vector<std::string>{"--data", (dir / "d5").string(), "--listen", "127.0.0.1:0", "--session-idle", "10"},
        std::vector<std::string>{"--data", (dir / "d6").string(), "--listen", "127.0.0.1:0", "--session-idle", "3600",
                                 "--session-max", "600"},
        std::vector<std::string>{"--data", (dir / "d7").string(), "--listen", "127.0.0.1:0", "--password-deny-list",
                                 (dir / "missing.txt").string()}}) {
    Running r(args);
    CHECK(r.port == 0);
    int status = 0;
    REQUIRE(::waitpid(r.pid, &status, 0) == r.pid);
    r.pid = -1;
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) != 0);
  }
}

TEST_CASE("backup copies a running SQLite hub into one file that a new data directory serves") {
  doorstep::test::TempDir dir;
  Backend backend;
  const auto data = dir / "data", copy = dir / "hub-backup.db";
  auto exit_of = [](Running& r) {
    int status = 0;
    REQUIRE(::waitpid(r.pid, &status, 0) == r.pid);
    r.pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  if (backend.pg) {
    // A PostgreSQL hub is backed up with pg_dump; the command says so and writes nothing.
    Running refused({"--data", data.string(), "--database", backend.pg->url(), "backup", copy.string()});
    CHECK(exit_of(refused) != 0);
    CHECK_FALSE(std::filesystem::exists(copy));
    return;
  }
  const std::vector<std::pair<std::string, std::string>> env{{"DOORSTEP_OFFICE_PASSWORD", "office-pass-123"}};
  auto login = [](httplib::Client& c) {
    auto r = c.Post("/v1/office/login", R"({"username":"office","password":"office-pass-123"})", "application/json");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return httplib::Headers{{"Authorization", "Bearer " + nlohmann::json::parse(r->body)["access_token"].get<std::string>()}};
  };
  auto add_person = [](httplib::Client& c, const httplib::Headers& h, const std::string& id) {
    auto r = c.Post("/v1/office/people", h, R"({"id":")" + id + R"(","fields":{"name":"Dana Whitfield"}})",
                    "application/json");
    REQUIRE(r);
    CHECK(r->status == 200);
  };
  {
    Running server({"--data", data.string(), "--listen", "127.0.0.1:0"}, env);
    REQUIRE(server.port > 0);
    httplib::Client c("127.0.0.1", server.port);
    const auto token = login(c);
    add_person(c, token, "p1");

    Running backup({"--data", data.string(), "backup", copy.string()});
    INFO(backup.stdout_text);
    CHECK(exit_of(backup) == 0);
    CHECK(backup.stdout_text.find("backup written") != std::string::npos);
    add_person(c, token, "p2");  // after the copy: not in it
    CHECK(server.stop() == 0);
  }
  REQUIRE(std::filesystem::exists(copy));
  CHECK((std::filesystem::status(copy).permissions() & std::filesystem::perms::group_all) == std::filesystem::perms::none);
  CHECK_FALSE(std::filesystem::exists(copy.string() + "-wal"));
  CHECK_FALSE(std::filesystem::exists(copy.string() + ".partial"));

  // Restore: a data directory with the same server.key and the copy as hub.db.
  const auto restored = dir / "restored";
  std::filesystem::create_directories(restored);
  std::filesystem::copy_file(data / "server.key", restored / "server.key");
  std::filesystem::copy_file(copy, restored / "hub.db");
  Running again({"--data", restored.string(), "--listen", "127.0.0.1:0"});
  INFO(again.stdout_text);
  REQUIRE(again.port > 0);
  CHECK(again.stdout_text.find("password") == std::string::npos);  // the office account came with the copy
  httplib::Client c("127.0.0.1", again.port);
  const auto token = login(c);
  auto p1 = c.Get("/v1/office/people/p1", token);
  REQUIRE(p1);
  CHECK(p1->status == 200);
  auto p2 = c.Get("/v1/office/people/p2", token);
  REQUIRE(p2);
  CHECK(p2->status == 404);
  CHECK(again.stop() == 0);

  // A backup never overwrites a file.
  Running twice({"--data", data.string(), "backup", copy.string()});
  CHECK(exit_of(twice) != 0);
}

TEST_CASE("rotate-token-key adds a key a running hub takes at once, and --retire-old keeps only the newest") {
  doorstep::test::TempDir dir;
  const auto data = dir / "data";
  auto exit_of = [](Running& r) {
    int status = 0;
    REQUIRE(::waitpid(r.pid, &status, 0) == r.pid);
    r.pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  auto key_lines = [&] {
    std::ifstream in(data / "token.keys");
    int n = 0;
    for (std::string l; std::getline(in, l);) n += !l.empty();
    return n;
  };
  Running server({"--data", data.string(), "--listen", "127.0.0.1:0"}, {{"DOORSTEP_OFFICE_PASSWORD", "office-pass-123"}});
  REQUIRE(server.port > 0);
  httplib::Client c("127.0.0.1", server.port);
  auto login = c.Post("/v1/office/login", R"({"username":"office","password":"office-pass-123"})", "application/json");
  REQUIRE(login);
  REQUIRE(login->status == 200);
  const std::string before = nlohmann::json::parse(login->body)["access_token"];
  CHECK(key_lines() == 1);

  Running rotate({"--data", data.string(), "rotate-token-key"});
  INFO(rotate.stdout_text);
  CHECK(exit_of(rotate) == 0);
  CHECK(key_lines() == 2);
  // The session signed with the old key goes on working: nobody is signed out.
  auto still = c.Get("/v1/office/devices", {{"Authorization", "Bearer " + before}});
  REQUIRE(still);
  CHECK(still->status == 200);

  Running retire({"--data", data.string(), "rotate-token-key", "--retire-old"});
  CHECK(exit_of(retire) == 0);
  CHECK(key_lines() == 1);
  CHECK(server.stop() == 0);
  // A hub started on the retired file no longer takes the old key's tokens.
  Running after({"--data", data.string(), "--listen", "127.0.0.1:0"});
  REQUIRE(after.port > 0);
  httplib::Client c2("127.0.0.1", after.port);
  auto old = c2.Get("/v1/office/devices", {{"Authorization", "Bearer " + before}});
  REQUIRE(old);
  CHECK(old->status == 401);
}
