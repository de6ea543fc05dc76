// Hub: the open state of one doorstep-server data directory, shared by every
// service (accounts, devices, push, changes, blobs, office): the database pool, the
// clocks, the token signer, the history epoch and the metrics.
//
// With SQLite (the default), in the data directory:
//   <data>/server.key  the SQLCipher key of the database (storage/server_key.h)
//   <data>/hub.db      the database (+ -wal, -shm)
//   <data>/hub.lock    held while the Hub is open: one serving process at a time
//                      (storage/data_dir_lock.h)
//   <data>/token.keys  the keys that sign access tokens (hub/token_keys.h), unless
//                      HubOptions::token_key_file names another file
// With PostgreSQL (HubOptions::database), the database is the cluster's and holds
// everything several instances share (the epoch in meta, sessions, accounts); the
// data directory is still made and kept for the instance's own files, and the
// instances of one hub share one token key file.
//
// Thread-safe: every member is either immutable after open() or synchronised.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "doorstep/core/clock.h"
#include "doorstep/core/result.h"
#include "hub/group_commit.h"
#include "hub/metrics.h"
#include "hub/password_rules.h"
#include "hub/server_clock.h"
#include "hub/sign_in_brake.h"
#include "hub/tokens.h"
#include "hub/low_priority_workers.h"
#include "hub/work_gate.h"
#include "storage/data_dir_lock.h"
#include "storage/sql_pool.h"

namespace doorstep::server {

struct HubOptions {
  std::filesystem::path data_dir;            // required; created (0700) if missing
  std::string database;                      // empty = SQLite in data_dir; else a postgresql:// URL
                                             // (or libpq key=value string) of a UTF8 database
  std::int64_t access_ttl_s = 900;           // a device's access token lifetime
  std::int64_t session_idle_s = 1800;        // an office session ends after this long unused
  std::int64_t session_max_s = 43200;        // and after this long in any case (12 h)
  std::filesystem::path token_key_file;      // empty = <data_dir>/token.keys; created if missing
  std::filesystem::path password_deny_list;  // empty = the one shipped (hub/password_rules.h);
                                             // a missing list fails open()
  std::size_t connections = 64;              // database connections kept open for reuse; as many
                                             // as HTTP worker threads, or busy threads reopen them
  std::size_t concurrent_pulls = 0;          // changes pages built at once; 0 = one per CPU core
                                             // (hub/work_gate.h)
  std::size_t concurrent_password_checks = 0;  // Argon2id hashes and verifications at once; 0 = one
                                               // per CPU core but one, at least 1 (hub/work_gate.h)
  SignInLimits sign_in;                       // the brake on password guessing (hub/sign_in_brake.h)
  // Argon2id cost of new password hashes: 7 MiB and 10 passes (hub/accounts.h says why).
  unsigned long long password_opslimit = 10;  // passes
  std::size_t password_memlimit = 7u << 20;   // memory (7 MiB)
  const Clock* clock = nullptr;              // nullptr = the system clock; not owned, must outlive the Hub
};

class Hub {
 public:
  // Opens (creating on first start) the data directory and the database: key (SQLite),
  // migrations, epoch, token keys and password rules. Several instances may open one
  // PostgreSQL database at once: migrations and the first epoch are made under the
  // writer lock, so every instance reads the same ones.
  static Result<std::unique_ptr<Hub>> open(const HubOptions& options);

  const HubOptions& options() const { return options_; }
  SqlPool& pool() { return *pool_; }
  const Clock& clock() const { return *clock_; }
  ServerClock& hlc() { return hlc_; }
  const TokenSigner& tokens() const { return *tokens_; }
  const PasswordRules& password_rules() const { return password_rules_; }
  Metrics& metrics() { return metrics_; }
  // Where pushes share their write transaction (hub/group_commit.h).
  GroupCommit& group_commit() { return group_commit_; }
  // Where changes pages wait for a turn to be built (hub/work_gate.h).
  WorkGate& page_gate() { return page_gate_; }
  // Where every Argon2id hash and verification waits for a turn (hub/accounts.h): a
  // flood of sign-ins takes at most one core each, and pushes keep the rest.
  WorkGate& password_gate() const { return password_gate_; }
  // Where those checks run once in the gate: as many threads as the gate has slots,
  // below the priority of the threads that answer requests (hub/low_priority_workers.h).
  const LowPriorityWorkers& password_workers() const { return password_workers_; }
  // Failures and locks at the sign-in endpoints (hub/sign_in_brake.h).
  SignInBrake& sign_in_brake() { return *sign_in_brake_; }
  // A random id made at first start; a restored or replaced database gets a new one.
  const std::string& epoch() const { return epoch_; }
  const std::string& backend_name() const { return pool_->backend_name(); }
  // A valid Argon2id hash of nothing anyone knows, verified against when the user
  // name is unknown so that both failures take the same time.
  const std::string& decoy_hash() const { return decoy_hash_; }

 private:
  Hub(HubOptions options, const Clock& clock);

  HubOptions options_;
  std::optional<DataDirLock> dir_lock_;  // SQLite only
  const Clock* clock_;
  ServerClock hlc_;
  SecureKey key_;
  std::unique_ptr<SqlPool> pool_;
  std::unique_ptr<TokenSigner> tokens_;
  PasswordRules password_rules_;
  Metrics metrics_;
  GroupCommit group_commit_;
  WorkGate page_gate_;
  mutable WorkGate password_gate_;  // entered from const paths (hash_password)
  LowPriorityWorkers password_workers_;
  std::unique_ptr<SignInBrake> sign_in_brake_;
  std::string epoch_;
  std::string decoy_hash_;
};

}  // namespace doorstep::server
