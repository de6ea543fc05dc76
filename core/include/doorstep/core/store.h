// Store: one worker's encrypted store on one device (docs/design.md,
// "The device store"):
// <dir>/store.db (SQLCipher, SQLCipher 3 format), <dir>/key-envelope.json (the
// wrapped data key), <dir>/lockout.json (wrong-PIN count), <dir>/blobs/ (attachments).
//
// A Store is one open, unlocked connection. It is not thread-safe: use one Store
// per thread (the sync engine opens its own). Destroying or lock()ing it closes
// the database and zeroes the key.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "doorstep/core/clock.h"
#include "doorstep/core/hlc.h"
#include "doorstep/core/key_envelope.h"
#include "doorstep/core/key_store.h"
#include "doorstep/core/record.h"
#include "doorstep/core/result.h"
#include "doorstep/core/schema.h"
#include "doorstep/core/secure_key.h"

namespace doorstep {

namespace db {
class Database;
}
class BlobStore;

struct StoreOptions {
  KdfParams kdf;                          // Argon2id cost for new envelopes (default t=2, 19 MiB)
  int delay_after_failures = 3;           // wrong PINs allowed before delays start
  int erase_after_failures = 10;          // wrong PINs in a row that crypto-erase the store
  std::int64_t first_delay_ms = 30'000;   // wait after the 3rd wrong PIN; doubles with each further one
  const Clock* clock = nullptr;           // nullptr = SystemClock; not owned, must outlive the Store
};

// Paths of a store's files, for tools and tests.
struct StorePaths {
  explicit StorePaths(std::filesystem::path d) : dir(std::move(d)) {}
  std::filesystem::path dir;
  std::filesystem::path database() const { return dir / "store.db"; }
  std::filesystem::path envelope() const { return dir / "key-envelope.json"; }
  std::filesystem::path lockout() const { return dir / "lockout.json"; }
  std::filesystem::path blobs() const { return dir / "blobs"; }
};

struct StoreInfo {
  std::string user;
  std::string device_id;
  int schema_version = 0;
  std::string cipher_version;   // SQLCipher's own version string
  int cipher_page_size = 0;     // 1024: the SQLCipher 3 format
  std::string format;           // "sqlcipher3", the pinned file format
  std::int64_t pending_operations = 0;
  std::int64_t quarantined = 0;
  std::int64_t open_conflicts = 0;
  std::int64_t drafts = 0;      // note drafts and forms being filled in
  std::optional<std::string> last_sync;  // timestamp of the last completed sync, if any
};

// An outbox entry (docs/design.md, "Sync"): one local change waiting to be pushed.
struct OutboxOperation {
  std::int64_t seq = 0;
  std::string op_id;
  std::string record_type;
  std::string record_id;
  std::string action;     // "create", "update" or "delete"
  std::int64_t base_rev = 0;
  std::string fields;     // JSON object of the changed fields and their new values
  std::string hlc;
};

class Writer;

class Store {
 public:
  // Creates a new store in dir (created if missing; must not already hold a store).
  static Result<std::unique_ptr<Store>> create(const std::filesystem::path& dir, const std::string& user,
                                               const SecretString& pin, const StoreOptions& options = {});
  // Unlocks an existing store. A wrong PIN counts towards the lockout and returns
  // wrong_pin (the message says how many attempts remain); during a delay it returns
  // locked_out without trying the PIN; the last allowed failure erases the store and
  // returns erased.
  static Result<std::unique_ptr<Store>> open(const std::filesystem::path& dir, const SecretString& pin,
                                             const StoreOptions& options = {});
  // Unlocks with the platform wrap of the data key (no PIN, no lockout counting).
  static Result<std::unique_ptr<Store>> open_with_platform_key(const std::filesystem::path& dir, KeyStore& keys,
                                                               const StoreOptions& options = {});
  // Crypto-erase: the envelope is overwritten and deleted first (after which the data
  // is unreadable), then the database, its WAL and blobs. Works on a locked store.
  static Status erase(const std::filesystem::path& dir);
  static bool exists(const std::filesystem::path& dir);

  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Closes the database and zeroes the key. Later calls that need the database fail
  // with state/invalid_transition "the store is locked"; unlock again with open().
  void lock();
  bool locked() const;

