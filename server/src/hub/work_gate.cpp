#include "hub/work_gate.h"

namespace doorstep::server {

WorkGate::Permit WorkGate::enter() {
  std::unique_lock<std::mutex> lock(mu_);
  const std::uint64_t ticket = next_ticket_++;
  cv_.wait(lock, [&] { return ticket == serving_ && inside_ < capacity_; });
  ++serving_;
  ++inside_;
  // The next in line may fit too.
  cv_.notify_all();
  return Permit(this);
}

void WorkGate::leave() {
  {
    std::lock_guard<std::mutex> g(mu_);
    --inside_;
  }
  cv_.notify_all();
}

std::size_t WorkGate::waiting() const {
  std::lock_guard<std::mutex> g(mu_);
  return static_cast<std::size_t>(next_ticket_ - serving_);
}

std::size_t WorkGate::inside() const {
  std::lock_guard<std::mutex> g(mu_);
  return inside_;
}

}  // namespace doorstep::server
