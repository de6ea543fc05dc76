// Crash safety of the store (docs/design.md, "The device store"
// and "Testing"): a process killed with
// SIGKILL at any moment, including in the middle of a transaction, loses no saved
// note and leaves no half-written action behind.
//
// Each round forks a child that opens the store and saves final notes in a loop,
// reporting each note id through a pipe only after CaseNotes::add() returned ok
// (the moment the UI would tell the worker "saved"). The parent kills the child
// with SIGKILL after a random delay, reopens the store and checks it.
// SIGKILL is a process crash, not a power cut: the kernel keeps what was written,
// so this tests transactions and WAL recovery, not fsync.
#include <catch2/catch.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "doorstep/core/case_notes.h"
#include "temp_store.h"

namespace doorstep {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr int kRounds = 60;                   // the issue asks for at least 50
constexpr int kMaxDelayMs = 250;              // kill 0..250 ms after the child opened the store
constexpr int kChildLifetimeS = 30;           // a child the parent forgot still ends
constexpr const char* kOpenedLine = "opened";

// Writes all of s or ends the child; a line under PIPE_BUF bytes goes in one write.
void write_line(int fd, const std::string& s) {
  const char* p = s.data();
  std::size_t left = s.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(3);
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

// The child: never returns into Catch2, never flushes the parent's stdio buffers.
[[noreturn]] void run_child(const std::filesystem::path& dir, int round, int fd) {
  alarm(kChildLifetimeS);
  auto s = Store::open(dir, SecretString(std::string(test::kPin)), test::fast_options());
  if (!s.ok()) {
    write_line(fd, "error " + s.error().describe() + "\n");
    _exit(2);
  }
  write_line(fd, std::string(kOpenedLine) + "\n");
  CaseNotes notes(**s);
  std::mt19937 rng(static_cast<unsigned>(round) * 7919u + static_cast<unsigned>(getpid()));
  // Bodies from a line to just over a page (1 KiB), so some rows overflow onto a second page.
  std::uniform_int_distribution<int> pad(0, 1200);
  for (int seq = 0;; ++seq) {
    NoteInput n;
    n.case_id = "c1";
    n.category = "home visit";
    n.body = "crash round " + std::to_string(round) + " note " + std::to_string(seq) + " " +
             std::string(static_cast<std::size_t>(pad(rng)), 'x');
    auto r = notes.add(n);
    if (!r.ok()) {
      write_line(fd, "error " + r.error().describe() + "\n");
      _exit(2);
    }
    write_line(fd, r->id + "\n");
  }
}

// Reads whatever the child has written within timeout_ms; appends to buf.
// Returns false once the pipe is at end of file.
bool pump(int fd, std::string& buf, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  int rc = ::poll(&p, 1, timeout_ms);
  if (rc <= 0) return true;
  char chunk[4096];
  ssize_t n = ::read(fd, chunk, sizeof chunk);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  buf.append(chunk, static_cast<std::size_t>(n));
  return true;
}

// Kills and reaps the child if the parent leaves a round early (a failed REQUIRE).
struct ChildGuard {
  pid_t pid = -1;
  int fd = -1;
  ~ChildGuard() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    if (fd >= 0) ::close(fd);
  }
};

struct RoundResult {
  std::vector<std::string> acknowledged;
  bool opened = false;
  std::string child_error;   // an "error ..." line from the child
  std::string partial_line;  // bytes after the last newline: a torn acknowledgement
  int kill_after_ms = 0;
  bool killed = false;       // ended by our SIGKILL, not by itself
};

RoundResult run_round(const std::filesystem::path& dir, int round, int delay_ms) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    run_child(dir, round, fds[1]);
  }
  ::close(fds[1]);
  ChildGuard guard{pid, fds[0]};
  RoundResult out;
  out.kill_after_ms = delay_ms;

  std::string buf;
  bool open = true;
  // Wait (bounded) for the child to open the store: Argon2id and quick_check run here.
  const auto open_deadline = SteadyClock::now() + std::chrono::seconds(20);
  while (open && SteadyClock::now() < open_deadline) {
    open = pump(fds[0], buf, 20);
    auto nl = buf.find('\n');
    if (nl != std::string::npos) {
      out.opened = buf.compare(0, nl, kOpenedLine) == 0;
      if (!out.opened) out.child_error = buf.substr(0, nl);
      buf.erase(0, nl + 1);
      break;
    }
  }
  if (out.opened) {
    const auto kill_at = SteadyClock::now() + std::chrono::milliseconds(delay_ms);
    while (open) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(kill_at - SteadyClock::now()).count();
      if (left <= 0) break;
      open = pump(fds[0], buf, static_cast<int>(left));
    }
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  guard.pid = -1;
  out.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  while (open) open = pump(fds[0], buf, 1000);  // drain what the child wrote before dying

  std::size_t start = 0;
  for (auto nl = buf.find('\n'); nl != std::string::npos; nl = buf.find('\n', start)) {
    std::string line = buf.substr(start, nl - start);
    start = nl + 1;
    if (line.rfind("error ", 0) == 0) out.child_error = line;
    else out.acknowledged.push_back(line);
  }
  out.partial_line = buf.substr(start);
  return out;
}

