#include "hub/accounts.h"

#include <sodium.h>

#include "doorstep/core/store.h"

namespace doorstep::server {

namespace {

Error invalid(const std::string& msg) { return make_error(ErrorDomain::input, ErrorCode::invalid_argument, msg); }
Error refused() {
  return make_error(ErrorDomain::server, ErrorCode::unauthorised, "the user name or password is not correct");
}

}  // namespace

Result<std::string> hash_password(const Hub& hub, const std::string& password) {
  char out[crypto_pwhash_STRBYTES];
  const auto ops = std::max<unsigned long long>(hub.options().password_opslimit, crypto_pwhash_OPSLIMIT_MIN);
  const auto mem = std::max<std::size_t>(hub.options().password_memlimit, crypto_pwhash_MEMLIMIT_MIN);
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return make_error(ErrorDomain::crypto, ErrorCode::internal, "cannot hash a password (out of memory)");
  return std::string(out);
}

std::string random_password() {
  static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string out;
  for (int i = 0; i < 16; ++i) out += alphabet[randombytes_uniform(sizeof alphabet - 1)];
  return out;
}

Result<std::optional<Account>> Accounts::find(SqlBackend& db, const std::string& username) {
  auto rows = db.query("SELECT username, role, team FROM account WHERE username = ?", {username});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<Account>();
  const auto& r = rows->front();
  return std::optional<Account>(Account{r.text(0), r.text(1), r.text(2)});
}

Result<Account> Accounts::create(const std::string& username, const std::string& password, const std::string& role,
                                 const std::string& team, std::size_t min_password_chars) {
  if (!is_record_id(username)) return invalid("a user name is 1-64 letters, digits, '.', '-' or '_'");
  if (role != "worker" && role != "office") return invalid("role must be \"worker\" or \"office\"");
  if (team.size() > 64 || !check_utf8(team, "team").ok()) return invalid("team must be text of up to 64 bytes");
  if (password.size() < std::max<std::size_t>(min_password_chars, 1))
    return invalid("a password needs at least " + std::to_string(std::max<std::size_t>(min_password_chars, 1)) +
                   " characters");
  if (password.size() > 1024) return invalid("a password has at most 1024 characters");
  auto hash = hash_password(hub_, password);  // slow: outside the transaction
  if (!hash) return hash.error();

  auto db = hub_.pool().lease();
  if (!db) return db.error();
  Transaction tx(**db);
  DOORSTEP_TRY(tx.begin(TxMode::write));
  auto existing = find(**db, username);
  if (!existing) return existing.error();
  if (*existing)
    return make_error(ErrorDomain::server, ErrorCode::already_exists, "an account with that user name exists");
  auto ins = (*db)->exec(
      "INSERT INTO account (username, password_hash, role, team, created_at) VALUES (?, ?, ?, ?, ?)",
      {username, *hash, role, team, hub_.hlc().timestamp()});
  if (!ins) return ins.error();
  DOORSTEP_TRY(tx.commit());
  return Account{username, role, team};
}

Result<Account> Accounts::verify(const std::string& username, const std::string& password) {
  if (username.size() > 64 || password.size() > 1024) return refused();
  std::string hash;
  Account account;
  {
    auto db = hub_.pool().lease();
    if (!db) return db.error();
    auto rows = (*db)->query("SELECT username, role, team, password_hash FROM account WHERE username = ?", {username});
    if (!rows) return rows.error();
    if (!rows->empty()) {
      const auto& r = rows->front();
      account = Account{r.text(0), r.text(1), r.text(2)};
      hash = r.text(3);
    }
  }
  const bool known = !hash.empty();
  const std::string& against = known ? hash : hub_.decoy_hash();
  const bool match = crypto_pwhash_str_verify(against.c_str(), password.data(), password.size()) == 0;
  if (!known || !match) return refused();
  return account;
}

Result<std::optional<std::string>> ensure_office_account(Hub& hub, const std::string& password) {
  {
    auto db = hub.pool().lease();
    if (!db) return db.error();
    auto rows = (*db)->query("SELECT count(*) FROM account WHERE role = 'office'");
    if (!rows) return rows.error();
    if (!rows->empty() && rows->front().integer(0) > 0) return std::optional<std::string>();
  }
  const bool generated = password.empty();
  const std::string pw = generated ? random_password() : password;
  auto made = Accounts(hub).create("office", pw, "office", "", 1);
  // Another instance starting on the same database made it first: that one stands.
  if (!made && made.error().code == ErrorCode::already_exists) return std::optional<std::string>();
  if (!made) return made.error();
  return generated ? std::optional<std::string>(pw) : std::optional<std::string>();
}

}  // namespace doorstep::server
