// load_bench: many devices syncing with doorstep-server at once, over loopback.
//
// N simulated devices (LoadDevice: the device protocol without a store, see its
// header for why), one worker account each, driven by --concurrency threads that each
// take the next device in turn. Phases, each timed apart:
//   seed    the office API creates N workers and their caseloads (Argon2id per account)
//   enrol   every device enrols with its worker's password (Argon2id per enrolment)
//   sync    every device pulls its caseload, pushes --ops operations, pulls again
// It starts the hub itself: SQLite in a temporary directory, or with --postgres
// BASE_URL one or two (--instances) servers on a new database of that cluster, devices
// alternating between them; or it uses running servers (--server URL, repeatable;
// seeding then needs DOORSTEP_OFFICE_PASSWORD). Everything is bounded: N devices, and
// --max-seconds for a whole run (devices not started by then are reported, not run).
//
//   load_bench [--devices 500] [--concurrency 32] [--ops 20] [--ops-per-push 20]
//              [--cases-per-worker 2] [--runs 1] [--max-seconds 600] [--label TEXT]
//              [--postgres postgresql://USER@HOST:PORT [--instances 2]] [--server URL]...
//
// Prints per run, and medians over --runs: pushed operations per second over the sync
// phase, p50/p99 latency of push and of changes requests, enrolment latency and rate,
// hub CPU seconds, errors (count and the first few). The last line of a run starts
// "RESULT" with the same figures as key=value, for bench/load/run.
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "bench_hub.h"
#include "doorstep/client/curl_transport.h"
#include "doorstep/core/hlc.h"
#include "load_device.h"

using namespace doorstep;
using namespace doorstep::bench;
using Steady = std::chrono::steady_clock;

namespace {

struct Options {
  int devices = 500;
  int concurrency = 32;
  int ops = 20;
  int ops_per_push = 20;
  int cases_per_worker = 2;
  int visits_per_case = 3;
  int runs = 1;
  double max_seconds = 600;
  std::string label;
  std::string postgres;  // cluster base URL (no database)
  int instances = 1;
  std::vector<std::string> servers;  // running servers instead
  std::string binary = DOORSTEP_SERVER;
};

double seconds_since(Steady::time_point t) { return std::chrono::duration<double>(Steady::now() - t).count(); }

// A CPU-seconds reading of a process (user + system), from /proc.
double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return 0;
  const auto close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i)
    if (i == 14 || i == 15) ticks += std::stod(field);
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// PostgreSQL: a database made for one run and dropped after it.
class RunDatabase {
 public:
  RunDatabase(const std::string& base, const std::string& name) : base_(base), name_(name) {
    admin("CREATE DATABASE " + name_ + " ENCODING 'UTF8' TEMPLATE template0");
  }
  ~RunDatabase() { admin("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)", false); }
  std::string url() const { return base_ + "/" + name_; }

 private:
  void admin(const std::string& sql, bool must = true) {
    PGconn* c = PQconnectdb((base_ + "/postgres").c_str());
    bool ok = PQstatus(c) == CONNECTION_OK;
    std::string err = ok ? "" : PQerrorMessage(c);
    if (ok) {
      PGresult* r = PQexec(c, sql.c_str());
      ok = PQresultStatus(r) == PGRES_COMMAND_OK;
      if (!ok) err = PQresultErrorMessage(r);
      PQclear(r);
    }
    PQfinish(c);
    if (!ok && must) die("PostgreSQL at " + base_ + ": " + sql + ": " + err);
  }
  std::string base_, name_;
};

// Errors from every thread: the count and the first few messages.
class Errors {
 public:
  void add(const std::string& what) {
    std::lock_guard<std::mutex> g(mu_);
    ++count_;
    if (first_.size() < 5) first_.push_back(what);
  }
  std::int64_t count() const { return count_; }
  const std::vector<std::string>& first() const { return first_; }

 private:
  std::mutex mu_;
  std::atomic<std::int64_t> count_{0};
  std::vector<std::string> first_;
};

