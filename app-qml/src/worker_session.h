// WorkerSession: whose store is open on this device, and the rules that close it
// (docs/design.md, "The device store" and "The app"). Owns the UI thread's Store: enrol
// (create + enrol with the hub), unlock with a PIN, lock (by hand, after idle time,
// after time in the background), change PIN, switch user, sign out (crypto-erase this
// worker's store). Argon2id and enrolment run on a pool thread; the Store is handed
// back to the UI thread, which alone uses it. When the office reset the worker's
// password, enrolment asks for a new one (passwordChangeRequired); when it retired this
// device or reported it lost, sync erases the store and the session says so (notice). A
// QObject of the UI thread.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QtQml/qqmlregistration.h>
#include <functional>
#include <memory>
#include <mutex>

#include "doorstep/core/secure_key.h"
#include "doorstep/core/store.h"

namespace doorstep::app {

class WorkerSession : public QObject {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("created by the app's wiring")
  Q_PROPERTY(State state READ state NOTIFY stateChanged)
  Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
  Q_PROPERTY(QString user READ user NOTIFY stateChanged)
  Q_PROPERTY(QStringList users READ users NOTIFY usersChanged)
  Q_PROPERTY(QString error READ error NOTIFY errorChanged)
  Q_PROPERTY(QString serverUrl READ serverUrl NOTIFY stateChanged)
  // Something the office did to this device, in plain words (its store was erased);
  // shown on the sign-in and unlock pages until the next sign-in or unlock.
  Q_PROPERTY(QString notice READ notice NOTIFY noticeChanged)
  // The hub took the password but the office had reset it: the worker chooses a new
  // one (enrolWithNewPassword). passwordChangeReason is the hub's explanation.
  Q_PROPERTY(bool passwordChangeRequired READ passwordChangeRequired NOTIFY passwordChangeChanged)
  Q_PROPERTY(QString passwordChangeReason READ passwordChangeReason NOTIFY passwordChangeChanged)
  Q_PROPERTY(int idleLockSeconds READ idleLockSeconds WRITE setIdleLockSeconds NOTIFY lockSettingsChanged)
  Q_PROPERTY(int backgroundLockSeconds READ backgroundLockSeconds WRITE setBackgroundLockSeconds NOTIFY lockSettingsChanged)

 public:
  enum class State { NeedsEnrolment, Locked, Unlocked };
  Q_ENUM(State)

  // data_dir holds users/<user>/ for each worker enrolled on this device.
  WorkerSession(QString data_dir, StoreOptions options, QObject* parent = nullptr);
  ~WorkerSession() override;

  State state() const { return state_; }
  bool busy() const { return busy_ || office_erase_; }
  QString user() const { return user_; }
  QStringList users() const { return users_; }
  QString error() const { return error_; }
  QString serverUrl() const { return server_url_; }
  QString notice() const { return notice_; }
  bool passwordChangeRequired() const { return password_change_required_; }
  QString passwordChangeReason() const { return password_change_reason_; }
  int idleLockSeconds() const { return idle_lock_s_; }
  int backgroundLockSeconds() const { return background_lock_s_; }
  void setIdleLockSeconds(int s);
  void setBackgroundLockSeconds(int s);
  const QString& dataDir() const { return data_dir_; }

  // The unlocked store, or nullptr when locked. Only for the UI thread's controllers.
  Store* store() const { return store_.get(); }

  // Creates this worker's store with pin and enrols it with the hub at url. On any
  // failure nothing is left on the device. Result: unlocked() or error.
  Q_INVOKABLE void enrol(const QString& url, const QString& username, const QString& password, const QString& pin,
                         const QString& pinAgain);
  // enrol() after passwordChangeRequired: password is the one the office gave (it is
  // sent once more), newPassword the worker's own, typed twice. A new password the
  // hub refuses leaves passwordChangeRequired set, with the hub's reason as error.
  Q_INVOKABLE void enrolWithNewPassword(const QString& url, const QString& username, const QString& password,
                                        const QString& newPassword, const QString& newPasswordAgain,
                                        const QString& pin, const QString& pinAgain);
  Q_INVOKABLE void unlock(const QString& username, const QString& pin);
  Q_INVOKABLE void lock();
  // Locks and shows the list of workers on this device (a shared tablet).
  Q_INVOKABLE void switchUser() { lock(); }
  // Opens the enrolment page beside the existing workers (another worker on a shared tablet).
  Q_INVOKABLE void addWorker();
  Q_INVOKABLE void cancelAddWorker();
  Q_INVOKABLE bool changePin(const QString& oldPin, const QString& newPin, const QString& newPinAgain);
  // Crypto-erases this worker's store from the device. Unsent changes are lost, so
  // the page asks first (pendingChanges()).
  Q_INVOKABLE void signOut();
  Q_INVOKABLE int pendingChanges() const;
  Q_INVOKABLE void clearError() { setError({}); }
  Q_INVOKABLE void clearNotice() { setNotice({}); }

  // The office retired this device and sync has sent everything: the screens close
  // (drafts saved, then sent too) before the store is erased; busy until the end.
  void beginOfficeErase();
  // Sync erased the store at the office's request; message says what happened.
  void officeErased(const QString& message);
  // The erase did not happen this time (what the device holds could not all be sent).
  void officeEraseHeld(const QString& message);

  // Input happened: restarts the idle timer. Wired to an application event filter.
  Q_INVOKABLE void noteActivity();
  // The app went to (or came back from) the background.
  Q_INVOKABLE void setInBackground(bool background);

 signals:
  void stateChanged();
  void busyChanged();
  void usersChanged();
  void errorChanged();
  void noticeChanged();
  void passwordChangeChanged();
  void lockSettingsChanged();
  // The store is open. pin is for the sync thread to open its own connection; the
  // receiver must not keep it beyond that.
  void unlocked(const QString& storeDir, std::shared_ptr<const doorstep::SecretString> pin);
  // Emitted before the store closes: every model clears, every page goes.
  void aboutToLock();
  void lockedNow();

 private:
  void setState(State s);
  void setBusy(bool b);
  void setError(const QString& e);
  void setNotice(const QString& n);
  void setPasswordChange(bool required, const QString& reason);
  void startEnrol(const QString& url, const QString& username, const QString& password, const QString& pin,
                  const QString& pinAgain, const QString* newPassword);
  void refreshUsers();
  void adopt(std::unique_ptr<Store> store, std::shared_ptr<const SecretString> pin);
  QString userDir(const QString& user) const;
  // Runs work on a pool thread and done on this object's thread with its result.
  void runInBackground(std::function<std::function<void()>()> work);

  QString data_dir_;
  StoreOptions options_;
  std::unique_ptr<Store> store_;
  State state_ = State::NeedsEnrolment;
  bool busy_ = false;
  bool adding_worker_ = false;
  bool office_erase_ = false;
  bool password_change_required_ = false;
  QString user_, error_, server_url_, notice_, password_change_reason_;
  QStringList users_;
  int idle_lock_s_ = 300;
  int background_lock_s_ = 60;
  QTimer idle_timer_;
  QElapsedTimer background_since_;
  QTimer background_timer_;
};

// Person-facing text for an error: its message, without the domain/code prefix.
QString describe(const Error& e);

// Held around every Store::open and Store::create in the app (the UI's unlock and the
// sync thread's own connection): each counts a PIN attempt in the store's lockout
// file before trying it, and two at once would race on that file.
std::mutex& store_open_mutex();

}  // namespace doorstep::app
