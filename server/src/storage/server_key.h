// The server key: a random 256-bit key in <data>/server.key (mode 0600, raw bytes),
// the SQLCipher key of the hub database. Made on first start; never logged.
// Thread-safe (no shared state).
#pragma once

#include <filesystem>

#include "doorstep/core/result.h"
#include "doorstep/core/secure_key.h"

namespace doorstep::server {

// Reads <data_dir>/server.key, creating it (O_EXCL, 0600, fsynced) when absent.
// A key file of the wrong length, or one readable by group or others, is refused.
Result<SecureKey> load_or_create_server_key(const std::filesystem::path& data_dir);

}  // namespace doorstep::server