// Runs fn(i) for i in [0, n) on `threads` threads, each taking the next i in turn,
// until all are done or the deadline passes. fn gets the thread's number. Returns how
// many were started.
template <typename Fn>
int run_all(int n, int threads, Steady::time_point deadline, Fn fn) {
  std::atomic<int> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (;;) {
        if (Steady::now() >= deadline) return;
        const int i = next.fetch_add(1);
        if (i >= n) return;
        fn(t, i);
      }
    });
  for (auto& th : pool) th.join();
  return std::min(next.load(), n);
}

struct RunResult {
  double seed_s = 0, enrol_s = 0, sync_s = 0;
  double ops_per_s = 0, push_p50 = 0, push_p99 = 0, pull_p50 = 0, pull_p99 = 0, enrol_p50 = 0, enrol_p99 = 0;
  double enrol_per_s = 0, hub_cpu_s = 0;
  std::int64_t acknowledged = 0, pulled = 0, devices_synced = 0, errors = 0;
  std::vector<std::string> first_errors;
};

std::unique_ptr<client::CurlTransport> transport_to(const std::string& url, double max_seconds) {
  client::TransportOptions o;
  o.timeout_s = static_cast<long>(std::max(5.0, std::min(120.0, max_seconds)));
  auto t = client::CurlTransport::create(url, o);
  if (!t) die(t.error().describe());
  return std::move(*t);
}

std::string office_token(client::Transport& t, const std::string& password) {
  auto r = t.send({"POST", "/v1/office/login", nlohmann::json{{"username", "office"}, {"password", password}}.dump(),
                   {{"Content-Type", "application/json"}}});
  if (!r || r->status != 200) die("office login failed (DOORSTEP_OFFICE_PASSWORD?)");
  return nlohmann::json::parse(r->body)["access_token"].get<std::string>();
}

