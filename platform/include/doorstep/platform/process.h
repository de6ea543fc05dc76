// Process-wide settings the app makes once, before anything else runs.
// Call from main() (and from programs that measure the app) on the main thread.
#pragma once

namespace doorstep::platform {

// Large allocations (Argon2id's 19 MiB for each PIN check) are given back to the OS
// when freed instead of staying in the allocator's heap, so an unlock does not leave
// tens of megabytes resident. No effect where the C library has no such setting.
void tune_process_memory();

// Gives freed heap memory back to the OS now (after a burst such as an unlock).
void release_free_memory();

}  // namespace doorstep::platform
