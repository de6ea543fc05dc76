// Hybrid logical clock (docs/design.md, "Sync"): 48-bit milliseconds, 16-bit counter,
// device id as tie-break. HlcClock is not thread-safe; the store owns one per connection.
#pragma once

#include <cstdint>
#include <string>

#include "doorstep/core/clock.h"
#include "doorstep/core/result.h"

namespace doorstep {

struct Hlc {
  std::int64_t millis = 0;     // wall time, ms since epoch; only the low 48 bits are kept
  std::uint16_t counter = 0;   // orders events within one millisecond
  std::string device;          // tie-break when millis and counter are equal

  // Text form "0194f3a2b1c0-0000-<device>": fixed-width hex, so text order is
  // causal order. This is what the store and the wire carry.
  std::string encode() const;
  static Result<Hlc> decode(const std::string& text);

  friend bool operator<(const Hlc& a, const Hlc& b);
  friend bool operator==(const Hlc& a, const Hlc& b) = default;
};

class HlcClock {
 public:
  HlcClock(const Clock& wall, std::string device) : wall_(&wall), device_(std::move(device)) {}

  // A fresh timestamp later than every one this clock has issued or observed.
  Hlc now();
  // Folds in a timestamp seen from elsewhere (the server, a pulled record).
  // A remote clock more than max_ahead_ms ahead of our wall clock is clamped to
  // wall + max_ahead_ms, so a wrong clock cannot drag ours into the future.
  void observe(const Hlc& remote, std::int64_t max_ahead_ms = 5 * 60 * 1000);
  const Hlc& last() const { return last_; }
  void restore(const Hlc& last) { last_ = last; }

 private:
  const Clock* wall_;  // not owned
  std::string device_;
  Hlc last_;
};

// A new version-7 UUID (time-ordered, 74 random bits) in canonical lower-case text form.
std::string new_uuid();
// True for canonical 8-4-4-4-12 hex UUID text.
bool is_uuid(const std::string& text);

}  // namespace doorstep