RunResult run_once(const Options& o, int run) {
  RunResult out;
  const auto deadline = Steady::now() + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(o.max_seconds));
  const auto work = std::filesystem::temp_directory_path() /
                    ("doorstep-load-" + std::to_string(::getpid()) + "-" + std::to_string(run));
  std::filesystem::remove_all(work);
  std::filesystem::create_directories(work);

  std::unique_ptr<RunDatabase> database;
  std::vector<std::unique_ptr<BenchHub>> hubs;
  std::vector<std::string> urls = o.servers;
  std::string office_password = kBenchOfficePassword;
  if (urls.empty()) {
    if (!o.postgres.empty()) {
      database = std::make_unique<RunDatabase>(o.postgres, "doorstep_load_" + std::to_string(::getpid()) + "_" +
                                                               std::to_string(run));
      for (int i = 0; i < o.instances; ++i)
        hubs.push_back(std::make_unique<BenchHub>(o.binary, work / ("hub" + std::to_string(i)), database->url()));
    } else {
      hubs.push_back(std::make_unique<BenchHub>(o.binary, work / "hub"));
    }
    for (auto& h : hubs) urls.push_back(h->url());
  } else if (const char* p = std::getenv("DOORSTEP_OFFICE_PASSWORD")) {
    office_password = p;
  }

  // Worker names unique per run, so runs against the same running servers do not meet.
  const std::string prefix = "load" + new_uuid().substr(24, 8) + "-";
  Errors errors;
  {
    auto t = transport_to(urls[0], o.max_seconds);
    const std::string token = office_token(*t, office_password);
    const auto t0 = Steady::now();
    const std::string day = format_timestamp(SystemClock::instance().now_ms() + 86'400'000).substr(0, 10);
    run_all(o.devices, std::min(o.concurrency, 8), deadline, [&](int, int i) {
      thread_local std::unique_ptr<client::CurlTransport> office;
      thread_local std::string office_url;
      const std::string& url = urls[static_cast<std::size_t>(i) % urls.size()];
      if (!office || office_url != url) {
        office = transport_to(url, o.max_seconds);
        office_url = url;
      }
      auto post = [&](const std::string& path, const nlohmann::json& body) {
        auto r = office->send({"POST", path, body.dump(),
                               {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}}});
        if (!r) errors.add("seed " + path + ": " + r.error().message);
        else if (r->status != 200) errors.add("seed " + path + ": HTTP " + std::to_string(r->status) + " " + r->body.substr(0, 160));
      };
      const std::string worker = prefix + std::to_string(i);
      post("/v1/office/accounts",
           {{"username", worker}, {"password", kBenchWorkerPassword}, {"team", "children-south"}, {"role", "worker"}});
      for (int c = 0; c < o.cases_per_worker; ++c) {
        const std::string k = worker + "-" + std::to_string(c);
        post("/v1/office/people", {{"id", "p-" + k}, {"fields", {{"name", "Person " + k}, {"address", "1 Orchard Row"}}}});
        post("/v1/office/cases", {{"id", "c-" + k},
                                  {"fields", {{"person_id", "p-" + k}, {"kind", "children"}, {"worker", worker}}}});
        for (int v = 0; v < o.visits_per_case; ++v)
          post("/v1/office/visits", {{"id", "v-" + k + "-" + std::to_string(v)},
                                     {"fields", {{"case_id", "c-" + k},
                                                 {"planned_start", day + "T1" + std::to_string(v) + ":00:00Z"},
                                                 {"status", "planned"},
                                                 {"purpose", "statutory visit"}}}});
      }
    });
    out.seed_s = seconds_since(t0);
  }

  std::vector<LoadDevice> devices;
  for (int i = 0; i < o.devices; ++i) devices.emplace_back(prefix + std::to_string(i), kBenchWorkerPassword);
  std::vector<DeviceTimings> timings(static_cast<std::size_t>(o.concurrency));
  std::vector<char> enrolled(static_cast<std::size_t>(o.devices), 0);
  // One connection per thread and instance, kept alive across the devices it drives.
  std::vector<std::vector<std::unique_ptr<client::CurlTransport>>> conns(static_cast<std::size_t>(o.concurrency));
  for (auto& c : conns)
    for (const auto& u : urls) c.push_back(transport_to(u, o.max_seconds));
  auto hub_of = [&](int thread, int device) -> client::Transport& {
    return *conns[static_cast<std::size_t>(thread)][static_cast<std::size_t>(device) % urls.size()];
  };

  {
    const auto t0 = Steady::now();
    run_all(o.devices, o.concurrency, deadline, [&](int th, int i) {
      auto st = devices[static_cast<std::size_t>(i)].enrol(hub_of(th, i), timings[static_cast<std::size_t>(th)]);
      if (!st.ok()) errors.add("enrol: " + st.error().message);
      else enrolled[static_cast<std::size_t>(i)] = 1;
    });
    out.enrol_s = seconds_since(t0);
  }

  std::vector<double> cpu0;
  for (auto& h : hubs) cpu0.push_back(cpu_seconds(h->pid()));
  std::atomic<std::int64_t> synced{0};
  {
    const auto t0 = Steady::now();
    run_all(o.devices, o.concurrency, deadline, [&](int th, int i) {
      if (!enrolled[static_cast<std::size_t>(i)]) return;
      auto& d = devices[static_cast<std::size_t>(i)];
      auto& t = timings[static_cast<std::size_t>(th)];
      auto& hub = hub_of(th, i);
      Status st = d.pull(hub, t);
      if (st.ok()) st = d.push(hub, o.ops, o.ops_per_push, 3, t);
      if (st.ok()) st = d.pull(hub, t);
      if (!st.ok()) errors.add(st.error().message);
      else ++synced;
    });
    out.sync_s = seconds_since(t0);
  }
  for (std::size_t i = 0; i < hubs.size(); ++i) out.hub_cpu_s += cpu_seconds(hubs[i]->pid()) - cpu0[i];

  std::vector<double> push, pull, enrol;
  for (const auto& t : timings) {
    push.insert(push.end(), t.push_ms.begin(), t.push_ms.end());
    pull.insert(pull.end(), t.pull_ms.begin(), t.pull_ms.end());
    enrol.insert(enrol.end(), t.enrol_ms.begin(), t.enrol_ms.end());
    out.acknowledged += t.acknowledged;
    out.pulled += t.pulled;
  }
  out.devices_synced = synced;
  out.ops_per_s = out.sync_s > 0 ? static_cast<double>(out.acknowledged) / out.sync_s : 0;
  out.push_p50 = percentile(push, 0.50);
  out.push_p99 = percentile(push, 0.99);
  out.pull_p50 = percentile(pull, 0.50);
  out.pull_p99 = percentile(pull, 0.99);
  out.enrol_p50 = percentile(enrol, 0.50);
  out.enrol_p99 = percentile(enrol, 0.99);
  out.enrol_per_s = out.enrol_s > 0 ? static_cast<double>(enrol.size()) / out.enrol_s : 0;
  out.errors = errors.count();
  out.first_errors = errors.first();
  if (Steady::now() >= deadline) {
    out.first_errors.push_back("stopped at --max-seconds: " + std::to_string(out.devices_synced) + " of " +
                               std::to_string(o.devices) + " devices synced");
    ++out.errors;
  }

  conns.clear();
  hubs.clear();  // stops the servers before their database goes
  database.reset();
  std::filesystem::remove_all(work);
  return out;
}

