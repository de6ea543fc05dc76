// app_bench: the Qt Quick app's start and its heaviest list (a program that
// prints figures, never a timed test: docs/design.md, "Testing").
//   cold start: process start -> window -> PIN unlock -> the caseload of 200 cases
//               drawn; Argon2id (the PIN's key derivation) is measured and reported
//               separately and excluded from the cold-start figure
//   timeline:   opening a person with 5,000 timeline entries (first page drawn)
//   RSS:        resident memory after both
// Each run is a fresh process (this program re-executed with --child), offscreen.
// Prints medians over the runs next to the targets (400 ms, 100 ms, 150 MB).
//
//   build/app-rel/bench/app_bench [RUNS]     (release build: -DCMAKE_BUILD_TYPE=RelWithDebInfo)
// On a shared machine run it with priority (nice -n -20) or the figures measure the
// other processes. DOORSTEP_BENCH_STAGES=1 prints resident memory after each stage.
#include <sodium.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QDir>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QQuickItem>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app_context.h"
#include "app_window.h"
#include "caseload_model.h"
#include "doorstep/core/loader.h"
#include "doorstep/platform/camera.h"
#include "doorstep/platform/connectivity.h"
#include "doorstep/platform/location.h"
#include "timeline_model.h"
#include "worker_session.h"

Q_IMPORT_QML_PLUGIN(DoorstepPlugin)

using namespace doorstep;
using Steady = std::chrono::steady_clock;

namespace {

constexpr const char* kPin = "4826";
constexpr int kCases = 200;
constexpr int kTimelineEntries = 5000;

double ms_since(Steady::time_point t) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t).count();
}

// A line of /proc/self/status in MB: "VmRSS" (all resident pages), "RssAnon" (the
// process's own memory), "RssFile" (mapped files: Qt, ICU data, fonts, shared with
// other processes that map them).
double status_mb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(key) + ":";
  while (std::getline(in, line))
    if (line.rfind(prefix, 0) == 0) return std::stod(line.substr(prefix.size())) / 1024.0;
  return 0;
}
double rss_mb() { return status_mb("VmRSS"); }

bool spin_until(const std::function<bool()>& done, int timeout_ms) {
  QElapsedTimer t;
  t.start();
  while (!done()) {
    if (t.elapsed() > timeout_ms) return false;
    QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
  }
  return true;
}

// 200 people with cases and a planned visit each; the first person also has 4,999
// notes (5,000 timeline entries with the visit).
std::string caseload_json() {
  using nlohmann::json;
  json people = json::array(), cases = json::array(), visits = json::array(), notes = json::array();
  const char* first[] = {"Maya", "Callum", "Ezra", "Freya", "Hollie", "Idris", "Niamh", "Owen", "Priya", "Ruth"};
  const char* last[] = {"Ashdown", "Holloway", "Dunmore", "Carrow", "Inchley", "Lowther", "Marchant", "Pryce"};
  for (int i = 0; i < kCases; ++i) {
    const std::string n = std::to_string(i);
    json markers = i % 5 == 0 ? json{"dog at property"} : json::array();
    people.push_back({{"id", "p" + n}, {"name", std::string(first[i % 10]) + " " + last[i % 8] + " " + n},
                      {"address", n + " Quarry Lane, Eastmarsh"}, {"markers", markers}});
    cases.push_back({{"id", "c" + n}, {"person_id", "p" + n}, {"kind", "children"}, {"title", "Child in need"},
                     {"status", "open"}, {"team", "north"}, {"worker", "bench"}, {"visit_interval_days", 10}});
    visits.push_back({{"id", "v" + n}, {"case_id", "c" + n}, {"planned_start", "2026-12-01T10:00:00Z"},
                      {"purpose", "statutory visit"}});
  }
  for (int i = 0; i < kTimelineEntries - 1; ++i) {
    char at[32];
    std::snprintf(at, sizeof at, "2025-%02d-%02dT%02d:%02d:00Z", 1 + i % 12, 1 + i % 28, i % 24, i % 60);
    notes.push_back({{"id", "n" + std::to_string(i)}, {"case_id", "c0"},
                     {"body", "Home visit " + std::to_string(i) + ": seen with mum; school attendance discussed; "
                              "next steps agreed with the family support worker."},
                     {"visibility", "normal"}, {"author", "bench"}, {"state", "final"}, {"written_at", at}});
  }
  return json{{"people", people}, {"cases", cases}, {"visits", visits}, {"notes", notes}}.dump();
}

