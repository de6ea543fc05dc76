// OpenID Connect ID tokens: the identity provider's signing keys (its JWKS, each JWK
// turned into a PEM public key with OpenSSL 3) and the verification of one ID token
// with libjwt. libjwt checks the signature only; everything else is checked here:
//   alg    RS256 or ES256, named by the token and matching its key's type. An HS256
//          token "signed" with the public key as an HMAC secret is the classic attack
//          on a library that trusts the token's alg: it is refused before libjwt sees it.
//   iss    equal to the configured issuer
//   aud    the client id (a string, or an array containing it; with several
//          audiences, azp must be the client id)
//   exp    in the future (with a small leeway for clock drift); iat not in the future
//   nonce  equal to the one the sign-in started with
// Plain functions and values: thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "doorstep/core/result.h"

namespace doorstep::server {

struct SigningKey {
  std::string alg;  // RS256 or ES256
  std::string pem;  // SubjectPublicKeyInfo PEM
};

// The provider's keys by kid. Keys of other types, uses or algorithms are left out;
// a JWKS with none usable is invalid_argument.
using Jwks = std::map<std::string, SigningKey>;
Result<Jwks> parse_jwks(const nlohmann::json& jwks);
// One JWK (kty RSA with n and e, or EC P-256 with x and y) as a PEM public key.
Result<std::string> jwk_to_pem(const nlohmann::json& jwk);

// The token's protected header, read without trusting it: which key to look up.
struct JoseHeader {
  std::string alg, kid;
};
// unauthorised for a token that is not three base64url parts with a JSON header,
// or whose alg is not RS256 or ES256.
Result<JoseHeader> read_jose_header(const std::string& token);

struct IdTokenChecks {
  std::string issuer;
  std::string client_id;
  std::string nonce;
  std::int64_t now_s = 0;
  std::int64_t leeway_s = 60;
};

// The verified claims, or unauthorised with a message that names what failed (the
// caller audits it; none of it is secret).
Result<nlohmann::json> verify_id_token(const std::string& token, const SigningKey& key, const IdTokenChecks& checks);

}  // namespace doorstep::server
