// Qt Quick Test entry for tests/app/qml/tst_*.qml: every page over the real
// controllers (AppContext), a real encrypted store in a temporary directory and the
// real doorstep-server --demo on a loopback port. Platform services are the manual
// ones (connectivity the test switches, a fixed location, a file "camera").
// TestSupport (QML singleton DoorstepTest.TestSupport) brings the device into the
// state a test needs; pages are driven only through their controls.
#include <QAccessible>
#include <QDir>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app_context.h"
#include "caseload_model.h"
#include "doorstep/core/visits.h"
#include "doorstep/platform/camera.h"
#include "doorstep/platform/connectivity.h"
#include "doorstep/platform/location.h"
#include "sync_controller.h"
#include "test_hub.h"
#include "timeline_model.h"
#include "worker_session.h"

Q_IMPORT_QML_PLUGIN(DoorstepPlugin)

using namespace doorstep;

namespace {
bool spin_until(const std::function<bool()>& done, int timeout_ms) {
  QElapsedTimer t;
  t.start();
  while (!done()) {
    if (t.elapsed() > timeout_ms) return false;
    QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
  }
  return true;
}
}  // namespace

class TestSupport : public QObject {
  Q_OBJECT
  Q_PROPERTY(QString serverUrl READ serverUrl CONSTANT)
  Q_PROPERTY(QString password READ password CONSTANT)
  Q_PROPERTY(QString pin READ pin CONSTANT)
  Q_PROPERTY(QString photo READ photo CONSTANT)
  Q_PROPERTY(QString worker READ worker CONSTANT)

 public:
  TestSupport(apptest::TestHub& hub, app::AppContext& ctx, platform::ManualConnectivity& net, QString photo)
      : hub_(hub), ctx_(ctx), net_(net), photo_(std::move(photo)) {}
  QString serverUrl() const { return hub_.url(); }
  QString password() const { return QString::fromLatin1(apptest::kDemoPassword); }
  QString pin() const { return QString::fromLatin1(apptest::kPin); }
  QString photo() const { return photo_; }
  QString worker() const { return QStringLiteral("sam"); }

  // Waits until a sync pass in progress (or about to start) has ended.
  Q_INVOKABLE bool waitForSync(int timeout_ms = 60000) {
    auto& s = ctx_.sync();
    spin_until([&] { return s.state() == app::SyncController::State::Syncing; }, 1500);
    return spin_until([&] { return s.state() != app::SyncController::State::Syncing; }, timeout_ms);
  }

  // Sam's store, unlocked and synced once (enrols the device on first use).
  Q_INVOKABLE bool ensureUnlocked() {
    auto& s = ctx_.session();
    net_.setOnline(true);
    if (s.state() == app::WorkerSession::State::Unlocked) return true;
    if (s.users().contains(worker())) s.unlock(worker(), pin());
    else s.enrol(serverUrl(), worker(), password(), pin(), pin());
    if (!spin_until([&] { return s.state() == app::WorkerSession::State::Unlocked || !s.error().isEmpty(); }, 60000))
      return false;
    if (s.state() != app::WorkerSession::State::Unlocked) {
      qWarning("ensureUnlocked: %s", qPrintable(s.error()));
      return false;
    }
    return waitForSync() && ctx_.caseload().rowCount() > 0;
  }

