// The keys that sign access tokens, in a key file beside the instance (never in the
// database: a dump of it must not let anyone mint tokens). Several instances of one
// hub share one file (--token-key-file).
//
// The file is text, owner-only (0600), one key a line: "<id> <64 hex digits>". The
// last line signs new tokens; every line verifies. `doorstep-server rotate-token-key`
// appends a new key (nobody is signed out: tokens of the old key still verify) and
// `rotate-token-key --retire-old` then keeps only the newest, once the old tokens
// have expired (office sessions last at most --session-max).
// Functions are stateless; thread-safe.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "doorstep/core/result.h"
#include "doorstep/core/secure_key.h"

namespace doorstep::server {

struct TokenKey {
  std::string id;  // 8 hex digits, unique in the file
  SecureKey key;
};

// corrupt for a damaged file, invalid_argument when it is readable by group or others,
// io_error when it cannot be read; an empty file is corrupt.
Result<std::vector<TokenKey>> read_token_keys(const std::filesystem::path& file);
// Reads the file, or creates it with one new key when it does not exist (two instances
// starting at once on a shared file both end up with the one that was written first).
Result<std::vector<TokenKey>> load_or_create_token_keys(const std::filesystem::path& file);
// Appends a new key (or, with retire_old, keeps only the newest existing one) and
// writes the file atomically. Returns the id of the key that signs now.
Result<std::string> rotate_token_keys(const std::filesystem::path& file, bool retire_old);

}  // namespace doorstep::server
