#include "app_context.h"

#include "qml_singletons.h"

namespace doorstep::app {

AppContext::AppContext(const QString& data_dir, const StoreOptions& options, PlatformServices services) {
  session_ = std::make_unique<WorkerSession>(data_dir, options);
  sync_ = std::make_unique<SyncController>(*session_, *services.connectivity, options);
  caseload_ = std::make_unique<CaseloadModel>(*session_);
  today_ = std::make_unique<TodayModel>(*session_);
  timeline_ = std::make_unique<TimelineModel>(*session_);
  notes_ = std::make_unique<NoteEditor>(*session_);
  visit_ = std::make_unique<VisitController>(*session_, *services.location);
  report_ = std::make_unique<ReportController>(*session_, *services.location, *services.camera);
  conflicts_ = std::make_unique<ConflictModel>(*session_);
  quarantine_ = std::make_unique<QuarantineModel>(*session_);
  outbox_ = std::make_unique<OutboxModel>(*session_);
  form_ = std::make_unique<FormController>(*session_, *services.location);

  QObject* r = &root_;
  // Unlock: the day's lists load, and sync opens its own connection and runs.
  QObject::connect(session_.get(), &WorkerSession::unlocked, r,
                   [this](const QString& dir, std::shared_ptr<const SecretString> pin) {
                     report_->removeLeftovers();
                     form_->reloadForms();
                     caseload_->reload();
                     today_->reload();
                     outbox_->reload();
                     conflicts_->reload();
                     quarantine_->reload();
                     sync_->start(dir, std::move(pin));
                   });
  // Lock: the draft is saved, then every model forgets what it showed; sync closes.
  QObject::connect(session_.get(), &WorkerSession::aboutToLock, r, [this] {
    notes_->close();
    form_->clear();
    report_->reset();
    visit_->clear();
    timeline_->clear();
    caseload_->clear();
    today_->clear();
    conflicts_->clear();
    quarantine_->clear();
    outbox_->clear();
    sync_->stop();
  });
  // A local change goes to the hub a few seconds later; the lists that show it re-read.
  auto changed = [this] {
    sync_->localChange();
    outbox_->reload();
  };
  QObject::connect(notes_.get(), &NoteEditor::localChange, r, changed);
  QObject::connect(visit_.get(), &VisitController::localChange, r, changed);
  QObject::connect(report_.get(), &ReportController::localChange, r, changed);
  QObject::connect(conflicts_.get(), &ConflictModel::localChange, r, changed);
  QObject::connect(form_.get(), &FormController::localChange, r, changed);
  QObject::connect(form_.get(), &FormController::submitted, r, [this] { timeline_->reload(); });
  QObject::connect(notes_.get(), &NoteEditor::noteSaved, r, [this] { timeline_->reload(); });
  QObject::connect(visit_.get(), &VisitController::visitChanged, r, [this] {
    today_->reload();
    timeline_->reload();
    caseload_->reload();
  });
  QObject::connect(report_.get(), &ReportController::submitted, r, [this] { timeline_->reload(); });
  // A sync pass brought or sent something: every list re-reads.
  QObject::connect(sync_.get(), &SyncController::synced, r, [this] {
    form_->reloadForms();
    caseload_->reload();
    today_->reload();
    timeline_->reload();
    conflicts_->reload();
    quarantine_->reload();
    outbox_->reload();
  });
  // The office retired this device or reported it lost: the screens let go of the
  // store before a retire's erase; afterwards the sign-in page says what happened.
  QObject::connect(sync_.get(), &SyncController::erasing, r, [this] { session_->beginOfficeErase(); });
  QObject::connect(sync_.get(), &SyncController::eraseHeld, r,
                   [this](const QString& message) { session_->officeEraseHeld(message); });
  QObject::connect(sync_.get(), &SyncController::wiped, r,
                   [this](const QString& message) { session_->officeErased(message); });
}

AppContext::~AppContext() {
  session_->lock();
  SessionSingleton::instance = nullptr;
}

void AppContext::publish() {
  SessionSingleton::instance = session_.get();
  SyncSingleton::instance = sync_.get();
  CaseloadSingleton::instance = caseload_.get();
  TodaySingleton::instance = today_.get();
  TimelineSingleton::instance = timeline_.get();
  NoteEditorSingleton::instance = notes_.get();
  VisitSingleton::instance = visit_.get();
  ReportSingleton::instance = report_.get();
  ConflictsSingleton::instance = conflicts_.get();
  QuarantineSingleton::instance = quarantine_.get();
  OutboxSingleton::instance = outbox_.get();
  FormSingleton::instance = form_.get();
}

}  // namespace doorstep::app
