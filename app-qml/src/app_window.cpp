#include "app_window.h"

#include <QEvent>
#include <QGuiApplication>
#include <QQuickStyle>
#include <cstdio>

#include "doorstep/platform/process.h"
#include "doorstep/platform/secure_window.h"
#include "worker_session.h"

namespace doorstep::app {

namespace {
// Any key, touch or mouse press counts as activity for the idle lock.
class ActivityFilter : public QObject {
 public:
  ActivityFilter(WorkerSession& s, QObject* parent) : QObject(parent), session_(s) {}
  bool eventFilter(QObject* o, QEvent* e) override {
    switch (e->type()) {
      case QEvent::KeyPress:
      case QEvent::MouseButtonPress:
      case QEvent::TouchBegin:
      case QEvent::Wheel: session_.noteActivity(); break;
      default: break;
    }
    return QObject::eventFilter(o, e);
  }

 private:
  WorkerSession& session_;
};
}  // namespace

void prepare_style() {
  platform::tune_process_memory();
  QQuickStyle::setStyle(QStringLiteral("Material"));
}

QQuickWindow* load_main_window(QQmlApplicationEngine& engine, WorkerSession& session, const WindowOptions& options) {
  engine.addImportPath(QStringLiteral(":/"));
  engine.setInitialProperties({{QStringLiteral("textScale"), options.text_scale},
                               {QStringLiteral("themeChoice"), options.theme}});
  engine.load(QUrl(QStringLiteral("qrc:/Doorstep/qml/Main.qml")));
  if (engine.rootObjects().isEmpty()) {
    std::fprintf(stderr, "doorstep-app: the user interface did not load\n");
    return nullptr;
  }
  auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().constFirst());
  if (window == nullptr) return nullptr;
  if (options.width > 0 && options.height > 0) window->resize(options.width, options.height);
  platform::mark_window_secure(window);
  qApp->installEventFilter(new ActivityFilter(session, window));
  QObject::connect(qApp, &QGuiApplication::applicationStateChanged, window, [&session](Qt::ApplicationState s) {
    session.setInBackground(s == Qt::ApplicationSuspended || s == Qt::ApplicationHidden);
  });
  return window;
}

}  // namespace doorstep::app
