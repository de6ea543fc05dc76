// SignInBrake: the brake on password guessing at the three sign-in endpoints
// (POST /v1/office/login, POST /v1/enrol, POST /v1/token).
//
// Two kinds of subject collect failures: "account:<user name>" (the name tried, known
// or not, so that a lock says nothing about which names exist) and
// "source:<address>" (the peer address of the connection). When one account has
// SignInLimits::account_failures failures, or one source source_failures, within the
// window, the subject is locked: until the lock ends every attempt naming it is
// refused before any credential is checked, a right one too. Each lock of a subject
// lasts twice as long as its last one (first_lock_s, 2x, 4x, ... up to max_lock_s);
// a subject not locked for forgive_s starts again at first_lock_s. A lock consumes
// the failures that made it. A success clears the account's failures (not its
// locks' count, and not the source's failures: one good password must not buy a
// guesser more guesses from the same address). Every lock is audited (locked_out).
//
// Failures and locks live in the database (sign_in_failure, sign_in_lock), so
// instances of one hub on one PostgreSQL database count together. An account's
// attempts still being checked are counted in memory too (a check takes tens of
// milliseconds, and waits its turn in the password pool): when its failures and its
// attempts in flight reach its limit, a further attempt waits until one of them ends
// and then asks again. So many connections at once cannot get more than
// account_failures guesses at one account past an unlocked check, and right
// passwords at once are only queued. Across instances the overshoot is at most one
// limit's worth per further instance. Sources are not held so (one address may be a
// whole office behind NAT): from one address, up to the HTTP threads' worth of
// guesses may be checked at once beyond source_failures before its lock.
//
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "doorstep/core/clock.h"
#include "doorstep/core/result.h"
#include "storage/sql_pool.h"

namespace doorstep::server {

// The brake's numbers (HubOptions::sign_in; doorstep-server --sign-in-* flags).
struct SignInLimits {
  std::int64_t account_failures = 5;   // failures of one account within the window that lock it
  std::int64_t source_failures = 20;   // failures from one address within the window that lock it
  std::int64_t window_s = 900;         // 15 minutes
  std::int64_t first_lock_s = 60;      // a first lock; each further one doubles
  std::int64_t max_lock_s = 3600;      // the longest lock
  std::int64_t forgive_s = 86400;      // no lock for this long: the next is a first lock again
};

// invalid_argument naming the bad number.
Status check_sign_in_limits(const SignInLimits& limits);

class SignInBrake;

// One sign-in attempt, from before its credential is checked until it is told how
// the check went. Move-only; while it lives it counts as its account's attempt in
// flight.
class SignInAttempt {
 public:
  SignInAttempt(SignInAttempt&& other) noexcept;
  SignInAttempt& operator=(SignInAttempt&&) = delete;
  SignInAttempt(const SignInAttempt&) = delete;
  ~SignInAttempt();

  // Refused: do not check the credential; answer 429 with retry_after_s().
  bool refused() const { return retry_after_s_ > 0; }
  // Whole seconds until an attempt may succeed again (at least 1), when refused().
  std::int64_t retry_after_s() const { return retry_after_s_; }

  // The credential was wrong: counts a failure for the account and the source, and
  // locks either that reached its limit (then refused() is true).
  Status failed();
  // The credential was right: clears the account's failures.
  Status succeeded();

 private:
  friend class SignInBrake;
  SignInAttempt(SignInBrake* brake, std::string account, std::string source)
      : brake_(brake), account_(std::move(account)), source_(std::move(source)) {}

  SignInBrake* brake_;
  std::string account_;  // user name; empty when the request names none (an unknown device)
  std::string source_;   // peer address
  std::int64_t retry_after_s_ = 0;
};

class SignInBrake {
 public:
  SignInBrake(SqlPool& pool, const Clock& clock, const SignInLimits& limits)
      : pool_(pool), clock_(clock), limits_(limits) {}

  // Before checking a credential for `account` (a user name; "" for none) from
  // `source` (the peer address). The attempt is refused when either is locked. When
  // the account's failures and its attempts in flight reach its limit, waits (up to
  // kMaxWait) for one of those to end and asks again; refused (retry after 1 s) if
  // none ends in time. Admissions to accounts are made one at a time per instance
  // (one short database read each).
  Result<SignInAttempt> begin(const std::string& account, const std::string& source);

  const SignInLimits& limits() const { return limits_; }
  // Attempts waiting now for others of their account to end (for /metrics and tests).
  std::size_t waiting() const;

  static constexpr std::chrono::milliseconds kMaxWait{10'000};

 private:
  friend class SignInAttempt;
  void leave(const std::string& account);
  Status failed(SignInAttempt& attempt);
  Status succeeded(SignInAttempt& attempt);
  // Inside failed()'s write transaction: locks the subject, whose failures reached
  // limit, unless it is locked already; returns until_ms of its lock. kind is
  // "account" or "source", name its user name or address, other the address or user
  // name of the failure that reached the limit (for the audit event).
  Result<std::int64_t> lock(SqlBackend& db, const std::string& kind, const std::string& name, std::int64_t limit,
                            const std::string& source, std::int64_t now);
  // Deletes failures older than the window and locks long forgiven, at most once a
  // minute per instance.
  void prune(SqlBackend& db, std::int64_t now);
  std::int64_t retry_after_s(std::int64_t until_ms, std::int64_t now) const;

  SqlPool& pool_;
  const Clock& clock_;
  const SignInLimits limits_;
  // One account's attempts between begin() and their end.
  struct Flight {
    std::int64_t running = 0;
    std::uint64_t ended = 0;  // changes whenever one ends: waiters ask again
  };
  mutable std::mutex mu_;
  std::condition_variable ended_;
  std::map<std::string, Flight> in_flight_;  // account -> its attempts; none: no entry
  std::size_t waiting_ = 0;
  std::atomic<std::int64_t> pruned_at_{0};
};

// The subjects' names in sign_in_failure and sign_in_lock.
std::string account_subject(const std::string& account);
std::string source_subject(const std::string& address);

// The worker a device is enrolled to, "" for an unknown device (POST /v1/token's
// account).
Result<std::string> account_of_device(SqlBackend& db, const std::string& device_id);

}  // namespace doorstep::server
