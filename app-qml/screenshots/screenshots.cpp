// doorstep-screenshots: renders every page of the app offscreen into PNG files, at
// phone (360x740) and tablet (1280x800) sizes, plus the caseload and person pages
// at 1.5x text and the day in the dark theme. Drives the real controllers over a
// real encrypted store enrolled with a real hub (scripts/screenshots starts one).
//
//   QT_QPA_PLATFORM=offscreen doorstep-screenshots --server URL --user sam --data DIR --out DIR
//   (password: DOORSTEP_PASSWORD; PIN: DOORSTEP_PIN, default 4826)
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QQuickItem>
#include <QTimer>
#include <QtQml/qqmlextensionplugin.h>
#include <cstdio>
#include <functional>

#include "app_context.h"
#include "app_window.h"
#include "caseload_model.h"
#include "form_controller.h"
#include "doorstep/platform/camera.h"
#include "doorstep/platform/connectivity.h"
#include "doorstep/platform/location.h"
#include "note_editor.h"
#include "report_controller.h"
#include "sync_controller.h"
#include "timeline_model.h"
#include "today_model.h"
#include "visit_controller.h"
#include "worker_session.h"

Q_IMPORT_QML_PLUGIN(DoorstepPlugin)

using namespace doorstep;

namespace {

// Runs the event loop until done() or timeout_ms; false on timeout.
bool wait_for(const std::function<bool()>& done, int timeout_ms) {
  QElapsedTimer t;
  t.start();
  while (!done()) {
    if (t.elapsed() > timeout_ms) return false;
    QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
  }
  return true;
}

void settle(int ms = 700) {
  QElapsedTimer t;
  t.start();
  while (t.elapsed() < ms) QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
}

struct Shooter {
  QQuickWindow* window;
  QString out;
  int count = 0;
  void shot(const QString& name) {
    settle();
    const QString path = QDir(out).filePath(name + QStringLiteral(".png"));
    if (!window->grabWindow().save(path)) std::fprintf(stderr, "could not save %s\n", qPrintable(path));
    else ++count;
  }
  QQuickItem* shell() { return window->findChild<QQuickItem*>(QStringLiteral("shell")); }
  void call(const char* method, const QVariant& arg = {}) {
    QQuickItem* s = shell();
    if (s == nullptr) return;
    if (arg.isValid()) QMetaObject::invokeMethod(s, method, Q_ARG(QVariant, arg));
    else QMetaObject::invokeMethod(s, method);
  }
  void go(const QString& key) { call("go", key); }
};

QString first_role(QAbstractItemModel& m, const char* role, const std::function<bool(int)>& pick = nullptr) {
  const int r = m.roleNames().key(role, -1);
  for (int i = 0; i < m.rowCount(); ++i)
    if (!pick || pick(i)) return m.data(m.index(i, 0), r).toString();
  return {};
}

}  // namespace

