// store_bench: what saving a note and reading a timeline cost on this machine,
// beside a raw SQLCipher insert of the same bytes with the same settings, measured
// in the same run (benchmarks print figures, tests never time: docs/design.md, "Testing").
//
//   single   one note per transaction, as the UI saves it (CaseNotes::add)
//   batched  100 notes per transaction (Store::write + Writer::change)
//   timeline Timeline::page for a person with 5,000 entries, first and middle page
//   tail     the slowest of 4,400 single saves into a fresh store (FTS4 segment merges)
//
// Targets (the issue): single-note save <= 3x the raw insert; timeline page <= 5 ms.
// Argon2id runs once, at creation, and is reported on its own line, outside the figures.
#include <sodium.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "doorstep/core/case_notes.h"
#include "doorstep/core/clock.h"
#include "doorstep/core/hlc.h"
#include "doorstep/core/loader.h"
#include "doorstep/core/store.h"
#include "doorstep/core/timeline.h"

namespace {

using namespace doorstep;
using SteadyClock = std::chrono::steady_clock;

constexpr int kSingleNotes = 300;     // single-note saves, and as many raw inserts
constexpr int kBatches = 20;          // batches of kBatchSize, each side
constexpr int kBatchSize = 100;
constexpr int kTimelineNotes = 3500;  // + kTimelineVisits = the person's 5,000 entries
constexpr int kTimelineVisits = 1500;
constexpr int kTimelineReads = 200;   // page reads timed per position
constexpr int kPageSize = 50;
constexpr int kTailSaves = 4400;      // past the first level-3 merge of note_fts (save 4,368)
constexpr double kSaveTarget = 3.0;   // Doorstep single save / raw insert, medians
constexpr double kPageTargetUs = 5000;

std::filesystem::path g_dir;  // the temp directory, removed on every exit

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "store_bench: %s\n", what.c_str());
  std::error_code ec;
  if (!g_dir.empty()) std::filesystem::remove_all(g_dir, ec);
  std::exit(1);
}

template <typename T>
T must(Result<T> r, const char* what) {
  if (!r.ok()) die(std::string(what) + ": " + r.error().describe());
  return std::move(r).value();
}
void must(const Status& s, const char* what) {
  if (!s.ok()) die(std::string(what) + ": " + s.error().describe());
}

double us_since(SteadyClock::time_point t0) {
  return std::chrono::duration<double, std::micro>(SteadyClock::now() - t0).count();
}

struct Stats {
  std::size_t n = 0;
  double median = 0, p95 = 0, max = 0;
};

Stats stats(std::vector<double> v) {
  Stats s;
  s.n = v.size();
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.median = v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  s.p95 = v[std::min(v.size() - 1, static_cast<std::size_t>(0.95 * static_cast<double>(v.size())))];
  s.max = v.back();
  return s;
}

// Note text: ~600 bytes drawn from a vocabulary of 8,000 made-up words with a Zipf
// distribution, as natural language has: a few very common words and a long tail, so
// the full-text index (note_fts) grows as it would with real notes.
std::vector<std::string> make_bodies(std::size_t count) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> letter('a', 'z'), length(2, 10);
  std::vector<std::string> vocabulary(8000);
  for (auto& w : vocabulary)
    for (int n = length(rng); n > 0; --n) w += static_cast<char>(letter(rng));
  std::vector<double> cumulative;  // Zipf, s = 1
  double sum = 0;
  for (std::size_t k = 1; k <= vocabulary.size(); ++k) cumulative.push_back(sum += 1.0 / static_cast<double>(k));
  std::uniform_real_distribution<double> u(0, sum);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < count; ++i) {
    std::string b = "Visit " + std::to_string(i) + ":";
    while (b.size() < 600) {
      auto k = std::lower_bound(cumulative.begin(), cumulative.end(), u(rng)) - cumulative.begin();
      b += " " + vocabulary[static_cast<std::size_t>(k)];
    }
    out.push_back(b + ".");
  }
  return out;
}

// The fields CaseNotes::add writes for a final note (core/src/casework/case_notes.cpp).
Fields note_fields(const Store& store, const std::string& case_id, const std::string& body, const std::string& now) {
  return {{"case_id", case_id},        {"body", body},       {"visibility", "normal"},
          {"author", store.user()},    {"state", "final"},   {"written_at", now},
          {"category", "home visit"},  {"finalised_at", now}};
}

// ---- the raw SQLCipher baseline -------------------------------------------