void print(const Options& o, const RunResult& r, const std::string& title) {
  std::printf("\n%s\n", title.c_str());
  std::printf("  %-40s %10.1f s\n", "seed (office API, Argon2id per account)", r.seed_s);
  std::printf("  %-40s %10.1f s  %6.1f/s  p50 %6.1f ms  p99 %6.1f ms\n", "enrol (Argon2id per device)", r.enrol_s,
              r.enrol_per_s, r.enrol_p50, r.enrol_p99);
  std::printf("  %-40s %10.1f s  (%lld devices, %lld records pulled)\n", "sync: pull, push, pull", r.sync_s,
              static_cast<long long>(r.devices_synced), static_cast<long long>(r.pulled));
  std::printf("  %-40s %10.0f /s   (target >= %s)\n", "pushed operations", r.ops_per_s,
              !o.servers.empty()      ? "2,000 SQLite, 1,000 PostgreSQL"
              : o.postgres.empty() ? "2,000"
                                   : "1,000");
  std::printf("  %-40s p50 %6.1f ms  p99 %6.1f ms   (SQLite target: p99 <= 250 ms)\n", "push latency", r.push_p50,
              r.push_p99);
  std::printf("  %-40s p50 %6.1f ms  p99 %6.1f ms\n", "changes (pull) latency", r.pull_p50, r.pull_p99);
  std::printf("  %-40s %10.1f s\n", "hub CPU during sync (all instances)", r.hub_cpu_s);
  std::printf("  %-40s %10lld\n", "errors", static_cast<long long>(r.errors));
  for (const auto& e : r.first_errors) std::printf("    %s\n", e.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  auto number = [&](int& i) -> double {
    if (i + 1 >= argc) die(std::string(argv[i]) + " needs a value");
    return std::atof(argv[++i]);
  };
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--devices") o.devices = static_cast<int>(number(i));
    else if (a == "--concurrency") o.concurrency = static_cast<int>(number(i));
    else if (a == "--ops") o.ops = static_cast<int>(number(i));
    else if (a == "--ops-per-push") o.ops_per_push = static_cast<int>(number(i));
    else if (a == "--cases-per-worker") o.cases_per_worker = static_cast<int>(number(i));
    else if (a == "--runs") o.runs = static_cast<int>(number(i));
    else if (a == "--max-seconds") o.max_seconds = number(i);
    else if (a == "--instances") o.instances = static_cast<int>(number(i));
    else if (a == "--label" && i + 1 < argc) o.label = argv[++i];
    else if (a == "--postgres" && i + 1 < argc) o.postgres = argv[++i];
    else if (a == "--server" && i + 1 < argc) o.servers.push_back(argv[++i]);
    else if (a == "--server-binary" && i + 1 < argc) o.binary = argv[++i];
    else {
      std::cerr << "usage: load_bench [--devices N] [--concurrency N] [--ops N] [--ops-per-push N]\n"
                   "                  [--cases-per-worker N] [--runs N] [--max-seconds S] [--label TEXT]\n"
                   "                  [--postgres postgresql://USER@HOST:PORT [--instances N]] [--server URL]...\n";
      return 2;
    }
  }
  // Bounded: this program only ever talks to loopback, with a bounded number of devices.
  if (o.devices < 1 || o.devices > 20'000 || o.concurrency < 1 || o.concurrency > 256 || o.ops < 1 ||
      o.ops > 1000 || o.ops_per_push < 1 || o.ops_per_push > 1000 || o.cases_per_worker < 1 || o.runs < 1 ||
      o.runs > 10 || o.max_seconds <= 0 || o.instances < 1 || o.instances > 8)
    die("an option is out of range");
  for (const auto& u : o.servers)
    if (!client::is_loopback_url(u)) die("--server must be a loopback URL (127.0.0.1, ::1, localhost): " + u);
  if (o.label.empty())
    o.label = !o.servers.empty() ? "given servers"
              : o.postgres.empty() ? "SQLite, one instance"
                                   : "PostgreSQL, " + std::to_string(o.instances) + " instance(s)";

  std::vector<RunResult> results;
  for (int run = 0; run < o.runs; ++run) {
    std::printf("run %d of %d: %s, %d devices, %d threads, %d operations each ...\n", run + 1, o.runs,
                o.label.c_str(), o.devices, o.concurrency, o.ops);
    std::fflush(stdout);
    results.push_back(run_once(o, run));
    print(o, results.back(), o.label + ", run " + std::to_string(run + 1));
    std::fflush(stdout);
  }
  auto med = [&](auto field) {
    std::vector<double> v;
    for (const auto& r : results) v.push_back(static_cast<double>(field(r)));
    return median(v);
  };
  RunResult m;
  m.seed_s = med([](const RunResult& r) { return r.seed_s; });
  m.enrol_s = med([](const RunResult& r) { return r.enrol_s; });
  m.enrol_per_s = med([](const RunResult& r) { return r.enrol_per_s; });
  m.enrol_p50 = med([](const RunResult& r) { return r.enrol_p50; });
  m.enrol_p99 = med([](const RunResult& r) { return r.enrol_p99; });
  m.sync_s = med([](const RunResult& r) { return r.sync_s; });
  m.ops_per_s = med([](const RunResult& r) { return r.ops_per_s; });
  m.push_p50 = med([](const RunResult& r) { return r.push_p50; });
  m.push_p99 = med([](const RunResult& r) { return r.push_p99; });
  m.pull_p50 = med([](const RunResult& r) { return r.pull_p50; });
  m.pull_p99 = med([](const RunResult& r) { return r.pull_p99; });
  m.hub_cpu_s = med([](const RunResult& r) { return r.hub_cpu_s; });
  m.devices_synced = static_cast<std::int64_t>(med([](const RunResult& r) { return r.devices_synced; }));
  m.pulled = static_cast<std::int64_t>(med([](const RunResult& r) { return r.pulled; }));
  for (const auto& r : results) {
    m.errors += r.errors;
    for (const auto& e : r.first_errors)
      if (m.first_errors.size() < 5) m.first_errors.push_back(e);
  }
  if (o.runs > 1) print(o, m, o.label + ": medians of " + std::to_string(o.runs) + " runs (errors: total)");
  std::printf("RESULT label=\"%s\" runs=%d devices=%d ops_per_s=%.0f push_p50_ms=%.1f push_p99_ms=%.1f "
              "pull_p50_ms=%.1f pull_p99_ms=%.1f enrol_p50_ms=%.1f enrol_per_s=%.1f sync_s=%.2f hub_cpu_s=%.1f "
              "errors=%lld\n",
              o.label.c_str(), o.runs, o.devices, m.ops_per_s, m.push_p50, m.push_p99, m.pull_p50, m.pull_p99,
              m.enrol_p50, m.enrol_per_s, m.sync_s, m.hub_cpu_s, static_cast<long long>(m.errors));
  return m.errors == 0 ? 0 : 1;
}
