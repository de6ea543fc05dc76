// Clock: the store's only source of wall time, so tests can inject time.
// Implementations must be safe to call from any thread.
#pragma once

#include <cstdint>
#include <string>

#include "doorstep/core/result.h"

namespace doorstep {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch, UTC.
  virtual std::int64_t now_ms() const = 0;
};

// The operating system's wall clock.
class SystemClock final : public Clock {
 public:
  std::int64_t now_ms() const override;
  static const SystemClock& instance();
};

// A clock tests move by hand. Not thread-safe: set it before sharing.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t start_ms) : now_(start_ms) {}
  std::int64_t now_ms() const override { return now_; }
  void set(std::int64_t ms) { now_ = ms; }
  void advance(std::int64_t ms) { now_ += ms; }

 private:
  std::int64_t now_;
};

// Timestamps are stored and shown as ISO 8601 UTC with milliseconds,
// "2026-11-25T09:30:00.000Z", which sorts as text in time order.
std::string format_timestamp(std::int64_t ms);

// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]" followed by "Z", "+HH:MM",
// "-HH:MM" or nothing (UTC). Returns milliseconds since the epoch.
Result<std::int64_t> parse_timestamp(const std::string& text);

// parse then format: the canonical form of a timestamp given by a person or a file.
Result<std::string> normalise_timestamp(const std::string& text);

}  // namespace doorstep