  // Re-wraps the data key under new_pin; the database is not re-encrypted.
  Status change_pin(const SecretString& old_pin, const SecretString& new_pin);
  // Adds a platform wrap of the data key (requires the PIN once).
  Status enable_platform_key(KeyStore& keys, const std::string& key_id, const SecretString& pin);

  const std::string& user() const { return user_; }
  const std::string& device_id() const { return device_id_; }
  const StorePaths& paths() const { return paths_; }
  const Clock& clock() const { return *clock_; }
  Result<StoreInfo> info();

  // Runs one user action as one transaction. Everything the action writes through the
  // Writer (records, outbox operations, audit events) commits together or not at all.
  // If action returns an error the transaction rolls back and that error is returned.
  Status write(const std::function<Status(Writer&)>& action);

  // Reads one record; nullopt if absent. Soft-deleted records are returned with deleted=true.
  Result<std::optional<Record>> get(const std::string& type, const std::string& id);
  // Pending outbox operations in sequence order.
  Result<std::vector<OutboxOperation>> outbox(std::int64_t limit = 1000);
  Result<std::vector<Record>> list(const std::string& type, const std::string& where_field = "",
                                   const std::string& equals = "", std::int64_t limit = 1000);

  // A value the store keeps about itself (server URL, sync cursor, credentials);
  // nullopt when unset. Keys are documented where they are written.
  Result<std::optional<std::string>> meta(const std::string& key);
  // Audit events not yet sent to the server (rev 0), oldest first.
  Result<std::vector<Record>> unsent_audit(std::int64_t limit = 1000);
  // Outbox operations for records of a case (the case itself included).
  Result<std::int64_t> pending_for_case(const std::string& case_id);

  // Runs SQLite's integrity_check; "ok" when the file is sound.
  Result<std::string> integrity_check();

  // The attachments of this store. After lock() its calls fail (the keys are gone).
  BlobStore& blobs();

  // For core's own services (caseload, timeline, ...); not part of the public API.
  db::Database& database();
  HlcClock& hlc_clock() { return hlc_; }

 private:
  Store(StorePaths paths, const StoreOptions& options, SecureKey dek);
  Status open_database(bool create);
  Status load_identity();

  StorePaths paths_;
  StoreOptions options_;
  const Clock* clock_;
  SecureKey dek_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<BlobStore> blobs_;
  std::string user_;
  std::string device_id_;
  HlcClock hlc_;
};

// The write side of one transaction; valid only inside Store::write.
class Writer {
 public:
  // A local change by the worker: creates the record or updates the given fields,
  // stamps a new HLC, appends an outbox operation (unless the record is a draft or
  // local-only) and an audit event with the given action ("created", "changed", ...).
  // changed holds only the fields being set. Unknown fields and schema type mismatches
  // are invalid_argument. Returns the record as stored.
  Result<Record> change(const std::string& type, const std::string& id, const Fields& changed,
                        const std::string& audit_action, bool enqueue = true);

  // Writes a server (or imported) state as the base: no outbox, no audit. Used by
  // load and by the sync puller; applying a pull never records outbox operations.
  Status put_base(const Record& record);

  // Hard-deletes a record that never left the device (a discarded draft). Refused
  // (immutable) for a record the server has seen or that has pending outbox operations.
  Status discard(const std::string& type, const std::string& id, const std::string& audit_action);

  // --- For the sync engine. Each keeps the one-transaction rule: call inside write(). ---

