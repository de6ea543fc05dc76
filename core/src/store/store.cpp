#include "doorstep/core/store.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "../db/database.h"
#include "../fs_util.h"
#include "doorstep/core/json_fields.h"
#include "doorstep/core/blob_store.h"
#include "lockout.h"
#include "derived_index.h"
#include "migrations.h"
#include "record_sql.h"

namespace doorstep {

namespace {

Error locked_error() {
  return make_error(ErrorDomain::state, ErrorCode::invalid_transition, "the store is locked");
}

// Sets a pragma and reads it back: a setting that does not take is an error, since
// each one is a promise (durability, no plaintext temp files, erased free pages).
Status set_and_check(db::Database& db, const std::string& name, const std::string& value,
                     const std::string& expect) {
  auto set = db.pragma("PRAGMA " + name + " = " + value);
  if (!set) return set.error();
  auto got = db.pragma("PRAGMA " + name);
  if (!got) return got.error();
  if (*got != expect)
    return make_error(ErrorDomain::store, ErrorCode::internal,
                      "PRAGMA " + name + " did not take (wanted " + expect + ", got " + *got + ")");
  return {};
}

}  // namespace

bool is_record_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == '.'))
      return false;
  return true;
}

Status check_utf8(const std::string& s, const std::string& what) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  auto bad = [&](std::size_t at) {
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                      what + " is not valid UTF-8 text (bad byte at offset " + std::to_string(at) + ")");
  };
  while (i < n) {
    unsigned char c = p[i];
    if (c == 0) return bad(i);
    if (c < 0x80) { ++i; continue; }
    std::size_t len;
    std::uint32_t cp;
    if ((c & 0xe0) == 0xc0) { len = 2; cp = c & 0x1f; }
    else if ((c & 0xf0) == 0xe0) { len = 3; cp = c & 0x0f; }
    else if ((c & 0xf8) == 0xf0) { len = 4; cp = c & 0x07; }
    else return bad(i);
    if (i + len > n) return bad(i);
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xc0) != 0x80) return bad(i + k);
      cp = (cp << 6) | (p[i + k] & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return bad(i);
    i += len;
  }
  return {};
}

Store::Store(StorePaths paths, const StoreOptions& options, SecureKey dek)
    : paths_(std::move(paths)),
      options_(options),
      clock_(options.clock ? options.clock : &SystemClock::instance()),
      dek_(std::move(dek)),
      hlc_(*clock_, "") {}

Store::~Store() { lock(); }

bool Store::exists(const std::filesystem::path& dir) {
  StorePaths p(dir);
  std::error_code ec;
  return std::filesystem::exists(p.envelope(), ec) || std::filesystem::exists(p.database(), ec);
}

Status Store::open_database(bool create) {
  auto db = db::Database::open(paths_.database(), dek_, create);
  if (!db) return db.error();
  db_ = std::move(*db);
  auto& d = *db_;
  auto cipher = d.pragma("PRAGMA cipher_version");
  if (!cipher) return cipher.error();
  if (cipher->rfind("4.", 0) == 0) {
    // SQLCipher 4 reads and writes the SQLCipher 3 format only when told to.
    DOORSTEP_TRY(d.exec("PRAGMA cipher_compatibility = 3"));
  }
  DOORSTEP_TRY(set_and_check(d, "cipher_page_size", "1024", "1024"));
  // The first read decrypts page 1: a wrong key or a damaged file shows up here.
  auto probe = d.pragma("SELECT count(*) FROM sqlite_master");
  if (!probe) {
    db_.reset();
    if (probe.error().code == ErrorCode::corrupt)
      return make_error(ErrorDomain::store, ErrorCode::corrupt,
                        "the store database cannot be read: it is damaged or does not belong to this key");
    return probe.error();
  }
  DOORSTEP_TRY(set_and_check(d, "journal_mode", "WAL", "wal"));
  DOORSTEP_TRY(set_and_check(d, "synchronous", "FULL", "2"));
  DOORSTEP_TRY(set_and_check(d, "secure_delete", "ON", "1"));
  DOORSTEP_TRY(set_and_check(d, "temp_store", "MEMORY", "2"));
  DOORSTEP_TRY(set_and_check(d, "foreign_keys", "ON", "1"));
  DOORSTEP_TRY(d.exec("PRAGMA cache_size = -8192"));
  DOORSTEP_TRY(store::migrate(d));
  auto check = d.pragma("PRAGMA quick_check");
  if (!check) return check.error();
  if (*check != "ok")
    return make_error(ErrorDomain::store, ErrorCode::corrupt, "the store is damaged: " + check->substr(0, 200));
  blobs_ = std::make_unique<BlobStore>(paths_.blobs(), dek_);
  return {};
}

