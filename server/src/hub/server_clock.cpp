#include "hub/server_clock.h"

namespace doorstep::server {

std::string ServerClock::tick() {
  std::lock_guard<std::mutex> lock(mu_);
  return hlc_.now().encode();
}

void ServerClock::observe(const std::string& hlc, std::int64_t max_ahead_ms) {
  auto h = Hlc::decode(hlc);
  if (!h) return;
  std::lock_guard<std::mutex> lock(mu_);
  hlc_.observe(*h, max_ahead_ms);
}

}  // namespace doorstep::server
