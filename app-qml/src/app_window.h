// Loading the app's window: the QML engine with the Doorstep module, Material
// style, the secure-window flag (Android), and the hooks that feed the lock rules
// (input resets the idle timer; going to the background starts the background
// timer). Shared by main.cpp, the screenshot harness and the benchmark. UI thread.
#pragma once

#include <QQmlApplicationEngine>
#include <QQuickWindow>

namespace doorstep::app {

class WorkerSession;

struct WindowOptions {
  double text_scale = 1.0;   // 1.5 = large text
  QString theme;             // "light", "dark" or "" (follow the system)
  int width = 0, height = 0; // 0 = the platform's choice
};

// Process memory settings and the style (call before the QGuiApplication is created).
void prepare_style();
// Loads Main.qml into engine and returns its window (nullptr, with a message on
// stderr, if it failed). Wires input and application state to session.
QQuickWindow* load_main_window(QQmlApplicationEngine& engine, WorkerSession& session, const WindowOptions& options);

}  // namespace doorstep::app
