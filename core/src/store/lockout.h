// Wrong-PIN accounting in <store>/lockout.json, private to the store. The count is
// outside the encrypted database because it must be read before the key is known.
#pragma once

#include <cstdint>
#include <filesystem>

#include "doorstep/core/result.h"

namespace doorstep::store {

struct AttemptGate {
  int failures_after_this = 0;  // the count already written, assuming this attempt fails
};

// Refuses (locked_out, with the wait in the message) while a delay runs; otherwise
// durably counts this attempt as a failure before the PIN is tried.
Result<AttemptGate> begin_attempt(const std::filesystem::path& file, std::int64_t now_ms);
// Writes the failure count and the time before which no attempt is allowed (0: none).
Status record_failure(const std::filesystem::path& file, int failures, std::int64_t locked_until_ms);
Status reset_lockout(const std::filesystem::path& file);

}  // namespace doorstep::store