// Problems found in a reopened store, each naming what the worker would have lost.
struct Findings {
  std::vector<std::string> problems;
  void add(std::string p) { problems.push_back(std::move(p)); }
  // The first few, for the failure message.
  std::string summary() const {
    std::string out = std::to_string(problems.size()) + " problems";
    for (std::size_t i = 0; i < problems.size() && i < 10; ++i) out += "\n  " + problems[i];
    return out;
  }
};

// Everything the parent can check in a reopened store. Returns how many final notes it holds.
std::size_t check_store(Store& store, const std::map<std::string, int>& acknowledged, int after_round) {
  INFO("after round " << after_round);
  auto ic = store.integrity_check();
  REQUIRE(ic.ok());
  REQUIRE(*ic == "ok");

  constexpr std::int64_t kAll = 1'000'000;
  auto notes = store.list("case_note", "", "", kAll);
  REQUIRE(notes.ok());
  std::map<std::string, const Record*> by_id;
  for (const auto& n : *notes) by_id[n.id] = &n;
  Findings f;

  // Every note the worker was told was saved is there, final, with the text it had.
  for (const auto& [id, round] : acknowledged) {
    auto it = by_id.find(id);
    if (it == by_id.end()) {
      f.add("note " + id + " acknowledged in round " + std::to_string(round) + " was lost");
      continue;
    }
    if (it->second->text("state") != "final") f.add("note " + id + " is no longer final");
    if (it->second->text("body").rfind("crash round " + std::to_string(round) + " note ", 0) != 0)
      f.add("note " + id + " does not hold the text that was saved");
  }

  // Record and outbox operation commit together: one create per final note, and
  // no operation whose record is missing.
  auto ops = store.outbox(kAll);
  REQUIRE(ops.ok());
  std::map<std::string, int> ops_per_note;
  for (const auto& op : *ops) {
    const std::string what = "outbox operation " + op.op_id + " (" + op.record_type + " " + op.record_id + ")";
    if (op.record_type != "case_note") f.add(what + " is not for a note");
    else if (op.action != "create") f.add(what + " is a " + op.action + ", not a create");
    if (by_id.count(op.record_id) == 0) f.add(what + " has no record: the change was lost");
    ++ops_per_note[op.record_id];
  }
  std::size_t finals = 0;
  for (const auto& n : *notes) {
    if (n.text("state") != "final") continue;
    ++finals;
    const int count = ops_per_note[n.id];
    if (count != 1)
      f.add("note " + n.id + " has " + std::to_string(count) + " outbox operations: " +
            (count == 0 ? "it would never reach the office" : "it would be sent twice"));
  }

  // And each note has its audit event. One query for all of them: audit_event is
  // indexed by (record_type, record_id), so a per-note query on record_id alone
  // would scan the table once per note.
  auto audits = store.list("audit_event", "record_type", "case_note", kAll);
  REQUIRE(audits.ok());
  std::set<std::string> audited;
  for (const auto& a : *audits) audited.insert(a.text("record_id"));
  for (const auto& n : *notes)
    if (audited.count(n.id) == 0) f.add("note " + n.id + " has no audit event");
  // The per-record query the issue names, on one acknowledged note (the last by id).
  if (!acknowledged.empty()) {
    auto one = store.list("audit_event", "record_id", acknowledged.rbegin()->first, 10);
    REQUIRE(one.ok());
    if (one->empty()) f.add("audit_event lookup by record_id found nothing for " + acknowledged.rbegin()->first);
  }

  INFO(f.summary());
  CHECK(f.problems.empty());
  return finals;
}

