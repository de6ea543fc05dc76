// WorkGate: at most N holders at once; the rest wait their turn in arrival order.
//
// The hub builds changes pages behind one, N = the CPU cores by default. Building a
// page is CPU work (SQLCipher decrypts, the page's JSON), so more pages at once than
// cores only share the cores more thinly, and the one thread that writes every push
// (hub/group_commit.h) then waits its turn among them all: with 32 devices syncing at
// once on 2 cores, pushes waited about twice as long, and pulls too (bench/load).
// Password hashes and checks (Argon2id, hub/accounts.h) go through a second one, for
// the same reason: a flood of sign-ins must not take every core (bench/auth_flood).
// Thread-safe; holders may be on any thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>

namespace doorstep::server {

class WorkGate {
 public:
  // capacity 0 is taken as 1.
  explicit WorkGate(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // A turn in the gate, held until it is destroyed. Move-only.
  class Permit {
   public:
    explicit Permit(WorkGate* gate) : gate_(gate) {}
    Permit(Permit&& other) noexcept : gate_(other.gate_) { other.gate_ = nullptr; }
    Permit& operator=(Permit&&) = delete;
    Permit(const Permit&) = delete;
    ~Permit() {
      if (gate_) gate_->leave();
    }

   private:
    WorkGate* gate_;
  };

  // Waits until fewer than capacity() hold a permit and everyone who came earlier
  // has entered, then enters.
  Permit enter();

  std::size_t capacity() const { return capacity_; }
  // How many wait to enter now, and how many hold a permit now (for /metrics).
  std::size_t waiting() const;
  std::size_t inside() const;

 private:
  void leave();

  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::size_t inside_ = 0;
  std::uint64_t next_ticket_ = 0;  // given to the next arrival
  std::uint64_t serving_ = 0;      // the oldest ticket not yet inside
};

}  // namespace doorstep::server
