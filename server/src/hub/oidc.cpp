#include "hub/oidc.h"

#include <sodium.h>

#include <fstream>

#include "doorstep/core/hlc.h"
#include "hub/accounts.h"
#include "hub/audit_log.h"
#include "hub/oidc_http.h"
#include "hub/roles.h"
#include "hub/tokens.h"

namespace doorstep::server {

using nlohmann::json;

namespace {

constexpr std::int64_t kStateTtlMs = 10 * 60 * 1000;          // a sign-in must finish within 10 minutes
constexpr std::int64_t kNonceKeptMs = 24 * 60 * 60 * 1000;     // used nonces remembered a day
constexpr auto kJwksRefetchEvery = std::chrono::seconds(60);   // at most once a minute on an unknown kid
constexpr std::size_t kMaxParam = 4096;

Error invalid(const std::string& msg) { return make_error(ErrorDomain::input, ErrorCode::invalid_argument, msg); }
Error refused(const std::string& msg) { return make_error(ErrorDomain::server, ErrorCode::unauthorised, msg); }
Error forbidden(const std::string& msg) {
  return make_error(ErrorDomain::server, ErrorCode::invalid_transition, msg);
}

std::string trim_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

std::string text_of(const json& j, const std::string& key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// PKCE S256: base64url(SHA-256(verifier)).
std::string code_challenge(const std::string& verifier) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size());
  return base64url(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

// Audited in its own transaction: a refusal leaves a trace whatever failed.
void audit_refusal(Hub& hub, const std::string& actor, const std::string& role, const std::string& why,
                   const std::string& source) {
  auto db = hub.pool().lease();
  if (!db) return;
  const std::string at = hub.hlc().timestamp();
  const std::string who = actor.empty() ? "unknown" : actor.substr(0, 254);
  (void)append_audit(**db, {new_uuid(), at, who, "office", "sign_in_refused", "account", who,
                            "oidc: " + why.substr(0, 500), at, role, source});
}

}  // namespace

Status check_oidc_config(const OidcConfig& c) {
  if (c.issuer.empty()) return invalid("--oidc-issuer is empty");
  if (!oidc_url_allowed(c.issuer))
    return invalid("--oidc-issuer must be an https:// URL (plain http only to 127.0.0.1 or localhost): " + c.issuer);
  if (c.client_id.empty()) return invalid("--oidc-client-id is empty");
  if (c.client_secret.empty()) return invalid("the OIDC client secret is empty");
  if (c.claim.empty()) return invalid("--oidc-claim is empty");
  if (!c.redirect_url.empty() && !oidc_url_allowed(c.redirect_url))
    return invalid("--oidc-redirect-url must be an https:// URL (plain http only to 127.0.0.1 or localhost): " +
                   c.redirect_url);
  return {};
}

Result<std::string> read_secret_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return invalid("cannot read the OIDC client secret file " + file.string());
  std::string line;
  std::getline(in, line);
  const auto first = line.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return invalid("the OIDC client secret file " + file.string() + " is empty");
  line = line.substr(first, line.find_last_not_of(" \t\r\n") - first + 1);
  return line;
}

Result<std::shared_ptr<OidcClient>> OidcClient::discover(OidcConfig config) {
  DOORSTEP_TRY(check_oidc_config(config));
  std::shared_ptr<OidcClient> c(new OidcClient(std::move(config)));
  const std::string where = trim_slash(c->config_.issuer) + "/.well-known/openid-configuration";
  auto doc = oidc_get_json(where);
  if (!doc) return make_error(doc.error().domain, doc.error().code, "OIDC discovery: " + doc.error().message);
  // OpenID Connect Discovery 4.3: the document's issuer is exactly the one asked for.
  if (text_of(*doc, "issuer") != c->config_.issuer)
    return invalid("OIDC discovery at " + where + " names the issuer \"" + text_of(*doc, "issuer") +
                   "\", not \"" + c->config_.issuer + "\" (give --oidc-issuer exactly as the provider names it)");
  c->authorization_endpoint_ = text_of(*doc, "authorization_endpoint");
  c->token_endpoint_ = text_of(*doc, "token_endpoint");
  c->jwks_uri_ = text_of(*doc, "jwks_uri");
  for (const auto* url : {&c->authorization_endpoint_, &c->token_endpoint_, &c->jwks_uri_})
    if (url->empty() || !oidc_url_allowed(*url))
      return invalid("OIDC discovery at " + where + " lacks an https:// authorization_endpoint, token_endpoint or "
                     "jwks_uri");
  if (doc->contains("code_challenge_methods_supported") && (*doc)["code_challenge_methods_supported"].is_array()) {
    bool s256 = false;
    for (const auto& m : (*doc)["code_challenge_methods_supported"]) s256 = s256 || m == "S256";
    if (!s256) return invalid("the OIDC provider does not support PKCE with S256");
  }
  auto jwks = oidc_get_json(c->jwks_uri_);
  if (!jwks) return make_error(jwks.error().domain, jwks.error().code, "OIDC keys: " + jwks.error().message);
  auto keys = parse_jwks(*jwks);
  if (!keys) return invalid("OIDC keys at " + c->jwks_uri_ + ": " + keys.error().message);
  c->keys_ = std::move(*keys);
  c->keys_fetched_ = std::chrono::steady_clock::now();
  return c;
}

Result<SigningKey> OidcClient::key_for(const std::string& kid) {
  std::lock_guard<std::mutex> lock(keys_mutex_);
  if (auto it = keys_.find(kid); it != keys_.end()) return it->second;
  // An unknown key id: the provider may have rotated its keys. Ask again, but not
  // more than once a minute, so that forged tokens cannot make the hub hammer it.
  const auto now = std::chrono::steady_clock::now();
  if (now - keys_fetched_ >= kJwksRefetchEvery) {
    keys_fetched_ = now;
    auto jwks = oidc_get_json(jwks_uri_);
    if (!jwks) return jwks.error();
    auto keys = parse_jwks(*jwks);
    if (keys) keys_ = std::move(*keys);
    if (auto it = keys_.find(kid); it != keys_.end()) return it->second;
  }
  return refused("the ID token is signed with a key the provider does not publish (kid \"" + kid + "\")");
}

Result<std::string> OidcClient::start(Hub& hub) {
  const std::string state = random_token(), nonce = random_token(), verifier = random_token();
  const std::int64_t now = hub.clock().now_ms();
  {
    auto db = hub.pool().lease();
    if (!db) return db.error();
    Transaction tx(**db);
    DOORSTEP_TRY(tx.begin(TxMode::write));
    // Sign-ins never finished: forgotten after their 10 minutes.
    auto old = (*db)->exec("DELETE FROM oidc_state WHERE created_ms < ?", {now - kStateTtlMs});
    if (!old) return old.error();
    auto ins = (*db)->exec("INSERT INTO oidc_state (state, nonce, verifier, created_ms) VALUES (?, ?, ?, ?)",
                           {state, nonce, verifier, now});
    if (!ins) return ins.error();
    DOORSTEP_TRY(tx.commit());
  }
  std::string url = authorization_endpoint_;
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += "response_type=code&client_id=" + url_encode(config_.client_id) +
         "&redirect_uri=" + url_encode(config_.redirect_url) + "&scope=" + url_encode("openid email profile") +
         "&state=" + state + "&nonce=" + nonce + "&code_challenge=" + code_challenge(verifier) +
         "&code_challenge_method=S256";
  return url;
}

Result<OidcSignIn> OidcClient::callback(Hub& hub, const OidcCallback& cb, const std::string& source) {
  std::string actor, role;  // who the refusal is about, once known
  auto out = finish(hub, cb, source, actor, role);
  if (!out && out.error().code != ErrorCode::unavailable && out.error().code != ErrorCode::internal)
    audit_refusal(hub, actor, role, out.error().message, source);
  return out;
}

Result<OidcSignIn> OidcClient::finish(Hub& hub, const OidcCallback& cb, const std::string& source,
                                      std::string& actor, std::string& role) {
  if (cb.state.empty() || cb.state.size() > kMaxParam || cb.code.size() > kMaxParam)
    return refused("the sign-in has no valid state; start again");
  const std::int64_t now = hub.clock().now_ms();
  std::string nonce, verifier;
  {
    // The state is taken once, whatever happens next: a second callback with it fails.
    auto db = hub.pool().lease();
    if (!db) return db.error();
    Transaction tx(**db);
    DOORSTEP_TRY(tx.begin(TxMode::write));
    auto rows = (*db)->query("SELECT nonce, verifier, created_ms FROM oidc_state WHERE state = ?", {cb.state});
    if (!rows) return rows.error();
    if (rows->empty()) return refused("the sign-in state is unknown or was already used; start again");
    nonce = rows->front().text(0);
    verifier = rows->front().text(1);
    const std::int64_t created = rows->front().integer(2);
    auto del = (*db)->exec("DELETE FROM oidc_state WHERE state = ?", {cb.state});
    if (!del) return del.error();
    DOORSTEP_TRY(tx.commit());
    if (now - created > kStateTtlMs) return refused("the sign-in took longer than 10 minutes; start again");
  }
  // A provider that names itself must be ours (RFC 9207, against mix-up attacks).
  if (!cb.iss.empty() && cb.iss != config_.issuer)
    return refused("the answer came from the identity provider \"" + cb.iss + "\", not from " + config_.issuer);
  // The provider's words come through the browser: anyone can write them, so they
  // are cut short before they reach the caller and the audit log.
  if (!cb.error.empty())
    return refused("the identity provider refused the sign-in: " + cb.error.substr(0, 64) +
                   (cb.error_description.empty() ? "" : " (" + cb.error_description.substr(0, 200) + ")"));
  if (cb.code.empty()) return refused("the identity provider sent no code");

  auto reply = oidc_post_form(token_endpoint_,
                              {{"grant_type", "authorization_code"},
                               {"code", cb.code},
                               {"redirect_uri", config_.redirect_url},
                               {"code_verifier", verifier}},
                              config_.client_id, config_.client_secret);
  if (!reply) return reply.error();
  if (reply->status != 200 || !reply->body.is_object()) {
    const std::string err = reply->body.is_object() ? text_of(reply->body, "error") : "";
    const std::string desc = reply->body.is_object() ? text_of(reply->body, "error_description") : "";
    if (reply->status >= 500 || err.empty())
      return make_error(ErrorDomain::server, ErrorCode::unavailable,
                        "the identity provider's token endpoint answered HTTP " + std::to_string(reply->status));
    return refused("the identity provider would not exchange the code: " + err + (desc.empty() ? "" : " (" + desc + ")"));
  }
  const std::string id_token = text_of(reply->body, "id_token");
  if (id_token.empty()) return refused("the identity provider's answer holds no ID token");

  auto header = read_jose_header(id_token);
  if (!header) return header.error();
  auto key = key_for(header->kid);
  if (!key) return key.error();
  auto claims = verify_id_token(id_token, *key,
                                {config_.issuer, config_.client_id, nonce, now / 1000, 60});
  if (!claims) return claims.error();
  const std::string subject = text_of(*claims, config_.claim);
  actor = subject.empty() ? "sub:" + text_of(*claims, "sub") : subject;

  {
    // The nonce is used once: checked and recorded under the writer lock.
    auto db = hub.pool().lease();
    if (!db) return db.error();
    Transaction tx(**db);
    DOORSTEP_TRY(tx.begin(TxMode::write));
    auto used = (*db)->query("SELECT at_ms FROM oidc_nonce_used WHERE nonce = ?", {nonce});
    if (!used) return used.error();
    if (!used->empty()) return refused("the ID token's nonce was used before (a replayed sign-in)");
    auto old = (*db)->exec("DELETE FROM oidc_nonce_used WHERE at_ms < ?", {now - kNonceKeptMs});
    if (!old) return old.error();
    auto ins = (*db)->exec("INSERT INTO oidc_nonce_used (nonce, at_ms) VALUES (?, ?)", {nonce, now});
    if (!ins) return ins.error();
    DOORSTEP_TRY(tx.commit());
  }

  if (subject.empty())
    return forbidden("the ID token has no \"" + config_.claim + "\" claim to find the office account by "
                     "(--oidc-claim names it; the provider must send it in the ID token)");
  if (config_.claim == "email" && claims->contains("email_verified") && (*claims)["email_verified"] == false)
    return forbidden("the identity provider says the email address " + subject + " is not verified");

  std::string username;
  {
    auto db = hub.pool().lease();
    if (!db) return db.error();
    auto rows = (*db)->query("SELECT username FROM account WHERE lower(email) = lower(?) OR username = ?",
                             {subject, subject});
    if (!rows) return rows.error();
    if (rows->empty())
      return forbidden("no office account has the " + config_.claim + " " + subject +
                       "; an admin must create it first (sign-in never creates accounts)");
    if (rows->size() > 1)
      return forbidden("more than one account matches the " + config_.claim + " " + subject +
                       "; an admin must make it unique");
    username = rows->front().text(0);
  }
  auto account = Accounts(hub).find(username);
  if (!account) return account.error();
  if (!*account) return forbidden("the account " + username + " no longer exists");
  actor = username;
  role = (*account)->role;
  const auto parsed = parse_role(role);
  if (!parsed || !is_office_role(*parsed))
    return forbidden("the account " + username + " is a " + role +
                     " account; only office accounts sign in with the identity provider");
  if (!(*account)->enabled)
    return make_error(ErrorDomain::server, ErrorCode::account_disabled,
                      "the account " + username + " is disabled; ask your council's IT");
  auto session = OfficeSessions(hub).open(**account, source, "oidc");
  if (!session) return session.error();
  return OidcSignIn{std::move(*session), username, role};
}

}  // namespace doorstep::server