TEST_CASE("notes acknowledged before SIGKILL survive, and every action is whole", "[crash]") {
  const auto started = SteadyClock::now();
  const bool verbose = std::getenv("CRASH_TEST_VERBOSE") != nullptr;
  test::TempDir tmp;
  const auto dir = tmp / "store";
  {
    auto store = test::make_store(dir);
    test::load_sample(*store);
  }

  std::mt19937 rng(std::random_device{}());
  std::map<std::string, int> acknowledged;  // note id -> round
  std::size_t found = 0;
  int rounds_with_acks = 0, widened = 0, stalled = 0;
  for (int round = 0; round < kRounds; ++round) {
    // Every fourth round kills within the first 10 ms, in the first transaction.
    // A save can take longer than kMaxDelayMs: the note_fts (FTS4) segment merge
    // that runs every 4,096 notes took ~350 ms here. Killed inside it every time,
    // the store would never get past it, so after a round that saved nothing the
    // window doubles (up to 16x) until a save completes again.
    const int max_delay = (round % 4 == 3 ? 10 : kMaxDelayMs) << std::min(stalled, 4);
    const int delay_ms = std::uniform_int_distribution<int>(0, max_delay)(rng);
    if (stalled > 0) ++widened;
    const auto round_started = SteadyClock::now();
    RoundResult r = run_round(dir, round, delay_ms);
    INFO("round " << round << ", killed " << r.kill_after_ms << " ms after open");
    INFO(r.child_error);
    REQUIRE(r.opened);
    REQUIRE(r.child_error.empty());
    CHECK(r.killed);
    CHECK(r.partial_line.empty());  // ids are written whole (shorter than PIPE_BUF)
    for (const auto& id : r.acknowledged) acknowledged.emplace(id, round);
    if (!r.acknowledged.empty()) ++rounds_with_acks;
    if (!r.acknowledged.empty()) stalled = 0;
    else if (round % 4 != 3) ++stalled;

    // The parent's open is the first after the kill: it recovers the WAL the child left.
    const auto check_started = SteadyClock::now();
    auto store = test::open_store(dir);
    found = check_store(*store, acknowledged, round);
    if (verbose)
      std::cout << "round " << round << ": killed after " << delay_ms << " ms, " << r.acknowledged.size()
                << " acknowledged, " << found << " notes in the store; round "
                << std::chrono::duration<double, std::milli>(check_started - round_started).count() << " ms, check "
                << std::chrono::duration<double, std::milli>(SteadyClock::now() - check_started).count()
                << " ms\n";
  }
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
  CHECK(found >= acknowledged.size());
  CHECK(rounds_with_acks > kRounds / 2);  // the kills did not all land before the first save
  std::cout << "crash_test: " << kRounds << " rounds (" << widened << " with a widened window), "
            << acknowledged.size() << " notes acknowledged, " << found << " final notes found ("
            << found - acknowledged.size() << " committed but killed before the acknowledgement), " << seconds
            << " s\n";
}

}  // namespace
}  // namespace doorstep
