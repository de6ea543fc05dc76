// auth_flood: does a flood of wrong passwords slow a device that is syncing?
//
// The real doorstep-server on SQLite, with its production Argon2id cost. One worker
// with one case, and one device (LoadDevice: the real enrolment, changes feed and
// pushes) pushing one short case note every --interval-ms, steadily, on one
// keep-alive connection. Each round:
//   quiet  --quiet-s seconds of the device alone
//   flood  --logins wrong office sign-ins from --connections threads at once (each
//          its own keep-alive connection, taking the next sign-in in turn) while the
//          device keeps pushing
// and the push latencies of each phase are kept apart. Printed per round and as
// medians over --rounds: push p50/p99 quiet and during the flood, the p99 ratio (the
// target is 2x at most), the flood's sign-ins per second, their answers, and the
// hub's CPU seconds.
//
// The brake on guessing is set out of reach for the flood (--sign-in-account-failures
// and --sign-in-source-failures 1000000): at its defaults the hub would lock the
// account after 5 failures and 127.0.0.1 after 20, and answer the rest 429 without any
// Argon2id check, which measures the brake, not the pool. --brake-defaults keeps the
// defaults to show that case too. --password-checks N is passed on as
// --concurrent-password-checks (0: the hub's default, one per core but one; a large
// N, such as 64, is the hub without the bound, for comparison).
//
//   auth_flood [--rounds 5] [--logins 500] [--connections 50] [--interval-ms 20]
//              [--quiet-s 8] [--password-checks 0] [--brake-defaults]
//
// The last line starts "RESULT" with the medians as key=value.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench_hub.h"
#include "doorstep/client/curl_transport.h"
#include "load_device.h"

using namespace doorstep;
using namespace doorstep::bench;
using Steady = std::chrono::steady_clock;

namespace {

struct Options {
  int rounds = 5;
  int logins = 500;
  int connections = 50;
  int interval_ms = 20;
  double quiet_s = 8;
  int password_checks = 0;
  bool brake_defaults = false;
  std::string binary = DOORSTEP_SERVER;
};

struct Round {
  double quiet_p50 = 0, quiet_p99 = 0, flood_p50 = 0, flood_p99 = 0, ratio = 0;
  double flood_s = 0, logins_per_s = 0, login_p50 = 0, login_p99 = 0, hub_cpu_s = 0;
  std::size_t quiet_pushes = 0, flood_pushes = 0;
  std::map<int, int> answers;  // HTTP status -> count (0: no answer)
};

double ms_since(Steady::time_point t) { return std::chrono::duration<double, std::milli>(Steady::now() - t).count(); }

std::unique_ptr<client::CurlTransport> transport_to(const std::string& url) {
  client::TransportOptions o;
  o.timeout_s = 60;
  auto t = client::CurlTransport::create(url, o);
  if (!t) die(t.error().describe());
  return std::move(*t);
}

std::string loadavg() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

// The device's pusher: one note per tick, each latency filed under the phase it began in.
class Pusher {
 public:
  Pusher(LoadDevice& device, client::Transport& hub, int interval_ms)
      : device_(device), hub_(hub), interval_(interval_ms) {}

  void start() {
    thread_ = std::thread([this] { run(); });
  }
  void stop() {
    stop_ = true;
    thread_.join();
  }
  // 0: not kept, 1: quiet, 2: flood.
  void set_phase(int phase) { phase_ = phase; }
  std::vector<double> take(int phase) {
    std::lock_guard<std::mutex> g(mu_);
    auto out = std::move(kept_[phase]);
    kept_[phase].clear();
    return out;
  }
  const std::string& error() const { return error_; }

 private:
  void run() {
    auto next = Steady::now();
    while (!stop_) {
      const int phase = phase_;
      DeviceTimings t;
      auto pushed = device_.push(hub_, 1, 1, 0, t);
      if (!pushed) {
        error_ = pushed.error().describe();
        return;
      }
      if (phase != 0 && !t.push_ms.empty()) {
        std::lock_guard<std::mutex> g(mu_);
        kept_[phase].push_back(t.push_ms.back());
      }
      next += std::chrono::milliseconds(interval_);
      const auto now = Steady::now();
      if (next > now) std::this_thread::sleep_for(next - now);
      else next = now;  // a slow push: the next goes at once, not a burst to catch up
    }
  }