  Status set_meta(const std::string& key, const std::string& value);
  // Writes a server state as the base and re-applies, on top, the fields of every
  // pending outbox operation for that record, in sequence order (rebase). Creates no
  // outbox entries and no audit events.
  Status apply_server_state(const Record& state);
  // True when no outbox operation is pending at all (a first sync): then every pulled
  // state is written as it is (put_base), without asking per record.
  Result<bool> outbox_empty();
  // The server applied outbox operation seq: removes it and records the server's
  // revision of the record (only if newer than what the store holds).
  Status acknowledge(std::int64_t seq, std::int64_t rev);
  // Moves outbox operation seq to the quarantine with the server's reason; the local
  // record keeps the worker's change so nothing they wrote is lost.
  Status quarantine(std::int64_t seq, const std::string& reason);
  // Deletes the case and every row that belongs to it (notes, visits, tasks,
  // completions, reports, attachments, conflicts), then people left with no case and
  // their own conflicts and attachments. Unfinished drafts on the case (notes and forms)
  // move to the quarantine with a reason: they never reached the server, so they must
  // not vanish.
  // Returns the SHA-256 of attachments no longer referenced, and of pictures answered on
  // the case's unfinished forms that no other case's record or draft names, whose blob
  // files the caller deletes after commit. Refused while the case has pending operations.
  Result<std::vector<std::string>> purge_case(const std::string& case_id);
  // Marks audit events as delivered to the server.
  Status mark_audit_sent(const std::vector<std::string>& ids);

  // --- After the server's history was restored from a backup (a new epoch) ---
  // The device checks what it holds against the restored server's states as a full
  // re-read delivers them, so that work the restored server lost reaches it again
  // (docs/architecture.md, "Sync after a server restore"). Meta keys: "restore_base"
  // while a check runs, "restore:<type>:<id>" for each record still to be checked,
  // "server_restored_at" when the last restore was noticed.

  // Starts a check: marks every record that came from the server (rev > 0; not
  // local-only, not audit events), lowers the base revision of pending operations to
  // base (the restore point, so the server treats what changed since as concurrent),
  // marks every audit event unsent (the hub stores each once by id), clears the
  // cursor and stores the new epoch. Starting again while one runs adds to it.
  Status begin_restore_check(const std::string& epoch, std::int64_t base);
  // During a check, in place of apply_server_state. changed_since_base names the fields
  // (and "deleted") the server changed after the restore; every other field of the
  // server's state is what the backup held. If the record is marked and its copy here
  // differs from the server's state (pending operations on top) in fields a device may
  // change that the server has not changed since, or was deleted here while the server
  // changed nothing since, one operation with the copy's values is queued, based on
  // base and dated with the copy's clock (as this device's); then the state is written
  // as apply_server_state does, so the copy's values stay. A field the server changed
  // after the restore keeps the server's value (the later change). Returns the number
  // of operations queued (0 or 1).
  Result<int> apply_restored_state(const Record& state, std::int64_t base,
                                   const std::vector<std::string>& changed_since_base);
  // When the re-read is complete: the cases still marked (the restored server no longer
  // gives them to this worker; the caller purges them as revocations) ...
  Result<std::vector<std::string>> restore_check_cases();
  // ... then every other marked record still here that a device may create is queued
  // again as a create of its whole state (its rev set to 0), ahead of every pending
  // operation so that those apply after what they depend on; the check ends. Returns
  // the number of operations queued.
  Result<std::int64_t> finish_restore_check();

  // Records an audit event (viewed, exported, ...) in this transaction.
  Status audit(const std::string& action, const std::string& record_type, const std::string& record_id);

  Result<std::optional<Record>> get(const std::string& type, const std::string& id);
  Store& store() { return store_; }

 private:
  friend class Store;
  explicit Writer(Store& s) : store_(s) {}
  Store& store_;
};

// True for 1-64 characters of [A-Za-z0-9._-]: what the store accepts as a record id.
bool is_record_id(const std::string& id);
// Rejects invalid UTF-8 and NUL bytes; names the byte offset of the first bad byte.
Status check_utf8(const std::string& text, const std::string& what);

}  // namespace doorstep
