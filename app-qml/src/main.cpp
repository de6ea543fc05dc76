// doorstep-app: creates the platform services and the app's controllers, wires them
// (AppContext), publishes them to QML and shows Main.qml. Nothing else lives here.
//
//   doorstep-app [--data DIR] [--dark|--light] [--text-scale 1.5]
//
// DIR defaults to the platform's app data location; it holds users/<user>/ stores.
#include <QCommandLineParser>
#include <QGuiApplication>
#include <QStandardPaths>
#include <QtQml/qqmlextensionplugin.h>

#include "app_context.h"
#include "app_window.h"
#include "doorstep/platform/camera.h"
#include "doorstep/platform/connectivity.h"
#include "doorstep/platform/location.h"

Q_IMPORT_QML_PLUGIN(DoorstepPlugin)

int main(int argc, char* argv[]) {
  doorstep::app::prepare_style();
  QGuiApplication app(argc, argv);
  QGuiApplication::setOrganizationName(QStringLiteral("Doorstep"));
  QGuiApplication::setApplicationName(QStringLiteral("Doorstep"));

  QCommandLineParser args;
  args.setApplicationDescription(QStringLiteral("Doorstep: case work at the door, with or without a signal"));
  args.addHelpOption();
  QCommandLineOption data({QStringLiteral("data")}, QStringLiteral("where workers' stores live"), QStringLiteral("DIR"),
                          QStandardPaths::writableLocation(QStandardPaths::AppDataLocation));
  QCommandLineOption dark(QStringLiteral("dark"), QStringLiteral("dark theme"));
  QCommandLineOption light(QStringLiteral("light"), QStringLiteral("light theme"));
  QCommandLineOption scale(QStringLiteral("text-scale"), QStringLiteral("text size, 1 = normal"), QStringLiteral("F"),
                           QStringLiteral("1"));
  args.addOptions({data, dark, light, scale});
  args.process(app);

  doorstep::platform::NetworkConnectivity connectivity;
  doorstep::platform::PositioningLocation location;
  doorstep::platform::MultimediaCamera camera;
  doorstep::app::AppContext context(args.value(data), doorstep::StoreOptions{},
                                    {&connectivity, &location, &camera});
  context.publish();

  QQmlApplicationEngine engine;
  doorstep::app::WindowOptions options;
  options.text_scale = std::clamp(args.value(scale).toDouble(), 0.75, 3.0);
  options.theme = args.isSet(dark) ? QStringLiteral("dark") : args.isSet(light) ? QStringLiteral("light") : QString();
  if (doorstep::app::load_main_window(engine, context.session(), options) == nullptr) return 1;
  return QGuiApplication::exec();
}
