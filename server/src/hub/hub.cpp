#include "hub/hub.h"

#include <sys/stat.h>

#include <sodium.h>

#include <thread>

#include "doorstep/core/hlc.h"
#include "hub/accounts.h"
#include "storage/migrations.h"
#include "storage/postgres_backend.h"
#include "storage/server_key.h"
#include "storage/sqlite_backend.h"

namespace doorstep::server {

namespace {

// Reads meta[key], or stores make() there when absent; in one write transaction.
template <typename Make>
Result<std::string> meta_value(SqlBackend& db, const std::string& key, Make make) {
  Transaction tx(db);
  DOORSTEP_TRY(tx.begin(TxMode::write));
  auto rows = db.query("SELECT value FROM meta WHERE key = ?", {key});
  if (!rows) return rows.error();
  if (!rows->empty()) return rows->front().text(0);
  const std::string value = make();
  auto ins = db.exec("INSERT INTO meta (key, value) VALUES (?, ?)", {key, value});
  if (!ins) return ins.error();
  DOORSTEP_TRY(tx.commit());
  return value;
}

}  // namespace

Hub::Hub(HubOptions options, const Clock& clock)
    : options_(std::move(options)),
      clock_(&clock),
      hlc_(clock),
      metrics_(options_.database.empty() ? "sqlite" : "postgresql"),
      page_gate_(options_.concurrent_pulls != 0 ? options_.concurrent_pulls : std::thread::hardware_concurrency()) {}

Result<std::unique_ptr<Hub>> Hub::open(const HubOptions& options) {
  if (!crypto_ready()) return make_error(ErrorDomain::crypto, ErrorCode::internal, "libsodium cannot start");
  if (options.data_dir.empty())
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "no data directory given");
  if (options.access_ttl_s < 1 || options.access_ttl_s > 86400)
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "the access token lifetime must be 1-86400 s");
  std::error_code ec;
  if (!std::filesystem::exists(options.data_dir, ec)) {
    std::filesystem::create_directories(options.data_dir, ec);
    if (ec)
      return make_error(ErrorDomain::io, ErrorCode::io_error,
                        "cannot create " + options.data_dir.string() + ": " + ec.message());
    ::chmod(options.data_dir.c_str(), 0700);
  } else if (!std::filesystem::is_directory(options.data_dir, ec)) {
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument, options.data_dir.string() + " is not a directory");
  }

  const Clock& clock = options.clock ? *options.clock : SystemClock::instance();
  std::unique_ptr<Hub> hub(new Hub(options, clock));
  const auto file = options.data_dir / "hub.db";
  if (!options.database.empty()) {
    const std::string url = options.database;
    hub->pool_ = std::make_unique<SqlPool>(
        [url]() -> Result<std::unique_ptr<SqlBackend>> {
          auto db = PostgresBackend::connect(url);
          if (!db) return db.error();
          return std::unique_ptr<SqlBackend>(std::move(*db));
        },
        "postgresql", options.connections);
  } else {
    // Before the key and the database: restore and new-epoch take this lock too.
    auto lock = DataDirLock::take(options.data_dir);
    if (!lock) return lock.error();
    hub->dir_lock_ = std::move(*lock);
    auto key = load_or_create_server_key(options.data_dir);
    if (!key) return key.error();
    hub->key_ = std::move(*key);
    Hub* self = hub.get();
    hub->pool_ = std::make_unique<SqlPool>(
        [self, file]() -> Result<std::unique_ptr<SqlBackend>> {
          auto db = SqliteBackend::open(file, self->key_);
          if (!db) return db.error();
          return std::unique_ptr<SqlBackend>(std::move(*db));
        },
        "sqlite", options.connections);
  }

  auto db = hub->pool_->lease();
  if (!db) return db.error();
  if (options.database.empty()) {
    // The database holds case records: owner-only, whatever the umask.
    for (const char* suffix : {"", "-wal", "-shm"}) {
      const auto f = file.string() + suffix;
      if (std::filesystem::exists(f, ec)) ::chmod(f.c_str(), 0600);
    }
  }
  DOORSTEP_TRY(migrate(**db));

  auto epoch = meta_value(**db, "epoch", [] { return new_uuid(); });
  if (!epoch) return epoch.error();
  hub->epoch_ = *epoch;
  auto secret = meta_value(**db, "token_secret", [] {
    unsigned char b[32];
    randombytes_buf(b, sizeof b);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, b, sizeof b);
    sodium_memzero(b, sizeof b);
    return std::string(hex, 64);
  });
  if (!secret) return secret.error();
  SecureKey signing;
  if (secret->size() != 64 ||
      sodium_hex2bin(signing.data(), signing.size(), secret->data(), secret->size(), nullptr, nullptr, nullptr) != 0)
    return make_error(ErrorDomain::store, ErrorCode::corrupt, "the stored token secret is damaged");
  sodium_memzero(secret->data(), secret->size());
  hub->tokens_ = std::make_unique<TokenSigner>(std::move(signing));

  auto decoy = hash_password(*hub, new_uuid());
  if (!decoy) return decoy.error();
  hub->decoy_hash_ = *decoy;
  return hub;
}

}  // namespace doorstep::server
