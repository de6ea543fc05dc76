#include "hub/hub.h"

#include <sys/stat.h>

#include <sodium.h>

#include <thread>

#include "doorstep/core/hlc.h"
#include "hub/accounts.h"
#include "hub/token_keys.h"
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

// Argon2id hashes and checks at once by default: one per core but one, left to the
// thread writing each group commit of pushes and the requests around it. On two
// cores, two at once left a syncing device's pushes waiting for the CPU behind a
// flood of wrong passwords (bench/auth_flood; figures in bench/RESULTS.md).
std::size_t default_password_checks() {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 1 ? cores - 1 : 1;
}

}  // namespace

Hub::Hub(HubOptions options, const Clock& clock)
    : options_(std::move(options)),
      clock_(&clock),
      hlc_(clock),
      metrics_(options_.database.empty() ? "sqlite" : "postgresql"),
      page_gate_(options_.concurrent_pulls != 0 ? options_.concurrent_pulls : std::thread::hardware_concurrency()),
      password_gate_(options_.concurrent_password_checks != 0 ? options_.concurrent_password_checks
                                                              : default_password_checks()),
      password_workers_(password_gate_.capacity()) {}

Result<std::unique_ptr<Hub>> Hub::open(const HubOptions& options) {
  if (!crypto_ready()) return make_error(ErrorDomain::crypto, ErrorCode::internal, "libsodium cannot start");
  if (options.data_dir.empty())
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "no data directory given");
  if (options.access_ttl_s < 1 || options.access_ttl_s > 86400)
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "the access token lifetime must be 1-86400 s");
  if (options.session_idle_s < 60 || options.session_max_s < options.session_idle_s || options.session_max_s > 7 * 86400)
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                      "office sessions: the idle timeout must be at least 60 s and the maximum between it and 7 days");
  DOORSTEP_TRY(check_sign_in_limits(options.sign_in));
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

  hub->sign_in_brake_ = std::make_unique<SignInBrake>(*hub->pool_, clock, options.sign_in);

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
  const auto key_file = options.token_key_file.empty() ? options.data_dir / "token.keys" : options.token_key_file;
  auto keys = load_or_create_token_keys(key_file);
  if (!keys) return keys.error();
  hub->tokens_ = std::make_unique<TokenSigner>(std::move(*keys), key_file);

  auto deny_list = options.password_deny_list.empty() ? default_deny_list("/proc/self/exe")
                                                      : std::optional<std::filesystem::path>(options.password_deny_list);
  if (!deny_list)
    return make_error(ErrorDomain::io, ErrorCode::not_found,
                      "the list of common passwords (share/doorstep/common-passwords.txt) is missing; "
                      "reinstall doorstep-server or give --password-deny-list FILE");
  auto rules = PasswordRules::load(*deny_list);
  if (!rules) return rules.error();
  hub->password_rules_ = std::move(*rules);

  auto decoy = hash_password(*hub, new_uuid());
  if (!decoy) return decoy.error();
  hub->decoy_hash_ = *decoy;
  return hub;
}

}  // namespace doorstep::server
