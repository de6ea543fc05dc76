#include "hub/oidc_token.h"

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <memory>

#include "hub/tokens.h"

namespace doorstep::server {

using nlohmann::json;

namespace {

Error refused(const std::string& why) { return make_error(ErrorDomain::server, ErrorCode::unauthorised, why); }
Error bad_key(const std::string& why) { return make_error(ErrorDomain::input, ErrorCode::invalid_argument, why); }

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Bn = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Jwt = std::unique_ptr<jwt_t, Deleter<jwt_t, jwt_free>>;

// A base64url member of a JWK, decoded.
Result<std::string> member_bytes(const json& jwk, const char* name) {
  auto it = jwk.find(name);
  std::string out;
  if (it == jwk.end() || !it->is_string() || !from_base64url(it->get<std::string>(), out) || out.empty())
    return bad_key(std::string("the key has no valid \"") + name + "\"");
  return out;
}

Result<std::string> pem_of(const char* type, const Params& params) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0 || raw == nullptr)
    return bad_key(std::string("the ") + type + " key cannot be read");
  Pkey key(raw);
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key.get()) != 1) return bad_key("the key cannot be written as PEM");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

Result<std::string> rsa_pem(const json& jwk) {
  auto n = member_bytes(jwk, "n");
  if (!n) return n.error();
  auto e = member_bytes(jwk, "e");
  if (!e) return e.error();
  if (n->size() < 256) return bad_key("an RSA key shorter than 2048 bits is not accepted");
  Bn bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr));
  Bn bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr));
  ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()))
    return bad_key("the RSA key cannot be read");
  Params params(OSSL_PARAM_BLD_to_param(bld.get()));
  if (!params) return bad_key("the RSA key cannot be read");
  return pem_of("RSA", params);
}

Result<std::string> ec_pem(const json& jwk) {
  if (jwk.value("crv", std::string()) != "P-256") return bad_key("only EC keys on P-256 are accepted");
  auto x = member_bytes(jwk, "x");
  if (!x) return x.error();
  auto y = member_bytes(jwk, "y");
  if (!y) return y.error();
  if (x->size() != 32 || y->size() != 32) return bad_key("a P-256 key has 32-byte x and y");
  const std::string point = std::string(1, '\x04') + *x + *y;  // uncompressed
  ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()))
    return bad_key("the EC key cannot be read");
  Params params(OSSL_PARAM_BLD_to_param(bld.get()));
  if (!params) return bad_key("the EC key cannot be read");
  return pem_of("EC", params);  // fails for a point not on the curve
}

