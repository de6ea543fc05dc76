// sync_bench: initial sync of a 200-case caseload (~20,000 records) from the real
// doorstep-server over loopback into an empty encrypted store, beside a direct bulk
// insert of the same records into a store in the same run; peak RSS of the device
// side; delta sync of 50 local and 50 remote changes.
//
//   sync_bench [--runs N]          the figures of issue 3 (defaults: 3 runs)
//   sync_bench --peer N            only: pull N ~300-byte notes (for bench/peers/)
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

client::SyncSummary sync(Store& s, const std::string& url, int page = 2000) {
  auto t = client::CurlTransport::create(url);
  if (!t) die(t.error().describe());
  client::SyncOptions o;
  o.push_batch = 1000;
  o.page_limit = page;
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
  long rss_kib = 0;
  long records = 0;
};

// Runs fn in a fresh process so its peak RSS is the device side's alone.
ChildResult in_child(const std::function<ChildResult()>& fn) {
  int p[2];
  if (::pipe(p) != 0) die("pipe");
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(p[0]);
    ChildResult r = fn();
    r.rss_kib = peak_rss_kib();
    (void)!::write(p[1], &r, sizeof r);
    ::_exit(0);
  }
  ::close(p[1]);
  ChildResult r;
  if (::read(p[0], &r, sizeof r) != sizeof r) die("child failed");
  ::close(p[0]);
  ::waitpid(pid, nullptr, 0);
  return r;
}

std::vector<Record> export_records(BenchHub& hub) {
  auto text = hub.office("GET", "/v1/office/export");
  std::istringstream lines(text.is_string() ? text.get<std::string>() : text.dump());
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

ChildResult initial_sync(const std::string& url, const std::filesystem::path& dir, int page) {
  return in_child([&] {
    ChildResult r;
    auto s = enrolled_store(dir, url, &r.kdf_seconds);
    auto t0 = Steady::now();
    auto sum = sync(*s, url, page);
    r.seconds = seconds_since(t0);
    r.records = sum.pulled;
    return r;
  });
}

ChildResult direct_insert(const std::vector<Record>& records, const std::filesystem::path& dir, int page) {
  return in_child([&] {
    ChildResult r;
    auto s = Store::create(dir, "bench", pin());
    if (!s) die(s.error().describe());
    auto t0 = Steady::now();
    for (std::size_t i = 0; i < records.size(); i += static_cast<std::size_t>(page)) {
      auto st = (*s)->write([&](Writer& w) -> Status {
        for (std::size_t k = i; k < std::min(records.size(), i + static_cast<std::size_t>(page)); ++k)
          DOORSTEP_TRY(w.put_base(records[k]));
        return {};
      });
      if (!st.ok()) die(st.error().describe());
    }
    r.seconds = seconds_since(t0);
    r.records = static_cast<long>(records.size());
    return r;
  });
}

int peer_mode(const std::string& server, int n) {
  auto work = temp_dir("peer");
  {
    BenchHub hub(server, work / "hub");
    const int cases = 10;
    seed(hub, work, cases, n / cases, 0, 0, 250);  // ~300-byte records on the wire
    std::vector<double> times;
    for (int run = 0; run < 3; ++run) {
      auto r = initial_sync(hub.url(), work / ("device" + std::to_string(run)), 5000);
      times.push_back(r.seconds);
      if (r.records < n) die("pulled " + std::to_string(r.records) + " of " + std::to_string(n));
    }
    std::printf("doorstep_pull_seconds %.3f\n", median(times));
  }
  std::filesystem::remove_all(work);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string server = DOORSTEP_SERVER;
  int runs = 3, peer = 0, page = 2000;
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
  if (peer > 0) return peer_mode(server, peer);

  auto work = temp_dir("sync");
  {
    BenchHub hub(server, work / "hub");
    std::cout << "seeding 200 people, 200 cases, 15,000 notes, 3,000 visits, 2,000 tasks ...\n" << std::flush;
    auto t0 = Steady::now();
    seed(hub, work, 200, 75, 15, 10, 200);
    std::cout << "seeded in " << seconds_since(t0) << " s\n";
    const auto records = export_records(hub);

    std::vector<double> pull_s, insert_s, kdf_s, pull_rss, insert_rss;
    long pulled = 0;
    for (int run = 0; run < runs; ++run) {
      auto p = initial_sync(hub.url(), work / ("pull" + std::to_string(run)), page);
      auto d = direct_insert(records, work / ("insert" + std::to_string(run)), page);
      pull_s.push_back(p.seconds);
      kdf_s.push_back(p.kdf_seconds);
      pull_rss.push_back(static_cast<double>(p.rss_kib) / 1024.0);
      insert_s.push_back(d.seconds);
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
    std::printf("\nDelta sync, 50 local + 50 remote changes, %zu rounds:\n", delta_ms.size());
    std::printf("  %-44s %8.1f ms  (target <= 100 ms)\n", "median round trip", median(delta_ms));
    std::printf("  %-44s %8.1f ms\n", "p90", percentile(delta_ms, 0.9));
  }
  std::filesystem::remove_all(work);
  return 0;
}