Status Store::load_identity() {
  auto st = db_->prepare("SELECT key, value FROM meta WHERE key IN ('user', 'device_id', 'hlc_last')");
  if (!st) return st.error();
  std::string hlc_last;
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    const std::string k = (*st)->text(0);
    if (k == "user") user_ = (*st)->text(1);
    else if (k == "device_id") device_id_ = (*st)->text(1);
    else hlc_last = (*st)->text(1);
  }
  if (user_.empty() || device_id_.empty())
    return make_error(ErrorDomain::store, ErrorCode::corrupt, "the store has no user or device identity");
  hlc_ = HlcClock(*clock_, device_id_);
  if (!hlc_last.empty()) {
    auto h = Hlc::decode(hlc_last);
    if (h) hlc_.restore(*h);
  }
  return {};
}

Result<std::unique_ptr<Store>> Store::create(const std::filesystem::path& dir, const std::string& user,
                                             const SecretString& pin, const StoreOptions& options) {
  if (!is_record_id(user))
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                      "a user name is 1-64 letters, digits, '.', '-' or '_'");
  if (exists(dir))
    return make_error(ErrorDomain::store, ErrorCode::already_exists, "a store already exists in " + dir.string());
  if (!crypto_ready()) return make_error(ErrorDomain::crypto, ErrorCode::internal, "libsodium failed to start");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return make_error(ErrorDomain::io, ErrorCode::io_error, "cannot create " + dir.string() + ": " + ec.message());
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);

  SecureKey dek = SecureKey::random();
  auto env = KeyEnvelope::seal(dek, pin, options.kdf);
  if (!env) return env.error();
  std::unique_ptr<Store> s(new Store(StorePaths(dir), options, std::move(dek)));
  if (auto st = s->open_database(true); !st.ok()) return st.error();
  {
    db::Transaction tx(*s->db_);
    DOORSTEP_TRY(tx.begin());
    auto ins = s->db_->prepare("INSERT INTO meta(key, value) VALUES (?, ?)");
    if (!ins) return ins.error();
    DOORSTEP_TRY((*ins)->bind(1, "user").bind(2, user).run());
    (*ins)->reset();
    DOORSTEP_TRY((*ins)->bind(1, "device_id").bind(2, new_uuid()).run());
    (*ins)->reset();
    DOORSTEP_TRY((*ins)->bind(1, "created_at").bind(2, format_timestamp(s->clock_->now_ms())).run());
    DOORSTEP_TRY(tx.commit());
  }
  // The envelope is written last: a crash before this leaves a database nobody can
  // open, which create() refuses to overwrite and erase() removes.
  DOORSTEP_TRY(env->save(s->paths_.envelope()));
  DOORSTEP_TRY(store::reset_lockout(s->paths_.lockout()));
  DOORSTEP_TRY(s->load_identity());
  return s;
}

