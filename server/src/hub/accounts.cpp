#include "hub/accounts.h"

#include <sodium.h>

#include <algorithm>

#include "doorstep/core/store.h"

namespace doorstep::server {

namespace {

Error invalid(const std::string& msg) { return make_error(ErrorDomain::input, ErrorCode::invalid_argument, msg); }
Error refused() {
  return make_error(ErrorDomain::server, ErrorCode::unauthorised, "the user name or password is not correct");
}
Error no_account() { return make_error(ErrorDomain::server, ErrorCode::not_found, "no such account"); }

constexpr const char* kColumns =
    "username, role, team, teams, enabled, must_change_password, coalesce(email, ''), created_at,"
    " coalesce(last_sign_in, '')";

Account account_from(const SqlRow& r) {
  Account a;
  a.username = r.text(0);
  a.role = r.text(1);
  a.team = r.text(2);
  a.teams = teams_from_json(r.text(3));
  a.enabled = r.integer(4) != 0;
  a.must_change_password = r.integer(5) != 0;
  a.email = r.text(6);
  a.created_at = r.text(7);
  a.last_sign_in = r.text(8);
  return a;
}

Status check_team(const std::string& team) {
  if (team.size() > 64 || !check_utf8(team, "team").ok()) return invalid("a team name is text of up to 64 bytes");
  return {};
}

Status check_shape(const std::string& role, const std::string& team, const std::vector<std::string>& teams,
                   const std::string& email) {
  auto r = parse_role(role);
  if (!r) return invalid("role must be one of admin, manager, monitor, auditor, worker");
  DOORSTEP_TRY(check_team(team));
  if (teams.size() > 64) return invalid("an account has at most 64 teams");
  for (const auto& t : teams) {
    if (t.empty()) return invalid("a team name must not be empty");
    DOORSTEP_TRY(check_team(t));
  }
  if (!has_teams(*r) && !teams.empty())
    return invalid(std::string("a ") + role + " has no teams; only managers and monitors do");
  if (*r != Role::worker && !team.empty()) return invalid("only a worker has a \"team\"; office staff have \"teams\"");
  if (email.size() > 254 || !check_utf8(email, "email").ok() ||
      (!email.empty() && (email.find('@') == std::string::npos || email.find(' ') != std::string::npos)))
    return invalid("email must be an address such as name@council.gov.uk");
  return {};
}

}  // namespace

namespace {

// The hub's Argon2id cost, raised to libsodium's minimum where set below it.
unsigned long long cost_passes(const Hub& hub) {
  return std::max<unsigned long long>(hub.options().password_opslimit, crypto_pwhash_OPSLIMIT_MIN);
}
std::size_t cost_memory(const Hub& hub) {
  return std::max<std::size_t>(hub.options().password_memlimit, crypto_pwhash_MEMLIMIT_MIN);
}

}  // namespace

Result<std::string> hash_password(const Hub& hub, const std::string& password) {
  char out[crypto_pwhash_STRBYTES];
  const auto ops = cost_passes(hub);
  const auto mem = cost_memory(hub);
  int made = 0;
  {
    auto turn = hub.password_gate().enter();
    hub.password_workers().run([&] {
      made = crypto_pwhash_str_alg(out, password.data(), password.size(), ops, mem, crypto_pwhash_ALG_ARGON2ID13);
    });
  }
  if (made != 0) return make_error(ErrorDomain::crypto, ErrorCode::internal, "cannot hash a password (out of memory)");
  return std::string(out);
}

std::string random_password() {
  static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string out;
  for (int i = 0; i < 16; ++i) out += alphabet[randombytes_uniform(sizeof alphabet - 1)];
  return out;
}

Result<std::optional<Account>> Accounts::find(SqlBackend& db, const std::string& username) {
  auto rows = db.query(std::string("SELECT ") + kColumns + " FROM account WHERE username = ?", {username});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<Account>();
  return std::optional<Account>(account_from(rows->front()));
}

Result<std::optional<Account>> Accounts::find(const std::string& username) {
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  return find(**db, username);
}

Result<std::vector<Account>> Accounts::list() {
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  auto rows = (*db)->query(std::string("SELECT ") + kColumns + " FROM account ORDER BY username");
  if (!rows) return rows.error();
  std::vector<Account> out;
  for (const auto& r : *rows) out.push_back(account_from(r));
  return out;
}

Result<std::vector<Account>> Accounts::list(const std::string& after, int limit) {
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  auto rows = (*db)->query(std::string("SELECT ") + kColumns + " FROM account WHERE username > ? ORDER BY username LIMIT ?",
                           {after, static_cast<std::int64_t>(limit)});
  if (!rows) return rows.error();
  std::vector<Account> out;
  for (const auto& r : *rows) out.push_back(account_from(r));
  return out;
}

Result<Account> Accounts::create(const NewAccount& a, bool checked_password) {
  if (!is_record_id(a.username)) return invalid("a user name is 1-64 letters, digits, '.', '-' or '_'");
  DOORSTEP_TRY(check_shape(a.role, a.team, a.teams, a.email));
  if (checked_password) {
    DOORSTEP_TRY(hub_.password_rules().check(a.username, a.password));
  } else if (a.password.empty() || a.password.size() > kMaxPasswordChars) {
    return invalid("a password is 1-1024 characters");
  }
  auto hash = hash_password(hub_, a.password);  // slow: outside the transaction
  if (!hash) return hash.error();

  auto db = hub_.pool().lease();
  if (!db) return db.error();
  Transaction tx(**db);
  DOORSTEP_TRY(tx.begin(TxMode::write));
  auto existing = find(**db, a.username);
  if (!existing) return existing.error();
  if (*existing)
    return make_error(ErrorDomain::server, ErrorCode::already_exists, "an account with that user name exists");
  const std::string now = hub_.hlc().timestamp();
  auto ins = (*db)->exec(
      "INSERT INTO account (username, password_hash, role, team, teams, enabled, must_change_password, email,"
      " created_at) VALUES (?, ?, ?, ?, ?, 1, 0, ?, ?)",
      {a.username, *hash, a.role, a.team, teams_to_json(a.teams), a.email.empty() ? SqlValue{} : SqlValue{a.email},
       now});
  if (!ins) return ins.error();
  DOORSTEP_TRY(tx.commit());
  Account out;
  out.username = a.username;
  out.role = a.role;
  out.team = a.team;
  out.teams = a.teams;
  out.email = a.email;
  out.created_at = now;
  return out;
}

Result<Account> Accounts::verify(const std::string& username, const std::string& password) {
  if (username.size() > 64 || password.size() > kMaxPasswordChars) return refused();
  std::string hash;
  Account account;
  {
    auto db = hub_.pool().lease();
    if (!db) return db.error();
    auto rows = (*db)->query(std::string("SELECT ") + kColumns + ", password_hash FROM account WHERE username = ?",
                             {username});
    if (!rows) return rows.error();
    if (!rows->empty()) {
      account = account_from(rows->front());
      hash = rows->front().text(9);
    }
  }
  const bool known = !hash.empty();
  const std::string& against = known ? hash : hub_.decoy_hash();
  bool match = false;
  {
    // A few at once (Hub::password_gate), on the low-priority threads; the database
    // lease is given back first.
    auto turn = hub_.password_gate().enter();
    hub_.password_workers().run(
        [&] { match = crypto_pwhash_str_verify(against.c_str(), password.data(), password.size()) == 0; });
  }
  if (!known || !match) return refused();
  if (crypto_pwhash_str_needs_rehash(hash.c_str(), cost_passes(hub_), cost_memory(hub_)) != 0) rehash(username, hash, password);
  return account;
}

void Accounts::rehash(const std::string& username, const std::string& old_hash, const std::string& password) {
  // Best effort: the old hash still verifies, so a failure here costs nothing but a
  // retry at the next sign-in. The old hash in the WHERE keeps a password changed
  // meanwhile from being overwritten.
  auto fresh = hash_password(hub_, password);
  if (!fresh) return;
  auto db = hub_.pool().lease();
  if (!db) return;
  Transaction tx(**db);
  if (!tx.begin(TxMode::write).ok()) return;
  if (!(*db)->exec("UPDATE account SET password_hash = ? WHERE username = ? AND password_hash = ?",
                   {*fresh, username, old_hash}).ok())
    return;
  (void)tx.commit();
}

Result<Account> Accounts::change(const std::string& username, const AccountChange& c) {
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  Transaction tx(**db);
  DOORSTEP_TRY(tx.begin(TxMode::write));
  auto found = find(**db, username);
  if (!found) return found.error();
  if (!*found) return no_account();
  Account a = **found;
  const std::string old_role = a.role;
  if (c.role) a.role = *c.role;
  if (c.team) a.team = *c.team;
  if (c.teams) a.teams = *c.teams;
  if (c.email) a.email = *c.email;
  // A role without teams drops them; a worker moving to the office keeps no team.
  if (auto r = parse_role(a.role)) {
    if (!has_teams(*r) && !c.teams) a.teams.clear();
    if (*r != Role::worker && !c.team) a.team.clear();
  }
  DOORSTEP_TRY(check_shape(a.role, a.team, a.teams, a.email));
  if ((old_role == "worker") != (a.role == "worker")) {
    auto devices = (*db)->query("SELECT count(*) FROM device WHERE username = ? AND wiped_at IS NULL AND wipe = ''",
                                {username});
    if (!devices) return devices.error();
    if (!devices->empty() && devices->front().integer(0) > 0)
      return invalid("this worker still has devices in use; retire them before moving the account to the office");
  }
  auto up = (*db)->exec("UPDATE account SET role = ?, team = ?, teams = ?, email = ? WHERE username = ?",
                        {a.role, a.team, teams_to_json(a.teams), a.email.empty() ? SqlValue{} : SqlValue{a.email},
                         username});
  if (!up) return up.error();
  DOORSTEP_TRY(tx.commit());
  return a;
}

Result<bool> Accounts::set_enabled(const std::string& username, bool enabled) {
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  auto found = find(**db, username);
  if (!found) return found.error();
  if (!*found) return no_account();
  if ((*found)->enabled == enabled) return false;
  auto up = (*db)->exec("UPDATE account SET enabled = ? WHERE username = ?", {std::int64_t{enabled ? 1 : 0}, username});
  if (!up) return up.error();
  return true;
}

Result<std::string> Accounts::reset_password(const std::string& username) {
  auto found = find(username);
  if (!found) return found.error();
  if (!*found) return no_account();
  const std::string once = random_password();
  auto hash = hash_password(hub_, once);
  if (!hash) return hash.error();
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  auto up = (*db)->exec("UPDATE account SET password_hash = ?, must_change_password = 1 WHERE username = ?",
                        {*hash, username});
  if (!up) return up.error();
  return once;
}

Status Accounts::set_password(const std::string& username, const std::string& new_password) {
  DOORSTEP_TRY(hub_.password_rules().check(username, new_password));
  auto hash = hash_password(hub_, new_password);
  if (!hash) return hash.error();
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  auto up = (*db)->exec("UPDATE account SET password_hash = ?, must_change_password = 0 WHERE username = ?",
                        {*hash, username});
  if (!up) return up.error();
  if (*up == 0) return no_account();
  return {};
}

void Accounts::note_sign_in(const std::string& username) {
  auto db = hub_.pool().lease();
  if (!db) return;
  // Best effort: a busy database must not fail a sign-in for this.
  (void)(*db)->exec("UPDATE account SET last_sign_in = ? WHERE username = ?", {hub_.hlc().timestamp(), username});
}

Result<std::optional<std::string>> ensure_office_account(Hub& hub, const std::string& password) {
  {
    auto db = hub.pool().lease();
    if (!db) return db.error();
    auto rows = (*db)->query("SELECT count(*) FROM account WHERE role = 'admin'");
    if (!rows) return rows.error();
    if (!rows->empty() && rows->front().integer(0) > 0) return std::optional<std::string>();
  }
  const bool generated = password.empty();
  NewAccount a;
  a.username = "office";
  a.password = generated ? random_password() : password;
  a.role = "admin";
  auto made = Accounts(hub).create(a, false);
  // Another instance starting on the same database made it first: that one stands.
  if (!made && made.error().code == ErrorCode::already_exists) return std::optional<std::string>();
  if (!made) return made.error();
  return generated ? std::optional<std::string>(a.password) : std::optional<std::string>();
}

}  // namespace doorstep::server
