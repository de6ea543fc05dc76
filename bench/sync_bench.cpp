// sync_bench: initial sync of a 200-case caseload (~20,000 records) from the real
// doorstep-server over loopback into an empty encrypted store, beside a direct bulk
// insert of the same records into a store in the same run; peak RSS of the device
// side; delta sync of 50 local and 50 remote changes.
//
//   sync_bench [--runs N]          the figures of issue 3 (defaults: 3 runs)
//   sync_bench --peer N            only: pull N ~300-byte notes (for bench/peers/)
//   --page N                       entries per changes page; default: what devices ask
//                                  for (SyncOptions::page_limit), the figure to quote
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "bench_hub.h"
#include "doorstep/client/sync_engine.h"
#include "doorstep/core/case_notes.h"
#include "doorstep/core/hlc.h"
#include "doorstep/protocol/messages.h"

using namespace doorstep;
using namespace doorstep::bench;
using Steady = std::chrono::steady_clock;

namespace {

const SecretString& pin() {
  static SecretString p(std::string("482615"));
  return p;
}

double seconds_since(Steady::time_point t) { return std::chrono::duration<double>(Steady::now() - t).count(); }

std::filesystem::path temp_dir(const std::string& tag) {
  auto p = std::filesystem::temp_directory_path() / ("doorstep-bench-" + tag + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p;
}

std::unique_ptr<Store> enrolled_store(const std::filesystem::path& dir, const std::string& url, double* kdf_s = nullptr) {
  auto t0 = Steady::now();
  auto s = Store::create(dir, "bench", pin());
  if (!s) die(s.error().describe());
  if (kdf_s) *kdf_s = seconds_since(t0);
  auto t = client::CurlTransport::create(url);
  if (!t) die(t.error().describe());
  auto e = client::enrol(**s, **t, url, SecretString(std::string(kBenchWorkerPassword)), "bench device");
  if (!e.ok()) die(e.error().describe());
  return std::move(*s);
}

// page 0: the engine's own page size, as on a device.
client::SyncSummary sync(Store& s, const std::string& url, int page = 0) {
  auto t = client::CurlTransport::create(url);
  if (!t) die(t.error().describe());
  client::SyncOptions o;
  o.push_batch = 1000;
  if (page > 0) o.page_limit = page;
  client::SyncEngine e(s, **t, o);
  auto r = e.sync_once();
  if (!r) die(r.error().describe());
  return *r;
}

// Seeds the caseload: cases from the office, then notes/visits/tasks pushed by a device.
void seed(BenchHub& hub, const std::filesystem::path& work, int cases, int notes_per_case, int visits_per_case,
          int tasks_per_case, std::size_t note_bytes) {
  hub.office("POST", "/v1/office/accounts",
             {{"username", "bench"}, {"password", kBenchWorkerPassword}, {"team", "children-south"}, {"role", "worker"}});
  for (int c = 0; c < cases; ++c) {
    const std::string n = std::to_string(c);
    hub.office("POST", "/v1/office/people",
               {{"id", "person-" + n}, {"fields", {{"name", "Person " + n}, {"address", n + " Orchard Row"}}}});
    hub.office("POST", "/v1/office/cases",
               {{"id", "case-" + n},
                {"fields", {{"person_id", "person-" + n}, {"kind", "children"}, {"status", "open"}, {"worker", "bench"}}}});
  }
  auto seeder = enrolled_store(work / "seeder", hub.url());
  sync(*seeder, hub.url());
  const std::string body(note_bytes, 'x');
  const std::string now = format_timestamp(SystemClock::instance().now_ms());
  for (int c = 0; c < cases; ++c) {
    const std::string case_id = "case-" + std::to_string(c);
    auto st = seeder->write([&](Writer& w) -> Status {
      for (int i = 0; i < notes_per_case; ++i) {
        auto r = w.change("case_note", new_uuid(),
                          {{"case_id", case_id}, {"body", body}, {"visibility", "normal"}, {"author", "bench"},
                           {"state", "final"}, {"written_at", now}, {"finalised_at", now}},
                          "created");
        if (!r) return r.error();
      }
      for (int i = 0; i < visits_per_case; ++i) {
        auto r = w.change("visit", new_uuid(),
                          {{"case_id", case_id}, {"planned_start", now}, {"status", "planned"}, {"purpose", "statutory visit"}},
                          "planned");
        if (!r) return r.error();
      }
      for (int i = 0; i < tasks_per_case; ++i) {
        auto r = w.change("task", new_uuid(), {{"case_id", case_id}, {"title", "Prompt medication"}}, "created");
        if (!r) return r.error();
      }
      return {};
    });
    if (!st.ok()) die(st.error().describe());
  }
  auto s = sync(*seeder, hub.url());
  if (s.rejected != 0) die("the server rejected seeded records");
}

struct ChildResult {
  double seconds = 0, kdf_seconds = 0;
  double cpu_seconds = 0;  // the device process's CPU (all threads) over `seconds`
  long rss_kib = 0;
  long records = 0;
};

// Runs this program again as `sync_bench --child ARGS... FD` in a fresh process (fork,
// then exec: a forked child alone would start with every page of this process
// resident), so its peak RSS is the device side's alone; the child writes its
// ChildResult to FD.
ChildResult in_child(std::vector<std::string> args) {
  int p[2];
  if (::pipe(p) != 0) die("pipe");
  args.insert(args.begin(), "--child");
  args.insert(args.begin(), "sync_bench");
  args.push_back(std::to_string(p[1]));
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(p[0]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv("/proc/self/exe", argv.data());
    ::_exit(127);
  }
  ::close(p[1]);
  ChildResult r;
  if (::read(p[0], &r, sizeof r) != sizeof r) die("child failed");
  ::close(p[0]);
  ::waitpid(pid, nullptr, 0);
  return r;
}

// The hub's records as the office exports them (what a direct insert writes).
std::vector<Record> export_records(const std::string& url) {
  auto t = client::CurlTransport::create(url);
  if (!t) die(t.error().describe());
  auto login = (*t)->send({"POST", "/v1/office/login",
                           nlohmann::json{{"username", "office"}, {"password", kBenchOfficePassword}}.dump(),
                           {{"Content-Type", "application/json"}}});
  if (!login || login->status != 200) die("office login failed");
  const std::string token = nlohmann::json::parse(login->body)["access_token"].get<std::string>();
  auto text = (*t)->send({"GET", "/v1/office/export", "", {{"Authorization", "Bearer " + token}}});
  if (!text || text->status != 200) die("office export failed");
  std::istringstream lines(text->body);
  std::vector<Record> out;
  std::string line;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) continue;
    auto r = protocol::record_from_json(j);
    if (r && r->type != "audit_event" && r->type != "conflict") out.push_back(std::move(*r));
  }
  return out;
}