  // Locks and crypto-erases every store on the device: a new device.
  Q_INVOKABLE void resetDevice() {
    ctx_.session().lock();
    QDir users(QDir(ctx_.session().dataDir()).filePath(QStringLiteral("users")));
    for (const QString& u : users.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
      (void)Store::erase(users.filePath(u).toStdString());
    ctx_.session().cancelAddWorker();  // re-reads the list of workers
  }

  Q_INVOKABLE void setOnline(bool online) { net_.setOnline(online); }

  // The office resets user's password; returns the one-time password ("" on failure).
  Q_INVOKABLE QString resetPassword(const QString& user) {
    std::string body;
    if (hub_.office("POST", "/v1/office/accounts/" + user.toStdString() + "/reset-password", "{}", &body) != 200)
      return {};
    auto j = nlohmann::json::parse(body, nullptr, false);
    return j.is_object() && j.contains("password") && j["password"].is_string()
               ? QString::fromStdString(j["password"].get<std::string>())
               : QString();
  }
  // The office disables (or enables again) user's account.
  Q_INVOKABLE bool setAccountEnabled(const QString& user, bool enabled) {
    const std::string path = "/v1/office/accounts/" + user.toStdString() + (enabled ? "/enable" : "/disable");
    return hub_.office("POST", path, "{}") == 200;
  }
  // The office retires the device whose store is open.
  Q_INVOKABLE bool retireThisDevice() {
    Store* store = ctx_.session().store();
    if (store == nullptr) return false;
    return hub_.office("POST", "/v1/office/devices/" + store->device_id() + "/retire", "{}") == 200;
  }
  // True if the hub holds a case note with this body (the office's export).
  Q_INVOKABLE bool hubHasNote(const QString& text) {
    std::string body;
    if (hub_.office("GET", "/v1/office/export", "", &body) != 200) return false;
    std::istringstream lines(body);
    for (std::string line; std::getline(lines, line);) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (!j.is_object() || j.value("type", "") != "case_note") continue;
      const auto& f = j.contains("fields") ? j["fields"] : j;
      if (f.is_object() && f.value("body", "") == text.toStdString()) return true;
    }
    return false;
  }
  // Saves a picture of item at width x height as NAME.png in the folder named by
  // DOORSTEP_TEST_SCREENSHOTS, if that is set (the window is resized for the
  // picture, then put back).
  Q_INVOKABLE void screenshot(QQuickItem* item, const QString& name, int width, int height) {
    const QString dir = qEnvironmentVariable("DOORSTEP_TEST_SCREENSHOTS");
    if (dir.isEmpty() || item == nullptr || item->window() == nullptr) return;
    QQuickWindow* w = item->window();
    const QSize window_size = w->size();
    const QSizeF item_size = item->size();
    w->resize(width, height);
    item->setSize(QSizeF(width, height));
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 400) QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    QDir().mkpath(dir);
    w->grabWindow().copy(0, 0, width, height).save(QDir(dir).filePath(name + QStringLiteral(".png")));
    item->setSize(item_size);
    w->resize(window_size);
  }

  // Plain photo files the camera left in the store's incoming folder (none once a
  // report has taken them into the encrypted blob store).
  Q_INVOKABLE int incomingPhotos() const {
    Store* store = ctx_.session().store();
    if (store == nullptr) return -1;
    return QDir(QString::fromStdString((store->paths().dir / "incoming").string())).entryList(QDir::Files).size();
  }

  Q_INVOKABLE QString firstPerson() const { return role(ctx_.caseload(), "personId", 0); }
  Q_INVOKABLE QString firstPersonName() const { return role(ctx_.caseload(), "personName", 0); }

  // A visit still planned on Sam's caseload ("" if none).
  Q_INVOKABLE QString plannedVisit() const {
    Store* store = ctx_.session().store();
    if (store == nullptr) return {};
    auto list = store->list("visit", "status", "planned", 1000);
    if (!list) return {};
    for (const Record& v : *list)
      if (!v.deleted) return QString::fromStdString(v.id);
    return {};
  }

  // The summaries in the open timeline.
  Q_INVOKABLE QStringList timelineSummaries() const {
    QStringList out;
    auto& m = ctx_.timeline();
    for (int i = 0; i < m.rowCount(); ++i) out << m.data(m.index(i, 0), app::TimelineModel::SummaryRole).toString();
    return out;
  }

  // The worker and the office change the same visit's purpose, then the device syncs:
  // the hub records a conflict. Returns the visit id.
  Q_INVOKABLE QString makeConflict(const QString& mine, const QString& theirs) {
    const QString visit = plannedVisit();
    Store* store = ctx_.session().store();
    if (visit.isEmpty() || store == nullptr) return {};
    VisitPlan change;
    change.purpose = mine.toStdString();
    if (!Visits(*store).replan(visit.toStdString(), change)) return {};
    nlohmann::json body = {{"fields", {{"purpose", theirs.toStdString()}}}};
    if (hub_.office("PUT", "/v1/office/visits/" + visit.toStdString(), body.dump()) != 200) return {};
    ctx_.sync().syncNow();
    if (!waitForSync()) return {};
    return visit;
  }

  // Visible controls under item that a screen reader could not name: buttons, fields,
  // boxes, switches and list rows whose accessible name is empty. Returns one line each.
  Q_INVOKABLE QStringList unnamedControls(QQuickItem* item) const {
    QStringList out;
    if (item == nullptr) return out;
    std::function<void(QQuickItem*)> walk = [&](QQuickItem* i) {
      if (!i->isVisible() || i->opacity() == 0) return;
      const bool control = i->inherits("QQuickAbstractButton") || i->inherits("QQuickTextField") ||
                           i->inherits("QQuickTextArea") || i->inherits("QQuickComboBox") ||
                           i->inherits("QQuickSlider") || i->inherits("QQuickSpinBox");
      if (control) {
        QAccessibleInterface* iface = QAccessible::queryAccessibleInterface(i);
        const QString name = iface ? iface->text(QAccessible::Name) : QString();
        if (name.trimmed().isEmpty())
          out << QStringLiteral("%1 \"%2\"").arg(QString::fromLatin1(i->metaObject()->className()),
                                                 i->property("text").toString());
      }
      // A box's own parts (the text it shows, its indicator) are said as the box.
      if (i->inherits("QQuickComboBox") || i->inherits("QQuickSpinBox")) return;
      for (QQuickItem* c : i->childItems()) walk(c);
    };
    walk(item);
    return out;
  }

  // True if any string property of any object under item contains needle: what is
  // on screen, in accessibility names, or held by a control.
  Q_INVOKABLE bool holdsText(QObject* item, const QString& needle) const {
    if (item == nullptr || needle.isEmpty()) return false;
    QList<QObject*> all = item->findChildren<QObject*>();
    all << item;
    if (auto* qi = qobject_cast<QQuickItem*>(item)) {
      // Visual children that are not QObject children (Loader and delegate items).
      std::function<void(QQuickItem*)> walk = [&](QQuickItem* i) {
        for (QQuickItem* c : i->childItems()) {
          all << c;
          all << c->findChildren<QObject*>();
          walk(c);
        }
      };
      walk(qi);
    }
    for (QObject* o : all) {
      const QMetaObject* mo = o->metaObject();
      for (int p = 0; p < mo->propertyCount(); ++p) {
        const QMetaProperty prop = mo->property(p);
        if (prop.metaType().id() != QMetaType::QString) continue;
        if (prop.read(o).toString().contains(needle, Qt::CaseInsensitive)) return true;
      }
    }
    return false;
  }

 private:
  static QString role(QAbstractItemModel& m, const char* name, int row) {
    if (row >= m.rowCount()) return {};
    return m.data(m.index(row, 0), m.roleNames().key(name)).toString();
  }
  apptest::TestHub& hub_;
  app::AppContext& ctx_;
  platform::ManualConnectivity& net_;
  QString photo_;
};