Result<std::unique_ptr<Store>> Store::open(const std::filesystem::path& dir, const SecretString& pin,
                                           const StoreOptions& options) {
  StorePaths paths(dir);
  const Clock& clock = options.clock ? *options.clock : SystemClock::instance();
  auto env = KeyEnvelope::load(paths.envelope());
  if (!env) {
    if (env.error().code == ErrorCode::not_found) {
      std::error_code ec;
      if (std::filesystem::exists(paths.database(), ec))
        return make_error(ErrorDomain::store, ErrorCode::corrupt,
                          "the store's key envelope is missing; its data cannot be unlocked");
      return make_error(ErrorDomain::store, ErrorCode::not_found, "no store in " + dir.string());
    }
    return env.error();
  }
  // The failure is counted durably before the PIN is tried, so killing the process
  // during the attempt cannot win free guesses.
  auto gate = store::begin_attempt(paths.lockout(), clock.now_ms());
  if (!gate) return gate.error();
  auto dek = env->open(pin);
  if (!dek) {
    if (dek.error().code != ErrorCode::wrong_pin) return dek.error();
    const int failures = gate->failures_after_this;
    if (failures >= options.erase_after_failures) {
      auto erased = erase(dir);
      if (!erased.ok()) return erased.error();
      return make_error(ErrorDomain::store, ErrorCode::erased,
                        std::to_string(failures) + " wrong PINs: the store has been erased from this device");
    }
    std::int64_t delay = 0;
    if (failures >= options.delay_after_failures) {
      const int doublings = std::min(failures - options.delay_after_failures, 20);
      delay = options.first_delay_ms << doublings;
    }
    DOORSTEP_TRY(store::record_failure(paths.lockout(), failures, delay ? clock.now_ms() + delay : 0));
    std::string msg = "the PIN is not correct; " + std::to_string(options.erase_after_failures - failures) +
                      " attempts left before the store is erased";
    if (delay) msg += "; wait " + std::to_string((delay + 999) / 1000) + " s before the next attempt";
    return make_error(ErrorDomain::crypto, ErrorCode::wrong_pin, msg);
  }
  DOORSTEP_TRY(store::reset_lockout(paths.lockout()));
  std::unique_ptr<Store> s(new Store(paths, options, std::move(*dek)));
  if (auto st = s->open_database(false); !st.ok()) return st.error();
  DOORSTEP_TRY(s->load_identity());
  return s;
}

Result<std::unique_ptr<Store>> Store::open_with_platform_key(const std::filesystem::path& dir, KeyStore& keys,
                                                             const StoreOptions& options) {
  StorePaths paths(dir);
  auto env = KeyEnvelope::load(paths.envelope());
  if (!env) return env.error();
  auto dek = env->open_with_platform(keys);
  if (!dek) return dek.error();
  std::unique_ptr<Store> s(new Store(paths, options, std::move(*dek)));
  if (auto st = s->open_database(false); !st.ok()) return st.error();
  DOORSTEP_TRY(s->load_identity());
  return s;
}

Status Store::erase(const std::filesystem::path& dir) {
  StorePaths p(dir);
  // The envelope first: once it is gone the rest is ciphertext without a key.
  DOORSTEP_TRY(fs::shred_file(p.envelope()));
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) DOORSTEP_TRY(fs::fsync_dir(dir));
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    auto f = p.database();
    f += suffix;
    std::filesystem::remove(f, ec);
  }
  std::filesystem::remove_all(p.blobs(), ec);
  std::filesystem::remove(p.lockout(), ec);
  std::filesystem::remove(dir, ec);  // only if nothing else lives there
  return {};
}

void Store::lock() {
  if (blobs_) blobs_->lock();  // kept, with its keys zeroed: later calls fail cleanly
  db_.reset();
  dek_.wipe();
}

bool Store::locked() const { return db_ == nullptr; }

db::Database& Store::database() { return *db_; }

BlobStore& Store::blobs() { return *blobs_; }

Status Store::change_pin(const SecretString& old_pin, const SecretString& new_pin) {
  if (locked()) return locked_error();
  auto env = KeyEnvelope::load(paths_.envelope());
  if (!env) return env.error();
  auto next = env->rewrap(old_pin, new_pin);
  if (!next) return next.error();
  DOORSTEP_TRY(next->save(paths_.envelope()));
  return write([&](Writer& w) { return w.audit("pin_changed", "store", device_id_); });
}

Status Store::enable_platform_key(KeyStore& keys, const std::string& key_id, const SecretString& pin) {
  if (locked()) return locked_error();
  auto env = KeyEnvelope::load(paths_.envelope());
  if (!env) return env.error();
  auto dek = env->open(pin);
  if (!dek) return dek.error();
  DOORSTEP_TRY(env->add_platform_wrap(keys, key_id, *dek));
  return env->save(paths_.envelope());
}

