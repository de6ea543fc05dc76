// ServerClock: the hub's hybrid logical clock (device id "server") and wall time.
// Thread-safe: one mutex around one HlcClock.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "doorstep/core/clock.h"
#include "doorstep/core/hlc.h"

namespace doorstep::server {

class ServerClock {
 public:
  explicit ServerClock(const Clock& wall) : wall_(wall), hlc_(wall, "server") {}

  // A fresh HLC, later than every one issued or observed; encoded.
  std::string tick();
  // Folds in a (device) clock, clamped to max_ahead_ms ahead of the wall clock.
  void observe(const std::string& hlc, std::int64_t max_ahead_ms);
  std::int64_t now_ms() const { return wall_.now_ms(); }
  // ISO 8601 UTC with milliseconds.
  std::string timestamp() const { return format_timestamp(wall_.now_ms()); }

 private:
  const Clock& wall_;
  std::mutex mu_;
  HlcClock hlc_;
};

}  // namespace doorstep::server
