// Android only (compiled only when ANDROID): sets WindowManager.LayoutParams.FLAG_SECURE
// on the activity's window, on Android's UI thread.
#include <QCoreApplication>
#include <QJniObject>

#include "doorstep/platform/secure_window.h"

namespace doorstep::platform {

bool mark_window_secure(QWindow*) {
  constexpr int kFlagSecure = 0x00002000;  // WindowManager.LayoutParams.FLAG_SECURE
  QNativeInterface::QAndroidApplication::runOnAndroidMainThread([] {
    QJniObject activity(QNativeInterface::QAndroidApplication::context());
    QJniObject window = activity.callObjectMethod("getWindow", "()Landroid/view/Window;");
    if (window.isValid()) window.callMethod<void>("addFlags", "(I)V", kFlagSecure);
  });
  return true;
}

}  // namespace doorstep::platform
