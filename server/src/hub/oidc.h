// Office sign-in through the council's OpenID Connect provider (Microsoft Entra ID
// and the like): the authorization code flow with PKCE (S256) and a nonce.
//
//   start()     makes a state, a nonce and a PKCE verifier, keeps them in oidc_state
//               and returns the provider's authorization URL to send the browser to.
//   callback()  takes the state once (at most 10 minutes old), exchanges the code at
//               the token endpoint with the client secret and the verifier, verifies
//               the ID token (hub/oidc_token.h) against the provider's JWKS, records
//               its nonce as used (a second use is refused), maps the configured
//               claim to an existing, enabled office account and opens an office
//               session for it (hub/office_sessions.h), method "oidc".
// No account is ever created by a sign-in, and workers never sign in this way. Every
// refusal is audited (action "sign_in_refused", detail naming why); the session's
// opening is audited by OfficeSessions (signed_in, method "oidc").
//
// Discovery and the JWKS are fetched by discover() (at start); the JWKS again when a
// token names a key id it does not hold (the provider rotated its keys), at most once
// a minute. Thread-safe: the keys are guarded, everything else is immutable.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "doorstep/core/result.h"
#include "hub/hub.h"
#include "hub/office_sessions.h"
#include "hub/oidc_token.h"

namespace doorstep::server {

struct OidcConfig {
  std::string issuer;         // exactly as the provider's discovery names it
  std::string client_id;      // the hub's registration at the provider
  std::string client_secret;  // read from a file (read_secret_file), never from the command line
  std::string claim = "email";  // the ID token claim that names the office account
  std::string redirect_url;   // .../v1/office/oidc/callback, as registered at the provider
};

// invalid_argument naming what is wrong: a URL that is not https:// (http only on
// this machine), an empty client id, secret or claim.
Status check_oidc_config(const OidcConfig& config);

// The first line of a file, without surrounding white space; invalid_argument when
// it cannot be read or is empty.
Result<std::string> read_secret_file(const std::filesystem::path& file);

// What the provider sent back to the redirect URL.
struct OidcCallback {
  std::string code, state;
  std::string error, error_description;  // set when the provider refused
  std::string iss;                       // RFC 9207: which provider answered, when it says
};

// A sign-in that worked: the session, and the account it is for.
struct OidcSignIn {
  OfficeSignIn session;
  std::string username;
  std::string role;
};

class OidcClient {
 public:
  // Fetches discovery (issuer + "/.well-known/openid-configuration") and the JWKS.
  // unavailable when the provider cannot be reached; invalid_argument when the
  // configuration or the documents are wrong (an issuer that does not match, no
  // usable signing key).
  static Result<std::shared_ptr<OidcClient>> discover(OidcConfig config);

  const OidcConfig& config() const { return config_; }
  // Before serving: the redirect URL when none was configured (the hub's own URL).
  void set_redirect_url(std::string url) { config_.redirect_url = std::move(url); }

  // The authorization URL for a new sign-in.
  Result<std::string> start(Hub& hub);
  // unauthorised for a bad or used state, a provider refusal, a code the provider
  // will not exchange and any ID token that fails a check (replayed nonce included);
  // invalid_transition (forbidden) when no office account matches the claim or it is
  // a worker's, account_disabled when it is disabled;
  // unavailable when the provider cannot be reached.
  Result<OidcSignIn> callback(Hub& hub, const OidcCallback& cb, const std::string& source);

 private:
  explicit OidcClient(OidcConfig config) : config_(std::move(config)) {}
  Result<SigningKey> key_for(const std::string& kid);
  Result<OidcSignIn> finish(Hub& hub, const OidcCallback& cb, const std::string& source, std::string& actor,
                            std::string& role);

  OidcConfig config_;
  std::string authorization_endpoint_, token_endpoint_, jwks_uri_;
  std::mutex keys_mutex_;
  Jwks keys_;
  std::chrono::steady_clock::time_point keys_fetched_;
};

}  // namespace doorstep::server
