// The app's controllers and models as QML singletons (Doorstep.WorkerSession's
// instance as `Session`, ...). Each points at an object the wiring (AppContext)
// created; QML never owns or creates them. UI thread only: set the instances before
// the QML engine loads anything and keep them alive while it runs.
#pragma once

#include <QJSEngine>
#include <QQmlEngine>
#include <QtQml/qqmlregistration.h>

#include "caseload_model.h"
#include "form_controller.h"
#include "note_editor.h"
#include "report_controller.h"
#include "sync_controller.h"
#include "sync_lists.h"
#include "timeline_model.h"
#include "today_model.h"
#include "visit_controller.h"
#include "worker_session.h"

namespace doorstep::app {

template <typename T>
T* published(T* instance, QJSEngine* engine) {
  Q_ASSERT(instance != nullptr);
  Q_ASSERT(engine->thread() == instance->thread());
  QJSEngine::setObjectOwnership(instance, QJSEngine::CppOwnership);
  return instance;
}

// clang-format off
struct SessionSingleton {
  Q_GADGET QML_FOREIGN(WorkerSession) QML_SINGLETON QML_NAMED_ELEMENT(Session)
 public:
  static inline WorkerSession* instance = nullptr;
  static WorkerSession* create(QQmlEngine*, QJSEngine* e) { return published(instance, e); }
};
struct SyncSingleton {
  Q_GADGET QML_FOREIGN(SyncController) QML_SINGLETON QML_NAMED_ELEMENT(Sync)
 public:
  static inline SyncController* instance = nullptr;
  static SyncController* create(QQmlEngine*, QJSEngine* e) { return published(instance, e); }
};
struct CaseloadSingleton {
  Q_GADGET QML_FOREIGN(CaseloadModel) QML_SINGLETON QML_NAMED_ELEMENT(Caseload)
 public:
  static inline CaseloadModel* instance = nullptr;
  static CaseloadModel* create(QQmlEngine*, QJSEngine* e) { return published(instance, e); }
};
struct TodaySingleton {
  Q_GADGET QML_FOREIGN(TodayModel) QML_SINGLETON QML_NAMED_ELEMENT(Today)
 public:
  static inline TodayModel* instance = nullptr;
  static TodayModel* create(QQmlEngine*, QJSEngine* e) { return published(instance, e); }
};
struct TimelineSingleton {
  Q_GADGET QML_FOREIGN(TimelineModel) QML_SINGLETON QML_NAMED_ELEMENT(Timeline)
 public:
  static inline TimelineModel* instance = nullptr;
  static TimelineModel* create(QQmlEngine*, QJSEngine* e) { return published(instance, e); }
};
struct NoteEditorSingleton {
  Q_GADGET QML_FOREIGN(NoteEditor) QML_SINGLETON QML_NAMED_ELEMENT(Notes)
 public:
  static inline NoteEditor* instance = nullptr;
  static NoteEditor* create(QQmlEngine*, QJSEngine* e) { return published(instance, e); }
};
struct VisitSingleton {
  Q_GADGET QML_FOREIGN(VisitController) QML_SINGLETON QML_NAMED_ELEMENT(Visit)
 public:
  static inline VisitController* instance = nullptr;
  static VisitController* create(QQmlEngine*, QJSEngine* e) { return published(instance, e); }
};
struct ReportSingleton {
  Q_GADGET QML_FOREIGN(ReportController) QML_SINGLETON QML_NAMED_ELEMENT(Report)
 public:
  static inline ReportController* instance = nullptr;
  static ReportController* create(QQmlEngine*, QJSEngine* e) { return published(instance, e); }
};
struct ConflictsSingleton {
  Q_GADGET QML_FOREIGN(ConflictModel) QML_SINGLETON QML_NAMED_ELEMENT(Conflicts)
 public:
  static inline ConflictModel* instance = nullptr;
  static ConflictModel* create(QQmlEngine*, QJSEngine* e) { return published(instance, e); }
};
struct QuarantineSingleton {
  Q_GADGET QML_FOREIGN(QuarantineModel) QML_SINGLETON QML_NAMED_ELEMENT(Quarantine)
 public:
  static inline QuarantineModel* instance = nullptr;
  static QuarantineModel* create(QQmlEngine*, QJSEngine* e) { return published(instance, e); }
};
struct OutboxSingleton {
  Q_GADGET QML_FOREIGN(OutboxModel) QML_SINGLETON QML_NAMED_ELEMENT(Outbox)
 public:
  static inline OutboxModel* instance = nullptr;
  static OutboxModel* create(QQmlEngine*, QJSEngine* e) { return published(instance, e); }
};
struct FormSingleton {
  Q_GADGET QML_FOREIGN(FormController) QML_SINGLETON QML_NAMED_ELEMENT(Form)
 public:
  static inline FormController* instance = nullptr;
  static FormController* create(QQmlEngine*, QJSEngine* e) { return published(instance, e); }
};
// clang-format on

}  // namespace doorstep::app