int make_store(const QString& data) {
  auto store = Store::create(QDir(data).filePath(QStringLiteral("users/bench")).toStdString(), "bench",
                             SecretString(std::string(kPin)));
  if (!store) return std::fprintf(stderr, "%s\n", store.error().describe().c_str()), 1;
  auto r = load_json(**store, caseload_json());
  if (!r) return std::fprintf(stderr, "%s\n", r.error().describe().c_str()), 1;
  return 0;
}

// One run, in a fresh process: prints "argon ui unlock caseload timeline rss".
int child(int argc, char* argv[], const QString& data, Steady::time_point start) {
  // Argon2id alone, with the parameters the store's envelope uses.
  const auto a0 = Steady::now();
  unsigned char key[32], salt[crypto_pwhash_SALTBYTES] = {};
  const KdfParams kdf;
  if (crypto_pwhash(key, sizeof key, kPin, 4, salt, kdf.opslimit, kdf.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return 1;
  const double argon = ms_since(a0);
  const auto t0 = Steady::now();  // the cold start proper, after the separate Argon2id

  const bool stages = qEnvironmentVariableIsSet("DOORSTEP_BENCH_STAGES");
  auto stage = [&](const char* what) {
    if (stages)
      std::fprintf(stderr, "  rss %-28s %7.1f MB (own %.1f, files %.1f)\n", what, rss_mb(), status_mb("RssAnon"),
                   status_mb("RssFile"));
  };
  stage("after Argon2id");
  app::prepare_style();  // the app's process settings, as main.cpp makes them
  QGuiApplication qapp(argc, argv);
  stage("application");
  platform::ManualConnectivity net;
  net.setOnline(false);
  platform::FixedLocation location;
  platform::StillFileCamera camera{QString()};
  app::AppContext context(data, StoreOptions{}, {&net, &location, &camera});
  context.publish();
  QQmlApplicationEngine engine;
  app::WindowOptions wo;
  wo.width = 1280;
  wo.height = 800;
  QQuickWindow* window = app::load_main_window(engine, context.session(), wo);
  if (window == nullptr) return 1;
  window->grabWindow();  // the unlock page, drawn
  const double ui = ms_since(t0);
  stage("unlock page drawn");

  const auto u0 = Steady::now();
  context.session().unlock(QStringLiteral("bench"), QString::fromLatin1(kPin));
  if (!spin_until([&] { return context.session().state() == app::WorkerSession::State::Unlocked; }, 30000)) return 1;
  const double unlock = ms_since(u0);  // includes one Argon2id
  stage("unlocked (today drawn)");

  const auto c0 = Steady::now();
  auto* shell = window->findChild<QQuickItem*>(QStringLiteral("shell"));
  if (shell == nullptr) return 1;
  QMetaObject::invokeMethod(shell, "go", Q_ARG(QVariant, QStringLiteral("caseload")));
  if (!spin_until([&] { return context.caseload().rowCount() == kCases; }, 30000)) return 1;
  QCoreApplication::processEvents();
  window->grabWindow();  // the caseload, drawn
  const double caseload = ms_since(c0);
  stage("caseload drawn");

  std::vector<double> opens;
  for (int i = 0; i < 5; ++i) {
    const auto o0 = Steady::now();
    QMetaObject::invokeMethod(shell, "openPerson", Q_ARG(QVariant, QStringLiteral("p0")));
    QCoreApplication::processEvents();
    window->grabWindow();
    opens.push_back(ms_since(o0));
    if (context.timeline().personName().isEmpty()) return 1;
    QMetaObject::invokeMethod(shell, "go", Q_ARG(QVariant, QStringLiteral("caseload")));
    spin_until([] { return false; }, 400);  // let the page transition finish
  }
  stage("timeline opened 5 times");
  std::sort(opens.begin(), opens.end());
  std::printf("%.1f %.1f %.1f %.1f %.1f %.1f %.1f %.1f\n", argon, ui, unlock, caseload, opens[opens.size() / 2], rss_mb(),
              ms_since(start), status_mb("RssAnon"));
  return 0;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char* argv[]) {
  const auto start = Steady::now();
  if (argc >= 3 && std::string(argv[1]) == "--child") {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    return child(argc, argv, QString::fromLocal8Bit(argv[2]), start);
  }
  if (sodium_init() < 0) return 1;
  const int runs = argc >= 2 ? std::max(1, std::atoi(argv[1])) : 7;
  QTemporaryDir dir;
  std::printf("app_bench: %d cases, one person with %d timeline entries, %d cold starts\n", kCases,
              kTimelineEntries, runs);
  if (make_store(dir.path()) != 0) return 1;

  std::vector<double> argon, ui, unlock, caseload, timeline, rss, whole, own;
  for (int r = 0; r < runs; ++r) {
    int out[2];
    if (pipe(out) != 0) return 1;
    const pid_t pid = fork();
    if (pid == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      execl("/proc/self/exe", argv[0], "--child", dir.path().toLocal8Bit().constData(), nullptr);
      _exit(127);
    }
    close(out[1]);
    std::string line;
    char buf[256];
    ssize_t n;
    while ((n = read(out[0], buf, sizeof buf)) > 0) line.append(buf, static_cast<std::size_t>(n));
    close(out[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    double f[8];
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
        std::sscanf(line.c_str(), "%lf %lf %lf %lf %lf %lf %lf %lf", &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6],
                    &f[7]) != 8) {
      std::fprintf(stderr, "run %d failed\n", r + 1);
      return 1;
    }
    argon.push_back(f[0]);
    ui.push_back(f[1]);
    unlock.push_back(f[2]);
    caseload.push_back(f[3]);
    timeline.push_back(f[4]);
    rss.push_back(f[5]);
    whole.push_back(f[6]);
    own.push_back(f[7]);
  }
  // Cold start without Argon2id: window + (unlock - its Argon2id) + caseload drawn.
  std::vector<double> cold;
  for (std::size_t i = 0; i < ui.size(); ++i) cold.push_back(ui[i] + std::max(0.0, unlock[i] - argon[i]) + caseload[i]);
  std::printf("  Argon2id (t=2, 19 MiB), reported apart    %8.1f ms\n", median(argon));
  std::printf("  window and unlock page drawn               %8.1f ms\n", median(ui));
  std::printf("  unlock (Argon2id + open + first reads)     %8.1f ms\n", median(unlock));
  std::printf("  caseload of %d drawn after unlock         %8.1f ms\n", kCases, median(caseload));
  std::printf("  cold start to the caseload, no Argon2id    %8.1f ms   (target <= 400 ms)\n", median(cold));
  std::printf("  opening a timeline of %d entries         %8.1f ms   (target <= 100 ms)\n", kTimelineEntries,
              median(timeline));
  std::printf("  RSS after loading                          %8.1f MB   (target <= 150 MB)\n", median(rss));
  std::printf("    of which the process's own (RssAnon)     %8.1f MB; the rest is mapped Qt, ICU, fonts\n", median(own));
  std::printf("  (process start to exit, Argon2id twice     %8.1f ms)\n", median(whole));
  return 0;
}