  LoadDevice& device_;
  client::Transport& hub_;
  const int interval_;
  std::atomic<bool> stop_{false};
  std::atomic<int> phase_{0};
  std::thread thread_;
  std::mutex mu_;
  std::map<int, std::vector<double>> kept_;
  std::string error_;
};

Round run_round(const Options& o, BenchHub& hub, Pusher& pusher) {
  Round r;
  pusher.set_phase(1);
  std::this_thread::sleep_for(std::chrono::duration<double>(o.quiet_s));
  pusher.set_phase(0);
  auto quiet = pusher.take(1);

  const std::string body = nlohmann::json{{"username", "office"}, {"password", "not-the-password"}}.dump();
  std::atomic<int> next{0};
  std::mutex mu;
  std::vector<double> login_ms;
  std::vector<std::thread> flood;
  const double cpu0 = hub.cpu_seconds();
  const auto t0 = Steady::now();
  pusher.set_phase(2);
  for (int c = 0; c < o.connections; ++c)
    flood.emplace_back([&] {
      auto t = transport_to(hub.url());
      std::vector<double> mine;
      std::map<int, int> answers;
      while (next.fetch_add(1) < o.logins) {
        const auto s = Steady::now();
        auto res = t->send({"POST", "/v1/office/login", body, {{"Content-Type", "application/json"}}});
        mine.push_back(ms_since(s));
        ++answers[res ? res->status : 0];
      }
      std::lock_guard<std::mutex> g(mu);
      login_ms.insert(login_ms.end(), mine.begin(), mine.end());
      for (const auto& [status, n] : answers) r.answers[status] += n;
    });
  for (auto& t : flood) t.join();
  r.flood_s = ms_since(t0) / 1000;
  pusher.set_phase(0);
  r.hub_cpu_s = hub.cpu_seconds() - cpu0;
  auto flooded = pusher.take(2);

  r.quiet_pushes = quiet.size();
  r.flood_pushes = flooded.size();
  r.quiet_p50 = percentile(quiet, 0.5);
  r.quiet_p99 = percentile(quiet, 0.99);
  r.flood_p50 = percentile(flooded, 0.5);
  r.flood_p99 = percentile(flooded, 0.99);
  r.ratio = r.quiet_p99 > 0 ? r.flood_p99 / r.quiet_p99 : 0;
  r.logins_per_s = static_cast<double>(o.logins) / r.flood_s;
  r.login_p50 = percentile(login_ms, 0.5);
  r.login_p99 = percentile(login_ms, 0.99);
  // Let the last sign-ins' writes settle before the next quiet phase.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  return r;
}

std::string answers_text(const std::map<int, int>& answers) {
  std::string out;
  for (const auto& [status, n] : answers)
    out += (out.empty() ? "" : ", ") + std::to_string(n) + " x " + (status == 0 ? "no answer" : std::to_string(status));
  return out;
}

void print_round(const char* label, const Round& r) {
  std::printf("%-8s push p50/p99 quiet %6.1f / %6.1f ms (%zu)   flood %6.1f / %6.1f ms (%zu)   p99 ratio %5.2fx   "
              "flood %.1f s, %.0f sign-ins/s, sign-in p50/p99 %.0f / %.0f ms, hub CPU %.1f s   [%s]\n",
              label, r.quiet_p50, r.quiet_p99, r.quiet_pushes, r.flood_p50, r.flood_p99, r.flood_pushes, r.ratio,
              r.flood_s, r.logins_per_s, r.login_p50, r.login_p99, r.hub_cpu_s, answers_text(r.answers).c_str());
  std::fflush(stdout);
}

int number(int argc, char** argv, int& i) {
  if (i + 1 >= argc) die(std::string(argv[i]) + " needs a value");
  return std::atoi(argv[++i]);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--rounds") o.rounds = number(argc, argv, i);
    else if (a == "--logins") o.logins = number(argc, argv, i);
    else if (a == "--connections") o.connections = number(argc, argv, i);
    else if (a == "--interval-ms") o.interval_ms = number(argc, argv, i);
    else if (a == "--quiet-s") o.quiet_s = number(argc, argv, i);
    else if (a == "--password-checks") o.password_checks = number(argc, argv, i);
    else if (a == "--brake-defaults") o.brake_defaults = true;
    else {
      std::fprintf(stderr,
                   "usage: auth_flood [--rounds N] [--logins N] [--connections N] [--interval-ms N] [--quiet-s N]\n"
                   "                  [--password-checks N] [--brake-defaults]\n");
      return 2;
    }
  }
  if (o.rounds < 1 || o.rounds > 50 || o.logins < 1 || o.logins > 100000 || o.connections < 1 ||
      o.connections > 500 || o.interval_ms < 1 || o.interval_ms > 10000 || o.quiet_s < 1 || o.quiet_s > 600 ||
      o.password_checks < 0 || o.password_checks > 1024)
    die("an option is out of range");