std::string text_claim(const json& claims, const char* name) {
  auto it = claims.find(name);
  return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<std::string> jwk_to_pem(const json& jwk) {
  if (!jwk.is_object()) return bad_key("a JWK is a JSON object");
  const std::string kty = jwk.value("kty", std::string());
  if (kty == "RSA") return rsa_pem(jwk);
  if (kty == "EC") return ec_pem(jwk);
  return bad_key("key type \"" + kty + "\" is not accepted (RSA or EC)");
}

Result<Jwks> parse_jwks(const json& jwks) {
  if (!jwks.is_object() || !jwks.contains("keys") || !jwks["keys"].is_array())
    return bad_key("the provider's JWKS is not {\"keys\": [...]}");
  Jwks out;
  for (const auto& jwk : jwks["keys"]) {
    if (!jwk.is_object()) continue;
    const std::string kty = jwk.value("kty", std::string());
    const std::string use = jwk.contains("use") && jwk["use"].is_string() ? jwk["use"].get<std::string>() : "sig";
    const std::string expected = kty == "RSA" ? "RS256" : kty == "EC" ? "ES256" : "";
    const std::string alg = jwk.contains("alg") && jwk["alg"].is_string() ? jwk["alg"].get<std::string>() : expected;
    if (expected.empty() || use != "sig" || alg != expected) continue;  // encryption keys, PS256, RS384, ...
    auto pem = jwk_to_pem(jwk);
    if (!pem) continue;  // one odd key must not take the others down
    out[jwk.contains("kid") && jwk["kid"].is_string() ? jwk["kid"].get<std::string>() : ""] = {alg, *pem};
  }
  if (out.empty()) return bad_key("the provider's JWKS holds no RS256 or ES256 signing key");
  return out;
}

Result<JoseHeader> read_jose_header(const std::string& token) {
  const auto dot = token.find('.');
  if (dot == std::string::npos || token.find('.', dot + 1) == std::string::npos)
    return refused("the ID token is not a signed JWT");
  std::string text;
  if (!from_base64url(std::string_view(token).substr(0, dot), text)) return refused("the ID token's header is not base64url");
  const json header = json::parse(text, nullptr, false);
  if (!header.is_object()) return refused("the ID token's header is not a JSON object");
  JoseHeader out{text_claim(header, "alg"), text_claim(header, "kid")};
  // Checked here, before any key is chosen: the token does not pick its own algorithm.
  if (out.alg != "RS256" && out.alg != "ES256")
    return refused("the ID token is signed with \"" + out.alg + "\"; only RS256 and ES256 are accepted");
  return out;
}

Result<json> verify_id_token(const std::string& token, const SigningKey& key, const IdTokenChecks& checks) {
  auto header = read_jose_header(token);
  if (!header) return header.error();
  if (header->alg != key.alg)
    return refused("the ID token says " + header->alg + " but its key is for " + key.alg);
  jwt_t* raw = nullptr;
  const int rc = jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(key.pem.data()),
                            static_cast<int>(key.pem.size()));
  Jwt jwt(raw);
  if (rc != 0 || !jwt) return refused("the ID token's signature does not verify against the provider's key");
  // What libjwt verified with: the same algorithm, or nothing is trusted.
  if (jwt_get_alg(jwt.get()) != (key.alg == "RS256" ? JWT_ALG_RS256 : JWT_ALG_ES256))
    return refused("the ID token's algorithm changed during verification");
  char* grants = jwt_get_grants_json(jwt.get(), nullptr);
  if (grants == nullptr) return refused("the ID token has no claims");
  json claims = json::parse(grants, nullptr, false);
  std::free(grants);
  if (!claims.is_object()) return refused("the ID token's claims are not a JSON object");

  if (text_claim(claims, "iss") != checks.issuer)
    return refused("the ID token was issued by \"" + text_claim(claims, "iss") + "\", not by " + checks.issuer);
  const auto aud = claims.find("aud");
  bool ours = false;
  std::size_t audiences = 0;
  if (aud != claims.end() && aud->is_string()) {
    audiences = 1;
    ours = aud->get<std::string>() == checks.client_id;
  } else if (aud != claims.end() && aud->is_array()) {
    audiences = aud->size();
    for (const auto& a : *aud) ours = ours || (a.is_string() && a.get<std::string>() == checks.client_id);
  }
  if (!ours) return refused("the ID token's audience is not this hub's client id (" + checks.client_id + ")");
  const std::string azp = text_claim(claims, "azp");
  if ((audiences > 1 || claims.contains("azp")) && azp != checks.client_id)
    return refused("the ID token was issued to another party (azp \"" + azp + "\")");
  const auto exp = claims.find("exp");
  if (exp == claims.end() || !exp->is_number()) return refused("the ID token has no expiry (exp)");
  if (exp->get<double>() + static_cast<double>(checks.leeway_s) <= static_cast<double>(checks.now_s))
    return refused("the ID token has expired (exp " + std::to_string(exp->get<std::int64_t>()) + ", now " +
                   std::to_string(checks.now_s) + ")");
  const auto iat = claims.find("iat");
  if (iat != claims.end() && iat->is_number() &&
      iat->get<double>() > static_cast<double>(checks.now_s + checks.leeway_s))
    return refused("the ID token was issued in the future (iat); check the clocks");
  if (text_claim(claims, "nonce").empty() || text_claim(claims, "nonce") != checks.nonce)
    return refused("the ID token's nonce is not the one this sign-in started with");
  if (text_claim(claims, "sub").empty()) return refused("the ID token names no subject (sub)");
  return claims;
}

}  // namespace doorstep::server
