#include "doorstep/protocol/merge.h"

namespace doorstep::protocol {
}  // namespace doorstep::protocol
