// Secure window: asks the OS to keep a window's content out of screenshots, the
// recent-apps thumbnail and screen casting (Android FLAG_SECURE), so case data does
// not leak from the screen. On other platforms it does nothing and says so.
// Call on the UI thread.
#pragma once

class QWindow;

namespace doorstep::platform {

// True when the platform applied the flag; false where no such flag exists here.
bool mark_window_secure(QWindow* window);

}  // namespace doorstep::platform
