#include "doorstep/platform/process.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace doorstep::platform {

void tune_process_memory() {
#if defined(__GLIBC__)
  // A fixed threshold: glibc otherwise raises it to the size of the last large block
  // freed, and the next 19 MiB Argon2id buffer then stays in the heap after use.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
}

void release_free_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace doorstep::platform
