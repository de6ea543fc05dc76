// The doorstep CLI against the real hub when the office has reset a password,
// disabled an account, retired a device or reported it lost: a clear message, the
// right exit code, and nothing the worker wrote lost on the way.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <thread>

#include "hub.h"

using namespace doorstep;
using namespace doorstep::e2e;

namespace {

struct Run {
  int code = -1;
  std::string out, err;
  nlohmann::json json() const {
    auto j = nlohmann::json::parse(out, nullptr, false);
    INFO("stdout: " << out << "\nstderr: " << err);
    REQUIRE_FALSE(j.is_discarded());
    return j;
  }
};

std::string drain(int fd) {
  std::string s;
  char buf[65536];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) s.append(buf, static_cast<std::size_t>(n));
  return s;
}

// Runs the CLI without a terminal (a missing secret fails rather than prompting),
// with DOORSTEP_PIN set, the given environment, and input on stdin.
Run cli(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
        const std::string& input = "") {
  signal(SIGPIPE, SIG_IGN);
  int in[2], out[2], err[2];
  REQUIRE(pipe(in) == 0);
  REQUIRE(pipe(out) == 0);
  REQUIRE(pipe(err) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) close(fd);
    setsid();
    setenv("DOORSTEP_PIN", test::kPin, 1);
    for (const auto& e : env) putenv(strdup(e.c_str()));
    std::vector<char*> argv{const_cast<char*>(DOORSTEP_CLI)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(DOORSTEP_CLI, argv.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  std::thread writer([&] {
    if (!input.empty()) (void)!::write(in[1], input.data(), input.size());
    close(in[1]);
  });
  std::string err_text;
  std::thread err_reader([&] { err_text = drain(err[0]); });
  Run r;
  r.out = drain(out[0]);
  err_reader.join();
  writer.join();
  r.err = err_text;
  close(out[0]);
  close(err[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

struct CliDevice {
  test::TempDir dir;
  std::vector<std::string> with(std::vector<std::string> rest) const {
    rest.insert(rest.begin(), {"--store", dir.path().string()});
    return rest;
  }
  bool has_store(const std::string& user) const { return Store::exists(dir.path() / "users" / user); }
};

std::string password_env(const std::string& p) { return "DOORSTEP_PASSWORD=" + p; }

// Enrols a CLI store for user; returns its device id.
std::string init(Hub& hub, const CliDevice& d, const std::string& user) {
  auto r = cli(d.with({"--json", "init", "--user", user, "--server", hub.url()}), {password_env(kWorkerPassword)});
  INFO(r.err);
  REQUIRE(r.code == 0);
  return r.json()["device_id"].get<std::string>();
}

}  // namespace

TEST_CASE("init asks for a new password when the office reset it, says why a weak one is refused, and enrols") {
  Hub hub;
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  const std::string one_time = hub.office("POST", "/v1/office/accounts/sam/reset-password")["password"];
  CliDevice d;

  // No new password to hand and no terminal: it says what is needed, leaves nothing.
  auto asked = cli(d.with({"init", "--user", "sam", "--server", hub.url()}), {password_env(one_time)});
  CHECK(asked.code == 1);
  CHECK_THAT(asked.err, Catch::Contains("reset your password"));
  CHECK_THAT(asked.err, Catch::Contains("DOORSTEP_NEW_PASSWORD"));
  CHECK_FALSE(d.has_store("sam"));

  auto weak = cli(d.with({"init", "--user", "sam", "--server", hub.url()}),
                  {password_env(one_time), "DOORSTEP_NEW_PASSWORD=short"});
  CHECK(weak.code == 1);
  CHECK_THAT(weak.err, Catch::Contains("reset your password"));
  CHECK_FALSE(d.has_store("sam"));

  auto ok = cli(d.with({"--json", "init", "--user", "sam", "--server", hub.url()}),
                {password_env(one_time), "DOORSTEP_NEW_PASSWORD=lantern-orchard-cobble-42"});
  INFO(ok.err);
  REQUIRE(ok.code == 0);
  CHECK(ok.json()["user"] == "sam");
  auto synced = cli(d.with({"--json", "sync"}));
  INFO(synced.err);
  REQUIRE(synced.code == 0);
  CHECK(synced.json()["pulled"].get<int>() > 0);

  // The chosen password is the account's password now.
  CliDevice other;
  auto again = cli(other.with({"init", "--user", "sam", "--server", hub.url()}),
                   {password_env("lantern-orchard-cobble-42")});
  INFO(again.err);
  CHECK(again.code == 0);
}

TEST_CASE("init for a disabled account fails with one clear line") {
  Hub hub;
  hub.add_worker("sam");
  hub.office("POST", "/v1/office/accounts/sam/disable");
  CliDevice d;
  auto r = cli(d.with({"init", "--user", "sam", "--server", hub.url()}), {password_env(kWorkerPassword)});
  CHECK(r.code == 1);
  CHECK(r.out.empty());
  CHECK(r.err.rfind("doorstep: this account is disabled", 0) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK_FALSE(d.has_store("sam"));
  auto j = cli(d.with({"--json", "init", "--user", "sam", "--server", hub.url()}), {password_env(kWorkerPassword)});
  CHECK(j.code == 1);
  CHECK(j.json()["error"]["code"] == "account_disabled");
}

TEST_CASE("sync on a retired device sends the waiting note, erases the store and says both") {
  Hub hub;
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  CliDevice d;
  const std::string device = init(hub, d, "sam");
  REQUIRE(cli(d.with({"sync"})).code == 0);
  REQUIRE(cli(d.with({"note", "add", "--case", "c1"}), {}, "Phoned the school about attendance.\n").code == 0);
  hub.office("POST", "/v1/office/devices/" + device + "/retire");

  auto r = cli(d.with({"sync"}));
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("The office retired this device. Sent 1 change"));
  CHECK_THAT(r.out, Catch::Contains("erased its store at the office's request"));
  CHECK_FALSE(d.has_store("sam"));
  auto after = cli(d.with({"sync"}));
  CHECK(after.code != 0);  // nothing left to sync
}

TEST_CASE("sync --json on a lost device says it was erased, with what was never sent") {
  Hub hub;
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  CliDevice d;
  const std::string device = init(hub, d, "sam");
  REQUIRE(cli(d.with({"sync"})).code == 0);
  REQUIRE(cli(d.with({"note", "add", "--case", "c1"}), {}, "Never sent.\n").code == 0);
  hub.office("POST", "/v1/office/devices/" + device + "/lost");

  auto r = cli(d.with({"--json", "sync"}));
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto j = r.json();
  CHECK(j["wiped"] == true);
  CHECK(j["retired"] == false);
  CHECK(j["unsent_erased"] == 1);
  CHECK(j["pushed"] == 0);
  CHECK(j.contains("receipt_sent"));
  CHECK_FALSE(d.has_store("sam"));
}

TEST_CASE("sync on a lost device says so in words") {
  Hub hub;
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  CliDevice d;
  const std::string device = init(hub, d, "sam");
  REQUIRE(cli(d.with({"sync"})).code == 0);
  hub.office("POST", "/v1/office/devices/" + device + "/lost");
  auto r = cli(d.with({"sync"}));
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("The office reported this device lost: its store has been erased"));
  CHECK_FALSE(d.has_store("sam"));
}
