#include "worker_session.h"

#include <QDir>
#include <QSettings>
#include <QSysInfo>
#include <QThreadPool>

#include "doorstep/client/curl_transport.h"
#include "doorstep/client/sync_engine.h"

namespace doorstep::app {

namespace {
QThreadPool& pool() {
  static QThreadPool p;
  p.setMaxThreadCount(1);  // one Argon2id at a time: memory, and the lockout file
  return p;
}
SecretString secret(const QString& s) {
  QByteArray b = s.toUtf8();
  SecretString out(b.constData(), static_cast<std::size_t>(b.size()));
  b.fill('\0');
  return out;
}
}  // namespace

std::mutex& store_open_mutex() {
  static std::mutex m;
  return m;
}

QString describe(const Error& e) {
  QString m = QString::fromStdString(e.message);
  if (!m.isEmpty()) m[0] = m[0].toUpper();
  return m;
}

WorkerSession::WorkerSession(QString data_dir, StoreOptions options, QObject* parent)
    : QObject(parent), data_dir_(std::move(data_dir)), options_(options) {
  QSettings settings;
  idle_lock_s_ = settings.value(QStringLiteral("lock/idle_seconds"), 300).toInt();
  background_lock_s_ = settings.value(QStringLiteral("lock/background_seconds"), 60).toInt();
  idle_timer_.setSingleShot(true);
  connect(&idle_timer_, &QTimer::timeout, this, &WorkerSession::lock);
  background_timer_.setSingleShot(true);
  connect(&background_timer_, &QTimer::timeout, this, &WorkerSession::lock);
  refreshUsers();
  state_ = users_.isEmpty() ? State::NeedsEnrolment : State::Locked;
}

WorkerSession::~WorkerSession() {
  pool().waitForDone();
  if (store_) store_->lock();
}

void WorkerSession::setIdleLockSeconds(int s) {
  s = std::max(30, s);
  if (s == idle_lock_s_) return;
  idle_lock_s_ = s;
  QSettings().setValue(QStringLiteral("lock/idle_seconds"), s);
  if (store_) idle_timer_.start(idle_lock_s_ * 1000);
  emit lockSettingsChanged();
}

void WorkerSession::setBackgroundLockSeconds(int s) {
  s = std::max(0, s);
  if (s == background_lock_s_) return;
  background_lock_s_ = s;
  QSettings().setValue(QStringLiteral("lock/background_seconds"), s);
  emit lockSettingsChanged();
}

QString WorkerSession::userDir(const QString& user) const {
  return QDir(data_dir_).filePath(QStringLiteral("users/") + user);
}

void WorkerSession::refreshUsers() {
  QStringList found;
  const QDir users(QDir(data_dir_).filePath(QStringLiteral("users")));
  for (const QString& name : users.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
    if (Store::exists(userDir(name).toStdString())) found << name;
  if (found != users_) {
    users_ = found;
    emit usersChanged();
  }
}

void WorkerSession::setState(State s) {
  if (s == state_) return;
  state_ = s;
  emit stateChanged();
}
void WorkerSession::setBusy(bool b) {
  if (b == busy_) return;
  busy_ = b;
  emit busyChanged();
}
void WorkerSession::setError(const QString& e) {
  if (e == error_) return;
  error_ = e;
  emit errorChanged();
}
void WorkerSession::setNotice(const QString& n) {
  if (n == notice_) return;
  notice_ = n;
  emit noticeChanged();
}
void WorkerSession::setPasswordChange(bool required, const QString& reason) {
  if (required == password_change_required_ && reason == password_change_reason_) return;
  password_change_required_ = required;
  password_change_reason_ = reason;
  emit passwordChangeChanged();
}

void WorkerSession::runInBackground(std::function<std::function<void()>()> work) {
  setBusy(true);
  pool().start([this, work = std::move(work)] {
    std::function<void()> done = work();
    QMetaObject::invokeMethod(this, [this, done] {
      setBusy(false);
      done();
    }, Qt::QueuedConnection);
  });
}

void WorkerSession::enrol(const QString& url, const QString& username, const QString& password, const QString& pin,
                          const QString& pinAgain) {
  startEnrol(url, username, password, pin, pinAgain, nullptr);
}

void WorkerSession::enrolWithNewPassword(const QString& url, const QString& username, const QString& password,
                                         const QString& newPassword, const QString& newPasswordAgain,
                                         const QString& pin, const QString& pinAgain) {
  if (busy()) return;
  if (newPassword.isEmpty()) return setError(tr("Choose a new password"));
  if (newPassword != newPasswordAgain) return setError(tr("The two new passwords are not the same"));
  startEnrol(url, username, password, pin, pinAgain, &newPassword);
}

void WorkerSession::startEnrol(const QString& url, const QString& username, const QString& password,
                               const QString& pin, const QString& pinAgain, const QString* newPassword) {
  if (busy()) return;
  const QString user = username.trimmed();
  if (!is_record_id(user.toStdString())) return setError(tr("A user name is letters, digits, '.', '-' or '_'"));
  if (pin.size() < 4) return setError(tr("Choose a PIN of at least 4 digits"));
  if (pin != pinAgain) return setError(tr("The two PINs are not the same"));
  if (password.isEmpty()) return setError(tr("Enter your password"));
  if (Store::exists(userDir(user).toStdString())) return setError(tr("%1 is already on this device").arg(user));
  setError({});
  auto pw = std::make_shared<SecretString>(secret(password));
  auto fresh = std::make_shared<SecretString>(newPassword ? secret(*newPassword) : SecretString());
  auto pn = std::make_shared<const SecretString>(secret(pin));
  const std::string dir = userDir(user).toStdString(), server = url.trimmed().toStdString(),
                    device_name = (QSysInfo::machineHostName() + QStringLiteral(" (Doorstep app)")).toStdString();
  const StoreOptions options = options_;
  runInBackground([this, dir, server, device_name, options, pw, fresh, pn,
                   u = user.toStdString()]() -> std::function<void()> {
    auto fail = [this](Error e) -> std::function<void()> {
      return [this, e] {
        if (e.code == ErrorCode::password_change_required) {
          // The office reset this password: the page asks for a new one.
          setPasswordChange(true, describe(e));
          return;
        }
        setError(describe(e));  // a refused new password keeps the page asking, with the hub's reason
      };
    };
    auto transport = client::CurlTransport::create(server);
    if (!transport) return fail(transport.error());
    std::unique_lock<std::mutex> opening(store_open_mutex());
    auto store = Store::create(dir, u, *pn, options);
    opening.unlock();
    if (!store) return fail(store.error());
    auto st = client::enrol(**store, **transport, server, *pw, device_name, *fresh);
    if (!st.ok()) {
      (*store)->lock();
      (void)Store::erase(dir);  // no half-made store is left behind
      return fail(st.error());
    }
    auto holder = std::make_shared<std::unique_ptr<Store>>(std::move(*store));
    return [this, holder, pn] {
      setPasswordChange(false, {});
      adopt(std::move(*holder), pn);
    };
  });
}

void WorkerSession::unlock(const QString& username, const QString& pin) {
  if (busy()) return;
  if (pin.isEmpty()) return setError(tr("Enter your PIN"));
  const std::string dir = userDir(username).toStdString();
  auto pn = std::make_shared<const SecretString>(secret(pin));
  const StoreOptions options = options_;
  setError({});
  runInBackground([this, dir, pn, options]() -> std::function<void()> {
    std::unique_lock<std::mutex> opening(store_open_mutex());
    auto store = Store::open(dir, *pn, options);
    opening.unlock();
    if (!store) {
      Error e = store.error();
      return [this, e] {
        refreshUsers();  // the last wrong PIN erases the store
        if (users_.isEmpty()) setState(State::NeedsEnrolment);
        setError(describe(e));
      };
    }
    auto holder = std::make_shared<std::unique_ptr<Store>>(std::move(*store));
    return [this, holder, pn] { adopt(std::move(*holder), pn); };
  });
}

void WorkerSession::adopt(std::unique_ptr<Store> store, std::shared_ptr<const SecretString> pin) {
  store_ = std::move(store);
  user_ = QString::fromStdString(store_->user());
  auto url = store_->meta("server_url");
  server_url_ = url && *url ? QString::fromStdString(**url) : QString();
  adding_worker_ = false;
  setNotice({});
  refreshUsers();
  idle_timer_.start(idle_lock_s_ * 1000);
  setState(State::Unlocked);
  emit stateChanged();  // user and server changed even if the state did not
  emit unlocked(QString::fromStdString(store_->paths().dir.string()), std::move(pin));
}

void WorkerSession::lock() {
  if (!store_) return;
  emit aboutToLock();
  idle_timer_.stop();
  background_timer_.stop();
  store_->lock();
  store_.reset();
  user_.clear();
  server_url_.clear();
  refreshUsers();
  setState(users_.isEmpty() ? State::NeedsEnrolment : State::Locked);
  emit stateChanged();
  emit lockedNow();
}

void WorkerSession::addWorker() {
  lock();
  adding_worker_ = true;
  setError({});
  setPasswordChange(false, {});
  setState(State::NeedsEnrolment);
}

void WorkerSession::cancelAddWorker() {
  adding_worker_ = false;
  refreshUsers();
  setError({});
  setPasswordChange(false, {});
  setState(users_.isEmpty() ? State::NeedsEnrolment : State::Locked);
}

bool WorkerSession::changePin(const QString& oldPin, const QString& newPin, const QString& newPinAgain) {
  if (!store_) return false;
  if (newPin.size() < 4) return setError(tr("Choose a PIN of at least 4 digits")), false;
  if (newPin != newPinAgain) return setError(tr("The two new PINs are not the same")), false;
  auto st = store_->change_pin(secret(oldPin), secret(newPin));
  if (!st.ok()) return setError(describe(st.error())), false;
  setError({});
  return true;
}

int WorkerSession::pendingChanges() const {
  if (!store_) return 0;
  auto i = store_->info();
  return i ? static_cast<int>(i->pending_operations + i->drafts) : 0;
}

void WorkerSession::signOut() {
  if (!store_) return;
  const std::string dir = store_->paths().dir.string();
  lock();
  auto st = Store::erase(dir);
  if (!st.ok()) setError(describe(st.error()));
  refreshUsers();
  setState(users_.isEmpty() ? State::NeedsEnrolment : State::Locked);
}

void WorkerSession::beginOfficeErase() {
  lock();  // the note being written is saved as a draft, and every screen lets go of the store
  setNotice(tr("Your council has retired this device. Sending what it holds to the hub, then erasing it…"));
  if (!office_erase_) {
    office_erase_ = true;
    emit busyChanged();
  }
}

void WorkerSession::officeErased(const QString& message) {
  lock();
  const bool was = office_erase_;
  office_erase_ = false;
  adding_worker_ = false;
  refreshUsers();
  setError({});
  setNotice(message);
  setState(users_.isEmpty() ? State::NeedsEnrolment : State::Locked);
  if (was) emit busyChanged();
}

void WorkerSession::officeEraseHeld(const QString& message) {
  const bool was = office_erase_;
  office_erase_ = false;
  setNotice(message);
  if (was) emit busyChanged();
}

void WorkerSession::noteActivity() {
  if (store_ && idle_timer_.isActive()) idle_timer_.start(idle_lock_s_ * 1000);
}

void WorkerSession::setInBackground(bool background) {
  if (!store_) return;
  if (background) {
    background_since_.start();
    background_timer_.start(background_lock_s_ * 1000);
  } else {
    background_timer_.stop();
    // A suspended app's timers may not have fired: judge by the time that passed.
    if (background_since_.isValid() && background_since_.elapsed() >= background_lock_s_ * 1000LL) return lock();
    idle_timer_.start(idle_lock_s_ * 1000);
  }
}

}  // namespace doorstep::app