ChildResult pull_child(const std::string& url, const std::filesystem::path& dir, int page) {
  ChildResult r;
  auto s = enrolled_store(dir, url, &r.kdf_seconds);
  auto t0 = Steady::now();
  const double c0 = own_cpu_seconds();
  auto sum = sync(*s, url, page);
  r.seconds = seconds_since(t0);
  r.cpu_seconds = own_cpu_seconds() - c0;
  r.records = sum.pulled;
  return r;
}

ChildResult insert_child(const std::string& url, const std::filesystem::path& dir, int page) {
  ChildResult r;
  const auto records = export_records(url);
  auto s = Store::create(dir, "bench", pin());
  if (!s) die(s.error().describe());
  auto t0 = Steady::now();
  const double c0 = own_cpu_seconds();
  for (std::size_t i = 0; i < records.size(); i += static_cast<std::size_t>(page)) {
    auto st = (*s)->write([&](Writer& w) -> Status {
      for (std::size_t k = i; k < std::min(records.size(), i + static_cast<std::size_t>(page)); ++k)
        DOORSTEP_TRY(w.put_base(records[k]));
      return {};
    });
    if (!st.ok()) die(st.error().describe());
  }
  r.seconds = seconds_since(t0);
  r.cpu_seconds = own_cpu_seconds() - c0;
  r.records = static_cast<long>(records.size());
  return r;
}

// sync_bench --child pull|insert URL DIR PAGE FD
int child_main(int argc, char** argv) {
  if (argc != 7) return 2;
  const std::string mode = argv[2], url = argv[3];
  const std::filesystem::path dir = argv[4];
  const int page = std::atoi(argv[5]), fd = std::atoi(argv[6]);
  ChildResult r = mode == "pull" ? pull_child(url, dir, page) : insert_child(url, dir, page);
  r.rss_kib = peak_rss_kib();
  return ::write(fd, &r, sizeof r) == sizeof r ? 0 : 1;
}

ChildResult initial_sync(const std::string& url, const std::filesystem::path& dir, int page) {
  return in_child({"pull", url, dir.string(), std::to_string(page)});
}

ChildResult direct_insert(const std::string& url, const std::filesystem::path& dir, int page) {
  return in_child({"insert", url, dir.string(), std::to_string(page)});
}