Result<StoreInfo> Store::info() {
  if (locked()) return locked_error();
  StoreInfo i;
  i.user = user_;
  i.device_id = device_id_;
  i.format = "sqlcipher3";
  auto count = [&](const std::string& sql) -> Result<std::int64_t> {
    auto v = db_->pragma(sql);
    if (!v) return v.error();
    return v->empty() ? 0 : std::stoll(*v);
  };
  auto uv = count("PRAGMA user_version");
  if (!uv) return uv.error();
  i.schema_version = static_cast<int>(*uv);
  auto cv = db_->pragma("PRAGMA cipher_version");
  if (!cv) return cv.error();
  i.cipher_version = *cv;
  auto ps = count("PRAGMA cipher_page_size");
  if (!ps) return ps.error();
  i.cipher_page_size = static_cast<int>(*ps);
  auto ops = count("SELECT count(*) FROM outbox");
  auto q = count("SELECT count(*) FROM quarantine");
  auto c = count("SELECT count(*) FROM conflict WHERE resolution IS NULL AND deleted = 0");
  auto d = count("SELECT (SELECT count(*) FROM case_note WHERE state = 'draft') + (SELECT count(*) FROM form_draft)");
  if (!ops) return ops.error();
  if (!q) return q.error();
  if (!c) return c.error();
  if (!d) return d.error();
  i.pending_operations = *ops;
  i.quarantined = *q;
  i.open_conflicts = *c;
  i.drafts = *d;
  auto ls = db_->pragma("SELECT value FROM meta WHERE key = 'last_sync'");
  if (!ls) return ls.error();
  if (!ls->empty()) i.last_sync = *ls;
  return i;
}

Status Store::write(const std::function<Status(Writer&)>& action) {
  if (locked()) return locked_error();
  db::Transaction tx(*db_);
  DOORSTEP_TRY(tx.begin());
  const Hlc before = hlc_.last();
  Writer w(*this);
  Status st = action(w);
  if (st.ok() && !(hlc_.last() == before)) {
    auto up = db_->prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('hlc_last', ?)");
    if (!up) st = up.error();
    else st = (*up)->bind(1, hlc_.last().encode()).run();
  }
  if (st.ok()) st = store::catch_up_derived_indexes(*db_);
  if (st.ok()) st = tx.commit();
  if (!st.ok()) hlc_.restore(before);  // timestamps of a rolled-back action were never used
  return st;
}

Result<std::optional<Record>> Store::get(const std::string& type, const std::string& id) {
  if (locked()) return locked_error();
  const RecordType* rt = find_record_type(type);
  if (rt == nullptr)
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "unknown record type: " + type);
  return store::read_record(*db_, *rt, id);
}

Result<std::vector<Record>> Store::list(const std::string& type, const std::string& where_field,
                                        const std::string& equals, std::int64_t limit) {
  if (locked()) return locked_error();
  const RecordType* rt = find_record_type(type);
  if (rt == nullptr)
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "unknown record type: " + type);
  if (!where_field.empty() && rt->field(where_field) == nullptr)
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "unknown field: " + where_field);
  return store::read_records(*db_, *rt, where_field, equals, limit);
}

Result<std::vector<OutboxOperation>> Store::outbox(std::int64_t limit) {
  if (locked()) return locked_error();
  auto st = db_->prepare(
      "SELECT seq, op_id, record_type, record_id, action, base_rev, fields, hlc FROM outbox ORDER BY seq LIMIT ?");
  if (!st) return st.error();
  (*st)->bind(1, limit);
  std::vector<OutboxOperation> out;
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back({(*st)->integer(0), (*st)->text(1), (*st)->text(2), (*st)->text(3), (*st)->text(4),
                   (*st)->integer(5), (*st)->text(6), (*st)->text(7)});
  }
  return out;
}

Result<std::string> Store::integrity_check() {
  if (locked()) return locked_error();
  return db_->pragma("PRAGMA integrity_check");
}

}  // namespace doorstep