int main(int argc, char* argv[]) {
  app::prepare_style();
  QGuiApplication qapp(argc, argv);
  QGuiApplication::setOrganizationName(QStringLiteral("Doorstep"));
  QGuiApplication::setApplicationName(QStringLiteral("Doorstep screenshots"));
  QCommandLineParser args;
  QCommandLineOption server(QStringLiteral("server"), QStringLiteral("hub URL"), QStringLiteral("URL"));
  QCommandLineOption user(QStringLiteral("user"), QStringLiteral("worker"), QStringLiteral("NAME"), QStringLiteral("sam"));
  QCommandLineOption data(QStringLiteral("data"), QStringLiteral("device data dir"), QStringLiteral("DIR"));
  QCommandLineOption out(QStringLiteral("out"), QStringLiteral("where the PNGs go"), QStringLiteral("DIR"));
  QCommandLineOption photo(QStringLiteral("photo"), QStringLiteral("an image to add to the report"), QStringLiteral("FILE"));
  args.addOptions({server, user, data, out, photo});
  args.addHelpOption();
  args.process(qapp);
  if (!args.isSet(server) || !args.isSet(data) || !args.isSet(out)) args.showHelp(2);
  const QByteArray pin = qEnvironmentVariableIsSet("DOORSTEP_PIN") ? qgetenv("DOORSTEP_PIN") : QByteArray("4826");
  const QString password = QString::fromUtf8(qgetenv("DOORSTEP_PASSWORD"));
  QDir().mkpath(args.value(out));

  platform::ManualConnectivity connectivity;
  platform::FixedLocation location;
  platform::StillFileCamera camera({});
  app::AppContext context(args.value(data), StoreOptions{}, {&connectivity, &location, &camera});
  context.publish();
  app::WorkerSession& session = context.session();

  QQmlApplicationEngine engine;
  app::WindowOptions wo;
  wo.width = 360;
  wo.height = 740;
  QQuickWindow* window = app::load_main_window(engine, session, wo);
  if (window == nullptr) return 1;
  Shooter s{window, args.value(out)};

  // Sign in (or unlock), then wait for the first sync to finish.
  if (session.users().contains(args.value(user))) {
    s.shot(QStringLiteral("phone-unlock"));
    session.unlock(args.value(user), QString::fromUtf8(pin));
  } else {
    s.shot(QStringLiteral("phone-sign-in"));
    session.enrol(args.value(server), args.value(user), password, QString::fromUtf8(pin), QString::fromUtf8(pin));
  }
  if (!wait_for([&] { return session.state() == app::WorkerSession::State::Unlocked || !session.error().isEmpty(); },
                60'000) ||
      session.state() != app::WorkerSession::State::Unlocked) {
    std::fprintf(stderr, "doorstep-screenshots: could not sign in: %s\n", qPrintable(session.error()));
    return 1;
  }
  wait_for([&] { return context.sync().state() == app::SyncController::State::Syncing; }, 10'000);
  wait_for([&] { return context.sync().state() != app::SyncController::State::Syncing; }, 120'000);

  // A visit under way, so the day shows the lone-worker timer.
  app::TodayModel& today = context.today();
  QString due = first_role(today, "visitId", [&](int i) {
    return today.data(today.index(i, 0), app::TodayModel::SectionRole).toString() == QLatin1String("due");
  });
  if (due.isEmpty()) due = first_role(today, "visitId");
  const QString person = first_role(context.caseload(), "personId");

  auto pages = [&](const QString& size) {
    s.go(QStringLiteral("today"));
    s.shot(size + QStringLiteral("-today"));
    s.go(QStringLiteral("caseload"));
    s.shot(size + QStringLiteral("-caseload"));
    if (!person.isEmpty()) {
      s.call("openPerson", person);
      s.shot(size + QStringLiteral("-person"));
      s.call("writeNote", context.timeline().caseId());
      s.shot(size + QStringLiteral("-note-editor"));
      context.notes().discard();
      s.call("openPerson", person);
      settle(500);
      QMetaObject::invokeMethod(s.shell(), "openForm", Q_ARG(QVariant, QStringLiteral("statutory_visit_child")),
                                Q_ARG(QVariant, context.timeline().caseId()));
      context.form().answer(QStringLiteral("child_seen"), QStringLiteral("yes"));
      context.form().answer(QStringLiteral("visit_minutes"), QStringLiteral("700"));
      s.shot(size + QStringLiteral("-form"));
      context.form().discard();
    }
    if (!due.isEmpty()) {
      s.go(QStringLiteral("today"));
      s.call("openVisit", due);
      s.shot(size + QStringLiteral("-visit"));
    }
    s.go(QStringLiteral("report"));
    s.shot(size + QStringLiteral("-report"));
    app::ReportController& report = context.report();
    report.setCategory(report.categories().first());
    report.setDescription(QStringLiteral("Six black bags and a mattress against the wall of the alley"));
    report.setAddress(QStringLiteral("Back lane behind 12-20 Quarry Lane"));
    report.useLocation();
    if (args.isSet(photo)) report.addPhotoFile(QUrl::fromLocalFile(args.value(photo)));
    s.shot(size + QStringLiteral("-report-filled"));
    report.reset();
    s.go(QStringLiteral("sync"));
    s.shot(size + QStringLiteral("-sync"));
    s.go(QStringLiteral("settings"));
    s.shot(size + QStringLiteral("-settings"));
  };

  pages(QStringLiteral("phone"));
  if (!due.isEmpty()) {
    context.visit().open(due);
    context.visit().checkIn(60);
    s.go(QStringLiteral("today"));
    s.shot(QStringLiteral("phone-today-under-way"));
    s.call("openVisit", due);
    s.shot(QStringLiteral("phone-visit-under-way"));
  }
  window->resize(1280, 800);
  pages(QStringLiteral("tablet"));

  // Large text (1.5x) on a phone; the dark theme on a tablet.
  window->resize(360, 740);
  window->setProperty("textScale", 1.5);
  s.go(QStringLiteral("caseload"));
  s.shot(QStringLiteral("phone-large-text-caseload"));
  if (!person.isEmpty()) {
    s.call("openPerson", person);
    s.shot(QStringLiteral("phone-large-text-person"));
  }
  s.go(QStringLiteral("today"));
  s.shot(QStringLiteral("phone-large-text-today"));
  window->setProperty("textScale", 1.0);
  window->resize(1280, 800);
  window->setProperty("themeChoice", QStringLiteral("dark"));
  s.go(QStringLiteral("today"));
  s.shot(QStringLiteral("tablet-dark-today"));
  if (!person.isEmpty()) {
    s.call("openPerson", person);
    s.shot(QStringLiteral("tablet-dark-person"));
  }
  window->setProperty("themeChoice", QString());

  // Locked: nothing of the caseload is left on screen.
  window->resize(360, 740);
  session.lock();
  s.shot(QStringLiteral("phone-locked"));

  std::printf("%d screenshots in %s\n", s.count, qPrintable(QDir(args.value(out)).absolutePath()));
  return 0;
}