int peer_mode(const std::string& server, int n, int page, int runs) {
  auto work = temp_dir("peer");
  {
    BenchHub hub(server, work / "hub");
    const int cases = 10;
    seed(hub, work, cases, n / cases, 0, 0, 250);  // ~300-byte records on the wire
    std::vector<double> times, device_cpu, hub_cpu;
    for (int run = 0; run < runs; ++run) {
      const double h0 = hub.cpu_seconds();
      auto r = initial_sync(hub.url(), work / ("device" + std::to_string(run)), page);
      hub_cpu.push_back(hub.cpu_seconds() - h0);
      device_cpu.push_back(r.cpu_seconds);
      times.push_back(r.seconds);
      if (r.records < n) die("pulled " + std::to_string(r.records) + " of " + std::to_string(n));
    }
    std::printf("pull of %d notes, %d/page, %d runs: device CPU %.3f s, hub CPU %.3f s (enrolment included)\n", n,
                page, runs, median(device_cpu), median(hub_cpu));
    std::printf("doorstep_pull_seconds %.3f\n", median(times));
  }
  std::filesystem::remove_all(work);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--child") return child_main(argc, argv);
  std::string server = DOORSTEP_SERVER;
  int runs = 3, peer = 0, page = client::SyncOptions{}.page_limit;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--runs" && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    else if (a == "--peer" && i + 1 < argc) peer = std::atoi(argv[++i]);
    else if (a == "--server" && i + 1 < argc) server = argv[++i];
    else if (a == "--page" && i + 1 < argc) page = std::max(1, std::atoi(argv[++i]));
    else {
      std::cerr << "usage: sync_bench [--runs N] [--page N] [--peer N] [--server PATH]\n";
      return 2;
    }
  }
  if (peer > 0) return peer_mode(server, peer, page, runs);

  auto work = temp_dir("sync");
  {
    BenchHub hub(server, work / "hub");
    std::cout << "seeding 200 people, 200 cases, 15,000 notes, 3,000 visits, 2,000 tasks ...\n" << std::flush;
    auto t0 = Steady::now();
    seed(hub, work, 200, 75, 15, 10, 200);
    std::cout << "seeded in " << seconds_since(t0) << " s\n";
    const auto records = export_records(hub.url());

    std::vector<double> pull_s, insert_s, kdf_s, pull_rss, insert_rss, pull_cpu, insert_cpu, hub_cpu;
    long pulled = 0;
    for (int run = 0; run < runs; ++run) {
      const double h0 = hub.cpu_seconds();
      auto p = initial_sync(hub.url(), work / ("pull" + std::to_string(run)), page);
      hub_cpu.push_back(hub.cpu_seconds() - h0);
      pull_cpu.push_back(p.cpu_seconds);
      auto d = direct_insert(hub.url(), work / ("insert" + std::to_string(run)), page);
      pull_s.push_back(p.seconds);
      kdf_s.push_back(p.kdf_seconds);
      pull_rss.push_back(static_cast<double>(p.rss_kib) / 1024.0);
      insert_s.push_back(d.seconds);
      insert_cpu.push_back(d.cpu_seconds);
      insert_rss.push_back(static_cast<double>(d.rss_kib) / 1024.0);
      pulled = p.records;
    }

    // Delta: 50 changes on this device, 50 on another, then one sync pass here.
    auto a = enrolled_store(work / "delta-a", hub.url());
    auto b = enrolled_store(work / "delta-b", hub.url());
    sync(*a, hub.url());
    sync(*b, hub.url());
    std::vector<double> delta_ms;
    for (int round = 0; round < 7; ++round) {
      for (int i = 0; i < 50; ++i) {
        if (!CaseNotes(*b).add({"case-" + std::to_string(i), "remote change " + std::to_string(round)}).ok()) die("note");
        if (!CaseNotes(*a).add({"case-" + std::to_string(100 + i), "local change " + std::to_string(round)}).ok()) die("note");
      }
      sync(*b, hub.url());
      auto t1 = Steady::now();
      auto s = sync(*a, hub.url());
      delta_ms.push_back(seconds_since(t1) * 1000);
      if (s.pushed != 50 || s.pulled < 50) die("delta sync moved the wrong number of records");
    }

    const double pull = median(pull_s), insert = median(insert_s);
    std::printf("\nInitial sync of %ld records (%zu exported), %d runs, medians:\n", pulled, records.size(), runs);
    std::printf("  %-44s %8.3f s\n", ("Doorstep pull over loopback (" + std::to_string(page) + "/page)").c_str(), pull);
    std::printf("  %-44s %8.3f s\n", "direct bulk insert into a store (baseline)", insert);
    std::printf("  %-44s %8.2f x   (target <= 2.0x)\n", "ratio pull / direct insert", pull / insert);
    std::printf("  %-44s %8s     (target < 1 s)\n", "pull under 1 s", pull < 1.0 ? "yes" : "NO");
    std::printf("  %-44s %8.1f MB  (target <= 64 MB)\n", "peak RSS, device process (pull)", median(pull_rss));
    std::printf("  %-44s %8.1f MB\n", "peak RSS, device process (direct insert)", median(insert_rss));
    std::printf("  %-44s %8.3f s   (reported separately)\n", "Argon2id store creation", median(kdf_s));
    std::printf("  %-44s %8.3f s   (all threads)\n", "CPU, device process (pull)", median(pull_cpu));
    std::printf("  %-44s %8.3f s\n", "CPU, device process (direct insert)", median(insert_cpu));
    std::printf("  %-44s %8.3f s   (enrolment included)\n", "CPU, hub during the pull", median(hub_cpu));
    std::printf("\nDelta sync, 50 local + 50 remote changes, %zu rounds:\n", delta_ms.size());
    std::printf("  %-44s %8.1f ms  (target <= 100 ms)\n", "median round trip", median(delta_ms));
    std::printf("  %-44s %8.1f ms\n", "p90", percentile(delta_ms, 0.9));
  }
  std::filesystem::remove_all(work);
  return 0;
}
