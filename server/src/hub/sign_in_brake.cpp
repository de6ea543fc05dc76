#include "hub/sign_in_brake.h"

#include <algorithm>

#include "doorstep/core/hlc.h"
#include "hub/audit_log.h"

namespace doorstep::server {

namespace {

constexpr std::int64_t kPruneEveryMs = 60'000;

Error invalid(const std::string& msg) { return make_error(ErrorDomain::input, ErrorCode::invalid_argument, msg); }

}  // namespace

std::string account_subject(const std::string& account) { return "account:" + account; }
std::string source_subject(const std::string& address) { return "source:" + address; }

Status check_sign_in_limits(const SignInLimits& l) {
  if (l.account_failures < 1 || l.account_failures > 1'000'000)
    return invalid("the failures that lock an account must be 1-1000000");
  if (l.source_failures < 1 || l.source_failures > 1'000'000)
    return invalid("the failures that lock a source address must be 1-1000000");
  if (l.window_s < 1 || l.window_s > 86400) return invalid("the sign-in failure window must be 1-86400 s");
  if (l.first_lock_s < 1 || l.first_lock_s > 86400) return invalid("the first sign-in lock must be 1-86400 s");
  if (l.max_lock_s < l.first_lock_s || l.max_lock_s > 7 * 86400)
    return invalid("the longest sign-in lock must be at least the first and at most 604800 s");
  if (l.forgive_s < 1) return invalid("the time a sign-in lock is forgiven after must be at least 1 s");
  return {};
}

Result<std::string> account_of_device(SqlBackend& db, const std::string& device_id) {
  auto rows = db.query("SELECT username FROM device WHERE device_id = ?", {device_id});
  if (!rows) return rows.error();
  return rows->empty() ? std::string() : rows->front().text(0);
}

// --- SignInAttempt ---

SignInAttempt::SignInAttempt(SignInAttempt&& other) noexcept
    : brake_(other.brake_),
      account_(std::move(other.account_)),
      source_(std::move(other.source_)),
      retry_after_s_(other.retry_after_s_) {
  other.brake_ = nullptr;
}

SignInAttempt::~SignInAttempt() {
  if (brake_) brake_->leave(account_);
}

Status SignInAttempt::failed() { return brake_ ? brake_->failed(*this) : Status{}; }
Status SignInAttempt::succeeded() { return brake_ ? brake_->succeeded(*this) : Status{}; }

// --- SignInBrake ---

std::int64_t SignInBrake::retry_after_s(std::int64_t until_ms, std::int64_t now) const {
  return std::max<std::int64_t>(1, (until_ms - now + 999) / 1000);
}

Result<SignInAttempt> SignInBrake::begin(const std::string& account, const std::string& source) {
  // brake_ stays null until the attempt counts in flight: a refusal ends nothing.
  SignInAttempt attempt(nullptr, account, source);
  const std::string acc = account_subject(account), src = source_subject(source);
  auto db = pool_.lease();
  if (!db) return db.error();
  if (account.empty()) {
    auto lock = (*db)->query("SELECT until_ms FROM sign_in_lock WHERE subject = ?", {src});
    if (!lock) return lock.error();
    const std::int64_t now = clock_.now_ms();
    if (!lock->empty() && lock->front().integer(0) > now)
      attempt.retry_after_s_ = retry_after_s(lock->front().integer(0), now);
    if (!attempt.refused()) attempt.brake_ = this;
    return attempt;
  }

  const auto deadline = std::chrono::steady_clock::now() + kMaxWait;
  // Admissions of this instance one at a time, so that the count in flight cannot
  // change while it is compared (an attempt ends only under mu_, after its failure
  // and any lock it made were committed).
  std::unique_lock<std::mutex> lk(mu_);
  for (;;) {
    const std::int64_t now = clock_.now_ms();
    // One statement, one snapshot: a lock made meanwhile and the failures it used up
    // are seen together.
    auto rows = (*db)->query(
        "SELECT (SELECT max(until_ms) FROM sign_in_lock WHERE subject IN (?, ?)),"
        " (SELECT count(*) FROM sign_in_failure WHERE subject = ? AND at_ms > ?)",
        {acc, src, acc, now - limits_.window_s * 1000});
    if (!rows) return rows.error();
    if (rows->empty()) return make_error(ErrorDomain::store, ErrorCode::internal, "the sign-in brake read no row");
    const std::int64_t until = rows->front().integer(0), failures = rows->front().integer(1);
    if (until > now) {
      attempt.retry_after_s_ = retry_after_s(until, now);
      return attempt;
    }
    auto it = in_flight_.find(account);
    const std::int64_t running = it == in_flight_.end() ? 0 : it->second.running;
    // Each attempt in flight may yet fail; with none in flight there is nothing to wait for.
    if (running == 0 || failures + running < limits_.account_failures) {
      ++in_flight_[account].running;
      break;
    }
    const std::uint64_t seen = it->second.ended;
    ++waiting_;
    const bool woke = ended_.wait_until(lk, deadline, [&] {
      auto now_it = in_flight_.find(account);
      return now_it == in_flight_.end() || now_it->second.ended != seen;
    });
    --waiting_;
    if (!woke) {
      attempt.retry_after_s_ = 1;
      return attempt;
    }
  }
  attempt.brake_ = this;
  return attempt;
}

std::size_t SignInBrake::waiting() const {
  std::lock_guard<std::mutex> g(mu_);
  return waiting_;
}

void SignInBrake::leave(const std::string& account) {
  if (account.empty()) return;
  {
    std::lock_guard<std::mutex> g(mu_);
    auto it = in_flight_.find(account);
    if (it == in_flight_.end()) return;
    ++it->second.ended;
    if (--it->second.running <= 0) in_flight_.erase(it);
  }
  ended_.notify_all();
}

Status SignInBrake::failed(SignInAttempt& a) {
  const std::int64_t now = clock_.now_ms();
  auto db = pool_.lease();
  if (!db) return db.error();
  const std::string acc = account_subject(a.account_), src = source_subject(a.source_);
  std::int64_t until = 0;
  const std::int64_t since = now - limits_.window_s * 1000;
  // A failure that could make a lock commits as every record does, waiting for the
  // disk: the lock and its audit event must survive a power cut. The others, almost
  // all of a flood, do not wait (TxMode::write_unsynced): a lost count costs nothing,
  // and a commit that waits for an fsync holds the write lock meanwhile, with every
  // push queued behind it (bench/auth_flood). Counted before the transaction, so a
  // failure counted at the same moment by another thread may make a lock unsynced;
  // the next commit that waits (any push) makes it durable too.
  bool near_a_limit = false;
  {
    auto before = (*db)->query(
        "SELECT subject, count(*) FROM sign_in_failure WHERE subject IN (?, ?) AND at_ms > ? GROUP BY subject",
        {acc, src, since});
    if (!before) return before.error();
    for (const auto& r : *before) {
      const std::int64_t limit = r.text(0) == src ? limits_.source_failures : limits_.account_failures;
      if (r.integer(1) + 1 >= limit) near_a_limit = true;
    }
    if (!a.account_.empty() && limits_.account_failures <= 1) near_a_limit = true;
    if (limits_.source_failures <= 1) near_a_limit = true;
  }
  {
    // A write transaction: on SQLite it queues with the pushes' group commits for
    // the write lock instead of polling SQLite's busy handler (whose sleeps grow to
    // 100 ms, a push's p99 under a flood of failures); on every engine it makes one
    // lock of failures counted at once, by any instance.
    Transaction tx(**db);
    DOORSTEP_TRY(tx.begin(near_a_limit ? TxMode::write : TxMode::write_unsynced));
    auto ins = a.account_.empty()
                   ? (*db)->exec("INSERT INTO sign_in_failure (subject, at_ms) VALUES (?, ?)", {src, now})
                   : (*db)->exec("INSERT INTO sign_in_failure (subject, at_ms) VALUES (?, ?), (?, ?)",
                                 {acc, now, src, now});
    if (!ins) return ins.error();
    auto counts = (*db)->query(
        "SELECT subject, count(*) FROM sign_in_failure WHERE subject IN (?, ?) AND at_ms > ? GROUP BY subject",
        {acc, src, since});
    if (!counts) return counts.error();
    for (const auto& r : *counts) {
      Result<std::int64_t> locked = std::int64_t{0};
      if (!a.account_.empty() && r.text(0) == acc && r.integer(1) >= limits_.account_failures)
        locked = lock(**db, "account", a.account_, limits_.account_failures, a.source_, now);
      else if (r.text(0) == src && r.integer(1) >= limits_.source_failures)
        locked = lock(**db, "source", a.source_, limits_.source_failures, a.account_, now);
      if (!locked) return locked.error();
      until = std::max(until, *locked);
    }
    DOORSTEP_TRY(tx.commit());
  }
  if (until > now) a.retry_after_s_ = retry_after_s(until, now);
  prune(**db, now);
  return {};
}

Result<std::int64_t> SignInBrake::lock(SqlBackend& db, const std::string& kind, const std::string& name,
                                       std::int64_t limit, const std::string& other, std::int64_t now) {
  const std::string subject = kind + ":" + name;
  auto existing = db.query("SELECT until_ms, strikes FROM sign_in_lock WHERE subject = ?", {subject});
  if (!existing) return existing.error();
  if (!existing->empty() && existing->front().integer(0) > now)
    return existing->front().integer(0);  // locked already, by an attempt that was checked at once
  std::int64_t strikes = 0;
  if (!existing->empty() && existing->front().integer(0) > now - limits_.forgive_s * 1000)
    strikes = existing->front().integer(1);
  std::int64_t length_s = limits_.first_lock_s;
  for (std::int64_t i = 0; i < strikes && length_s < limits_.max_lock_s; ++i) length_s *= 2;
  length_s = std::min(length_s, limits_.max_lock_s);
  const std::int64_t until = now + length_s * 1000;
  auto put = existing->empty()
                 ? db.exec("INSERT INTO sign_in_lock (subject, until_ms, strikes) VALUES (?, ?, ?)",
                           {subject, until, strikes + 1})
                 : db.exec("UPDATE sign_in_lock SET until_ms = ?, strikes = ? WHERE subject = ?",
                           {until, strikes + 1, subject});
  if (!put) return put.error();
  // The lock uses up the failures that made it: after it, another limit's worth locks again.
  auto used = db.exec("DELETE FROM sign_in_failure WHERE subject = ?", {subject});
  if (!used) return used.error();
  const std::string at = format_timestamp(now);
  std::string detail = std::to_string(limit) + " failed sign-ins within " + std::to_string(limits_.window_s) +
                       " s; locked for " + std::to_string(length_s) + " s (lock " + std::to_string(strikes + 1) + ")";
  if (!other.empty()) detail += kind == "account" ? "; the last from " + other : "; the last for account " + other;
  const std::string source = kind == "account" ? other : name;
  auto audited =
      append_audit(db, {new_uuid(), at, "server", "server", "locked_out", kind, name, detail, at, "", source});
  if (!audited) return audited.error();
  return until;
}

void SignInBrake::prune(SqlBackend& db, std::int64_t now) {
  std::int64_t last = pruned_at_.load();
  if (now - last < kPruneEveryMs && now >= last) return;
  if (!pruned_at_.compare_exchange_strong(last, now)) return;  // another thread prunes
  // Best effort: what is left is pruned next time, and counting ignores it anyway.
  Transaction tx(db);
  if (!tx.begin(TxMode::write).ok()) return;
  if (!db.exec("DELETE FROM sign_in_failure WHERE at_ms <= ?", {now - limits_.window_s * 1000}).ok()) return;
  if (!db.exec("DELETE FROM sign_in_lock WHERE until_ms <= ?", {now - limits_.forgive_s * 1000}).ok()) return;
  (void)tx.commit();
}

Status SignInBrake::succeeded(SignInAttempt& a) {
  if (a.account_.empty()) return {};
  auto db = pool_.lease();
  if (!db) return db.error();
  const std::string acc = account_subject(a.account_);
  // Read first: most sign-ins have no failures to clear, and need not write.
  auto any = (*db)->query("SELECT 1 FROM sign_in_failure WHERE subject = ? LIMIT 1", {acc});
  if (!any) return any.error();
  if (any->empty()) return {};
  Transaction tx(**db);  // queued with the other writers (failed())
  DOORSTEP_TRY(tx.begin(TxMode::write));
  auto del = (*db)->exec("DELETE FROM sign_in_failure WHERE subject = ?", {acc});
  if (!del) return del.error();
  return tx.commit();
}

}  // namespace doorstep::server
