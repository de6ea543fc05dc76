// AppContext: creates every controller and model of the app and wires them together
// (unlock -> models load and sync starts; lock -> models clear and sync stops; a
// local change -> sync soon; a sync -> models re-read), then publishes them as QML
// singletons. main.cpp, the Quick tests, the screenshot harness and the benchmark
// each make one, injecting the platform services. UI thread only; one at a time.
#pragma once

#include <QObject>
#include <QString>
#include <memory>

#include "doorstep/core/store.h"

namespace doorstep::platform {
class Connectivity;
class LocationSource;
class PhotoCamera;
}  // namespace doorstep::platform

namespace doorstep::app {

class WorkerSession;
class SyncController;
class CaseloadModel;
class TodayModel;
class TimelineModel;
class NoteEditor;
class VisitController;
class ReportController;
class ConflictModel;
class QuarantineModel;
class OutboxModel;
class FormController;

struct PlatformServices {
  platform::Connectivity* connectivity = nullptr;  // not owned; must outlive the context
  platform::LocationSource* location = nullptr;
  platform::PhotoCamera* camera = nullptr;
};

class AppContext {
 public:
  // data_dir: where users/<user>/ stores live. options: the stores' options
  // (Argon2id cost, lockout, clock).
  AppContext(const QString& data_dir, const StoreOptions& options, PlatformServices services);
  ~AppContext();

  // Makes these objects the QML singletons (Session, Sync, Caseload, ...).
  void publish();

  WorkerSession& session() { return *session_; }
  SyncController& sync() { return *sync_; }
  CaseloadModel& caseload() { return *caseload_; }
  TodayModel& today() { return *today_; }
  TimelineModel& timeline() { return *timeline_; }
  NoteEditor& notes() { return *notes_; }
  VisitController& visit() { return *visit_; }
  ReportController& report() { return *report_; }
  ConflictModel& conflicts() { return *conflicts_; }
  QuarantineModel& quarantine() { return *quarantine_; }
  OutboxModel& outbox() { return *outbox_; }
  FormController& form() { return *form_; }

 private:
  QObject root_;  // parent of the wiring's connections
  std::unique_ptr<WorkerSession> session_;
  std::unique_ptr<SyncController> sync_;
  std::unique_ptr<CaseloadModel> caseload_;
  std::unique_ptr<TodayModel> today_;
  std::unique_ptr<TimelineModel> timeline_;
  std::unique_ptr<NoteEditor> notes_;
  std::unique_ptr<VisitController> visit_;
  std::unique_ptr<ReportController> report_;
  std::unique_ptr<ConflictModel> conflicts_;
  std::unique_ptr<QuarantineModel> quarantine_;
  std::unique_ptr<OutboxModel> outbox_;
  std::unique_ptr<FormController> form_;
};

}  // namespace doorstep::app