class RawDb {
 public:
  explicit RawDb(const std::filesystem::path& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK)
      die("raw open failed");
    // A random raw 256-bit key in x'hex' form, as the store uses (no PBKDF2 on open).
    unsigned char key[32];
    randombytes_buf(key, sizeof key);
    std::string hex = "x'";
    static const char* digits = "0123456789abcdef";
    for (unsigned char c : key) {
      hex += digits[c >> 4];
      hex += digits[c & 0xf];
    }
    hex += "'";
    if (sqlite3_key(db_, hex.data(), static_cast<int>(hex.size())) != SQLITE_OK) die("raw key failed");
    sodium_memzero(key, sizeof key);
    sodium_memzero(hex.data(), hex.size());
    // The store's settings (core/src/store/store.cpp open_database), in the same order.
    exec("PRAGMA cipher_page_size = 1024");
    exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = FULL");
    exec("PRAGMA secure_delete = ON");
    exec("PRAGMA temp_store = MEMORY");
    exec("PRAGMA foreign_keys = ON");
    exec("PRAGMA cache_size = -8192");
    exec("CREATE TABLE note (id TEXT PRIMARY KEY, case_id TEXT, body TEXT, written_at TEXT)");
    if (sqlite3_prepare_v2(db_, "INSERT INTO note (id, case_id, body, written_at) VALUES (?, ?, ?, ?)", -1, &ins_,
                           nullptr) != SQLITE_OK)
      die(std::string("raw prepare: ") + sqlite3_errmsg(db_));
  }
  ~RawDb() {
    sqlite3_finalize(ins_);
    sqlite3_close_v2(db_);
  }

  void exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK)
      die(std::string("raw: ") + sql + ": " + (err ? err : "?"));
  }
  std::string pragma(const char* sql) {
    sqlite3_stmt* s = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
      out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return out;
  }
  void insert(const std::string& id, const std::string& case_id, const std::string& body, const std::string& at) {
    sqlite3_bind_text(ins_, 1, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(ins_, 2, case_id.data(), static_cast<int>(case_id.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(ins_, 3, body.data(), static_cast<int>(body.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(ins_, 4, at.data(), static_cast<int>(at.size()), SQLITE_TRANSIENT);
    if (sqlite3_step(ins_) != SQLITE_DONE) die(std::string("raw insert: ") + sqlite3_errmsg(db_));
    sqlite3_reset(ins_);
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* ins_ = nullptr;
};

// ---- setup -------------------------------------------------------------------

// A person (p2) with two open cases and 5,000 timeline entries over ten years,
// loaded as server state in large transactions.
void load_timeline_person(Store& store, const std::vector<std::string>& bodies) {
  must(load_json(store, R"({
    "people": [{"id": "p2", "name": "Sam Okafor", "date_of_birth": "2012-07-19",
                "address": "3 Mill Lane", "markers": ["lone worker: visit in pairs"]}],
    "cases": [{"id": "c2", "person_id": "p2", "kind": "children", "title": "Child protection",
               "status": "open", "team": "north", "worker": "alex"},
              {"id": "c3", "person_id": "p2", "kind": "reablement", "title": "Reablement",
               "status": "open", "team": "north", "worker": "alex"}]
  })"),
       "loading the timeline person");
  const std::int64_t start_ms = 1'500'000'000'000;  // 2017
  const std::int64_t step_ms = 60'000'000;          // ~17 h apart: ten years in 5,000 entries
  int written = 0;
  const int total = kTimelineNotes + kTimelineVisits;
  while (written < total) {
    must(store.write([&](Writer& w) -> Status {
      for (int k = 0; k < 500 && written < total; ++k, ++written) {
        Record r;
        r.rev = 1;
        const std::string at = format_timestamp(start_ms + step_ms * written);
        const std::string case_id = written % 3 == 0 ? "c3" : "c2";
        if (written % 10 < 7) {  // 7 of 10 entries are notes, the rest visits
          r.type = "case_note";
          r.id = new_uuid();
          r.fields = {{"case_id", case_id}, {"body", bodies[static_cast<std::size_t>(written) % bodies.size()]},
                      {"visibility", "normal"}, {"author", "alex"}, {"state", "final"}, {"written_at", at},
                      {"finalised_at", at}};
        } else {
          r.type = "visit";
          r.id = new_uuid();
          r.fields = {{"case_id", case_id}, {"planned_start", at}, {"purpose", "statutory visit"},
                      {"status", "completed"}, {"checked_in_at", at}, {"outcome", "child seen alone"}};
        }
        DOORSTEP_TRY(w.put_base(r));
      }
      return {};
    }),
         "loading timeline entries");
  }
}

void print_row(const char* name, const Stats& s) {
  std::printf("  %-44s %6zu %10.1f %10.1f %10.1f\n", name, s.n, s.median, s.p95, s.max);
}

std::vector<double> per_item(const std::vector<double>& batch_us, int items) {
  std::vector<double> out;
  for (double b : batch_us) out.push_back(b / items);
  return out;
}

}  // namespace

int main() {
  if (sodium_init() < 0) die("libsodium failed to start");
  char tmpl[] = "/tmp/doorstep-bench-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) die("cannot create a temp directory");
  const std::filesystem::path dir(tmpl);
  g_dir = dir;
  const auto bodies = make_bodies(kSingleNotes + kBatches * kBatchSize);

  // Realistic Argon2id for creation (StoreOptions defaults: t=2, 19 MiB); timed apart.
  StoreOptions options;
  auto t0 = SteadyClock::now();
  auto store = must(Store::create(dir / "store", "alex", SecretString(std::string("2468")), options), "create");
  const double create_ms = us_since(t0) / 1000;
  must(load_json(*store, R"({
    "people": [{"id": "p1", "name": "Dana Whitfield", "address": "14 Orchard Row", "markers": []}],
    "cases": [{"id": "c1", "person_id": "p1", "kind": "children", "title": "Child in need",
               "status": "open", "team": "north", "worker": "alex"}]
  })"),
       "loading the sample case");
  t0 = SteadyClock::now();
  load_timeline_person(*store, bodies);
  const double load_ms = us_since(t0) / 1000;

  RawDb raw(dir / "raw.db");
  CaseNotes notes(*store);

  // (a) + (b): one note per transaction, Doorstep and raw alternating so that both
  // see the same disk and page-cache conditions.
  std::vector<double> single_ds, single_raw;
  for (int i = 0; i < kSingleNotes; ++i) {
    const std::string& body = bodies[static_cast<std::size_t>(i)];
    NoteInput n{"c1", body, "home visit", "normal"};
    auto t = SteadyClock::now();
    must(notes.add(n), "saving a note");
    single_ds.push_back(us_since(t));

    const std::string id = new_uuid();
    const std::string now = format_timestamp(SystemClock::instance().now_ms());
    t = SteadyClock::now();
    raw.exec("BEGIN IMMEDIATE");
    raw.insert(id, "c1", body, now);
    raw.exec("COMMIT");
    single_raw.push_back(us_since(t));
  }

  // (c): batches of 100 notes per transaction, alternating the same way.
  std::vector<double> batch_ds, batch_raw;
  for (int b = 0; b < kBatches; ++b) {
    const std::size_t first = static_cast<std::size_t>(kSingleNotes + b * kBatchSize);
    auto t = SteadyClock::now();
    must(store->write([&](Writer& w) -> Status {
      const std::string now = format_timestamp(store->clock().now_ms());
      for (int k = 0; k < kBatchSize; ++k) {
        auto r = w.change("case_note", new_uuid(), note_fields(*store, "c1", bodies[first + k], now), "created");
        if (!r.ok()) return r.error();
      }
      return {};
    }),
         "saving a batch");
    batch_ds.push_back(us_since(t));

    t = SteadyClock::now();
    const std::string now = format_timestamp(SystemClock::instance().now_ms());
    raw.exec("BEGIN IMMEDIATE");
    for (int k = 0; k < kBatchSize; ++k) raw.insert(new_uuid(), "c1", bodies[first + k], now);
    raw.exec("COMMIT");
    batch_raw.push_back(us_since(t));
  }

  // (d): the timeline of the person with 5,000 entries: the newest page, and a page
  // in the middle reached through the cursor.
  Timeline timeline(*store);
  std::string middle_cursor;
  {
    std::string cursor;
    const int middle = (kTimelineNotes + kTimelineVisits) / kPageSize / 2;
    for (int p = 0; p < middle; ++p) {
      auto page = must(timeline.page("p2", cursor, kPageSize), "paging the timeline");
      if (!page.next_cursor) die("the timeline ended early");
      cursor = *page.next_cursor;
    }
    middle_cursor = cursor;
  }
  std::vector<double> first_page, middle_page;
  std::size_t entries_seen = 0;
  for (int i = 0; i < kTimelineReads; ++i) {
    auto t = SteadyClock::now();
    auto p1 = must(timeline.page("p2", "", kPageSize), "reading the first page");
    first_page.push_back(us_since(t));
    t = SteadyClock::now();
    auto pm = must(timeline.page("p2", middle_cursor, kPageSize), "reading a middle page");
    middle_page.push_back(us_since(t));
    entries_seen = p1.entries.size() + pm.entries.size();
  }
  if (entries_seen != 2 * kPageSize) die("a timeline page came back short");

  // (f): the worst single save. note_fts (FTS4) writes one index segment per
  // transaction and merges 16 segments of a level into one segment of the next, inside
  // the save that finds the level full: save 4,368 (16^3 + 16^2 + 16) rewrites the
  // index of every note so far. A fresh store, so the count starts at zero.
  std::vector<double> tail;
  int tail_worst = 0;
  {
    auto fresh = must(Store::create(dir / "tail", "alex", SecretString(std::string("2468")), options), "create");
    must(load_json(*fresh, R"({
      "people": [{"id": "p1", "name": "Dana Whitfield", "markers": []}],
      "cases": [{"id": "c1", "person_id": "p1", "kind": "children", "status": "open"}]
    })"),
         "loading the tail case");
    CaseNotes tail_notes(*fresh);
    for (int i = 0; i < kTailSaves; ++i) {
      NoteInput n{"c1", bodies[static_cast<std::size_t>(i) % bodies.size()], "home visit", "normal"};
      auto t = SteadyClock::now();
      must(tail_notes.add(n), "saving a note");
      tail.push_back(us_since(t));
      if (tail[static_cast<std::size_t>(i)] > tail[static_cast<std::size_t>(tail_worst)]) tail_worst = i;
    }
  }

  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);

  // ---- report ---------------------------------------------------------------
  const Stats s_ds = stats(single_ds), s_raw = stats(single_raw);
  const Stats b_ds = stats(per_item(batch_ds, kBatchSize)), b_raw = stats(per_item(batch_raw, kBatchSize));
  const Stats bt_ds = stats(batch_ds), bt_raw = stats(batch_raw);
  const Stats t_first = stats(first_page), t_mid = stats(middle_page);
  const Stats s_tail = stats(tail);
  const double single_ratio = s_ds.median / s_raw.median;
  const double batch_ratio = b_ds.median / b_raw.median;
  auto verdict = [](bool met) { return met ? "met" : "MISSED"; };

  double load[1] = {0};
  getloadavg(load, 1);
  std::printf("store_bench: load average %.2f on %ld CPUs\n", load[0], sysconf(_SC_NPROCESSORS_ONLN));
  std::printf("  %s, SQLCipher %s (SQLite %s), cipher_page_size %s, journal_mode %s, synchronous %s\n",
              dir.c_str(), raw.pragma("PRAGMA cipher_version").c_str(), sqlite3_libversion(),
              raw.pragma("PRAGMA cipher_page_size").c_str(), raw.pragma("PRAGMA journal_mode").c_str(),
              raw.pragma("PRAGMA synchronous").c_str());
  std::printf("  store create incl. Argon2id (t=%llu, %llu MiB): %.0f ms (excluded from the figures below)\n",
              static_cast<unsigned long long>(options.kdf.opslimit),
              static_cast<unsigned long long>(options.kdf.memlimit >> 20), create_ms);
  std::printf("  setup: %d timeline entries loaded in %.0f ms; note body %zu bytes\n\n",
              kTimelineNotes + kTimelineVisits, load_ms, bodies[0].size());
  std::printf("  %-44s %6s %10s %10s %10s\n", "operation (microseconds)", "n", "median", "p95", "max");
  print_row("doorstep note save, 1 per transaction", s_ds);
  print_row("raw sqlcipher insert, 1 per transaction", s_raw);
  print_row("doorstep batch of 100 notes (whole batch)", bt_ds);
  print_row("raw batch of 100 inserts (whole batch)", bt_raw);
  print_row("doorstep batched, per note", b_ds);
  print_row("raw batched, per insert", b_raw);
  print_row("timeline first page (50 of 5,000)", t_first);
  print_row("timeline middle page (cursor, 50 of 5,000)", t_mid);
  print_row("doorstep note save, fresh store, 4,400 saves", s_tail);
  std::printf("\n");
  std::printf("  ratio doorstep/raw, single (median):  %5.2fx   target <= %.0fx: %s\n", single_ratio, kSaveTarget,
              verdict(single_ratio <= kSaveTarget));
  std::printf("  ratio doorstep/raw, batched (median): %5.2fx   (no target)\n", batch_ratio);
  std::printf("  timeline page, median: first %.2f ms, middle %.2f ms   target <= %.0f ms: %s\n",
              t_first.median / 1000, t_mid.median / 1000, kPageTargetUs / 1000,
              verdict(t_first.median <= kPageTargetUs && t_mid.median <= kPageTargetUs));
  std::printf("  slowest of %d single saves: save %d, %.1f ms (note_fts segment merge)\n", kTailSaves, tail_worst + 1,
              s_tail.max / 1000);
  std::printf("  peak RSS: %.1f MiB\n", static_cast<double>(ru.ru_maxrss) / 1024);

  store.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}
