// Desktop and other non-Android builds: there is no FLAG_SECURE equivalent that
// Qt reaches, so nothing is done (docs/architecture.md, "What is on Android").
#include "doorstep/platform/secure_window.h"

namespace doorstep::platform {

bool mark_window_secure(QWindow*) { return false; }

}  // namespace doorstep::platform