  char tmpl[] = "/tmp/doorstep-auth-flood.XXXXXX";
  if (!::mkdtemp(tmpl)) die("mkdtemp");
  const std::filesystem::path dir = tmpl;
  std::vector<std::string> args = {"--concurrent-password-checks", std::to_string(o.password_checks)};
  if (!o.brake_defaults)
    args.insert(args.end(), {"--sign-in-account-failures", "1000000", "--sign-in-source-failures", "1000000"});
  std::printf("auth_flood: %d rounds; %d wrong sign-ins from %d connections; one device pushing a note every %d ms; "
              "SQLite; password checks at once: %s; brake: %s\n",
              o.rounds, o.logins, o.connections, o.interval_ms,
              o.password_checks == 0 ? "the default (one per core but one)" : std::to_string(o.password_checks).c_str(),
              o.brake_defaults ? "defaults (5 per account, 20 per address)" : "out of reach (1000000)");
  std::printf("machine: %u cores, %s; load average at start %s\n", std::thread::hardware_concurrency(),
              cpu_model().c_str(), loadavg().c_str());
  std::fflush(stdout);

  std::vector<Round> rounds;
  {
    BenchHub hub(o.binary, dir / "data", "", args);
    hub.office("POST", "/v1/office/accounts",
               {{"username", "sam"}, {"password", kBenchWorkerPassword}, {"role", "worker"}, {"team", "children-south"}});
    hub.office("POST", "/v1/office/people", {{"id", "p-1"}, {"fields", {{"name", "Alex Example"}}}});
    hub.office("POST", "/v1/office/cases",
               {{"id", "c-1"},
                {"fields", {{"person_id", "p-1"}, {"kind", "children"}, {"worker", "sam"}, {"team", "children-south"}}}});
    auto device_hub = transport_to(hub.url());
    LoadDevice device("sam", kBenchWorkerPassword);
    DeviceTimings t;
    if (auto s = device.enrol(*device_hub, t); !s) die("enrol: " + s.error().describe());
    if (auto s = device.pull(*device_hub, t); !s) die("pull: " + s.error().describe());

    Pusher pusher(device, *device_hub, o.interval_ms);
    pusher.start();
    std::this_thread::sleep_for(std::chrono::seconds(1));  // warm: connection, statements, pages
    for (int i = 0; i < o.rounds; ++i) {
      rounds.push_back(run_round(o, hub, pusher));
      print_round(("round " + std::to_string(i + 1)).c_str(), rounds.back());
      if (!pusher.error().empty()) break;
    }
    pusher.stop();
    if (!pusher.error().empty()) die("the device's push failed: " + pusher.error());
  }
  std::filesystem::remove_all(dir);

  auto med = [&](auto field) {
    std::vector<double> v;
    for (const auto& r : rounds) v.push_back(field(r));
    return median(v);
  };
  Round m;
  m.quiet_p50 = med([](const Round& r) { return r.quiet_p50; });
  m.quiet_p99 = med([](const Round& r) { return r.quiet_p99; });
  m.flood_p50 = med([](const Round& r) { return r.flood_p50; });
  m.flood_p99 = med([](const Round& r) { return r.flood_p99; });
  m.ratio = med([](const Round& r) { return r.ratio; });
  m.flood_s = med([](const Round& r) { return r.flood_s; });
  m.logins_per_s = med([](const Round& r) { return r.logins_per_s; });
  m.login_p50 = med([](const Round& r) { return r.login_p50; });
  m.login_p99 = med([](const Round& r) { return r.login_p99; });
  m.hub_cpu_s = med([](const Round& r) { return r.hub_cpu_s; });
  m.quiet_pushes = static_cast<std::size_t>(med([](const Round& r) { return double(r.quiet_pushes); }));
  m.flood_pushes = static_cast<std::size_t>(med([](const Round& r) { return double(r.flood_pushes); }));
  for (const auto& r : rounds)
    for (const auto& [status, n] : r.answers) m.answers[status] += n;
  print_round("median", m);
  std::printf("load average at end %s\n", loadavg().c_str());
  std::printf("RESULT quiet_p50=%.1f quiet_p99=%.1f flood_p50=%.1f flood_p99=%.1f p99_ratio=%.2f logins_per_s=%.0f "
              "login_p50=%.0f login_p99=%.0f hub_cpu_s=%.1f target=%s\n",
              m.quiet_p50, m.quiet_p99, m.flood_p50, m.flood_p99, m.ratio, m.logins_per_s, m.login_p50, m.login_p99,
              m.hub_cpu_s, m.ratio <= 2.0 ? "met" : "missed");
  return 0;
}