class Setup : public QObject {
  Q_OBJECT
 public slots:
  void applicationAvailable() {
    QQuickStyle::setStyle(QStringLiteral("Material"));
    QCoreApplication::setOrganizationName(QStringLiteral("DoorstepTest"));
    hub_ = std::make_unique<apptest::TestHub>();
    if (hub_->url().isEmpty()) qFatal("doorstep-server did not start");
    const QString photo = dir_.filePath(QStringLiteral("photo.png"));
    apptest::write_test_png(photo);
    camera_ = std::make_unique<platform::StillFileCamera>(photo);
    StoreOptions options;
    options.first_delay_ms = 0;  // wrong-PIN tests need no wait
    ctx_ = std::make_unique<app::AppContext>(dir_.filePath(QStringLiteral("device")), options,
                                             app::PlatformServices{&net_, &location_, camera_.get()});
    ctx_->publish();
    support_ = std::make_unique<TestSupport>(*hub_, *ctx_, net_, photo);
  }
  void qmlEngineAvailable(QQmlEngine* engine) {
    engine->addImportPath(QStringLiteral(":/"));
    static bool registered = false;  // once per process; every test file's engine sees it
    if (registered) return;
    registered = true;
    qmlRegisterSingletonInstance("DoorstepTest", 1, 0, "TestSupport", support_.get());
  }
  void cleanupTestCase() {
    support_.reset();
    ctx_.reset();
    hub_.reset();
  }

 private:
  QTemporaryDir dir_;
  platform::ManualConnectivity net_;
  platform::FixedLocation location_;
  std::unique_ptr<platform::StillFileCamera> camera_;
  std::unique_ptr<apptest::TestHub> hub_;
  std::unique_ptr<app::AppContext> ctx_;
  std::unique_ptr<TestSupport> support_;
};

QUICK_TEST_MAIN_WITH_SETUP(app_pages, Setup)

#include "quick_test_main.moc"
