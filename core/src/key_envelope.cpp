#include "doorstep/core/key_envelope.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "fs_util.h"

namespace doorstep {

namespace {

constexpr const char* kFormat = "doorstep-key-envelope";
constexpr int kVersion = 1;
constexpr std::size_t kMinPin = 4;

std::string b64(const std::vector<std::uint8_t>& v) {
  std::string out(sodium_base64_encoded_len(v.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), v.data(), v.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // drop the NUL libsodium counts in
  return out;
}

bool unb64(const std::string& s, std::vector<std::uint8_t>& out) {
  out.assign(s.size(), 0);
  std::size_t len = 0;
  if (sodium_base642bin(out.data(), out.size(), s.data(), s.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0)
    return false;
  out.resize(len);
  return true;
}

// The cost parameters are bound to the ciphertext, so lowering them in the file
// (to speed up guessing) makes the envelope fail to open.
std::string associated_data(const KdfParams& p) {
  return std::string(kFormat) + "/" + std::to_string(kVersion) + "/argon2id13/" +
         std::to_string(p.opslimit) + "/" + std::to_string(p.memlimit);
}

Error corrupt(const std::string& why) {
  return make_error(ErrorDomain::crypto, ErrorCode::corrupt, "key envelope is damaged: " + why);
}

Result<SecureKey> derive(const SecretString& pin, const std::vector<std::uint8_t>& salt, const KdfParams& p) {
  SecureKey k;
  if (crypto_pwhash(k.data(), k.size(), pin.data(), pin.size(), salt.data(), p.opslimit,
                    static_cast<std::size_t>(p.memlimit), crypto_pwhash_ALG_ARGON2ID13) != 0)
    return make_error(ErrorDomain::crypto, ErrorCode::internal, "out of memory deriving the PIN key");
  return k;
}

}  // namespace

Result<KeyEnvelope> KeyEnvelope::seal(const SecureKey& dek, const SecretString& pin, KdfParams params) {
  if (!crypto_ready()) return make_error(ErrorDomain::crypto, ErrorCode::internal, "libsodium failed to start");
  if (pin.size() < kMinPin)
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "the PIN must have at least 4 characters");
  if (pin.size() > 256)
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "the PIN is longer than 256 characters");
  if (params.opslimit < 2 || params.memlimit < (19ull << 20))
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                      "Argon2id parameters below the minimum (t=2, 19 MiB)");
  KeyEnvelope env;
  env.params_ = params;
  env.salt_.resize(crypto_pwhash_SALTBYTES);
  env.nonce_.resize(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  randombytes_buf(env.salt_.data(), env.salt_.size());
  randombytes_buf(env.nonce_.data(), env.nonce_.size());
  auto kek = derive(pin, env.salt_, params);
  if (!kek) return kek.error();
  env.wrapped_.resize(dek.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  const std::string ad = associated_data(params);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(env.wrapped_.data(), &clen, dek.data(), dek.size(),
                                             reinterpret_cast<const unsigned char*>(ad.data()), ad.size(),
                                             nullptr, env.nonce_.data(), kek->data());
  return env;
}

Result<SecureKey> KeyEnvelope::open(const SecretString& pin) const {
  if (!crypto_ready()) return make_error(ErrorDomain::crypto, ErrorCode::internal, "libsodium failed to start");
  auto kek = derive(pin, salt_, params_);
  if (!kek) return kek.error();
  SecureKey dek;
  const std::string ad = associated_data(params_);
  unsigned long long mlen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(dek.data(), &mlen, nullptr, wrapped_.data(), wrapped_.size(),
                                                 reinterpret_cast<const unsigned char*>(ad.data()), ad.size(),
                                                 nonce_.data(), kek->data()) != 0 ||
      mlen != dek.size())
    return make_error(ErrorDomain::crypto, ErrorCode::wrong_pin, "the PIN is not correct");
  return dek;
}

Result<KeyEnvelope> KeyEnvelope::rewrap(const SecretString& old_pin, const SecretString& new_pin) const {
  auto dek = open(old_pin);
  if (!dek) return dek.error();
  auto next = seal(*dek, new_pin, params_);
  if (!next) return next.error();
  next->platform_key_id_ = platform_key_id_;
  next->platform_wrapped_ = platform_wrapped_;
  return next;
}

Status KeyEnvelope::add_platform_wrap(KeyStore& store, const std::string& key_id, const SecureKey& dek) {
  auto w = store.wrap(key_id, dek);
  if (!w) return w.error();
  platform_key_id_ = key_id;
  platform_wrapped_ = std::move(*w);
  return {};
}

Result<SecureKey> KeyEnvelope::open_with_platform(KeyStore& store) const {
  if (!platform_key_id_)
    return make_error(ErrorDomain::crypto, ErrorCode::not_found, "this store has no platform key");
  return store.unwrap(*platform_key_id_, platform_wrapped_);
}

std::string KeyEnvelope::serialise() const {
  nlohmann::json j = {{"format", kFormat},         {"version", kVersion},
                      {"kdf", "argon2id13"},       {"opslimit", params_.opslimit},
                      {"memlimit", params_.memlimit}, {"salt", b64(salt_)},
                      {"nonce", b64(nonce_)},      {"wrapped_key", b64(wrapped_)}};
  if (platform_key_id_) {
    j["platform"] = {{"key_id", *platform_key_id_}, {"wrapped_key", b64(platform_wrapped_)}};
  }
  return j.dump(2) + "\n";
}

Result<KeyEnvelope> KeyEnvelope::parse(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return corrupt("not JSON");
  try {
    if (j.value("format", "") != kFormat) return corrupt("not a key envelope");
    if (j.value("version", 0) != kVersion) return corrupt("unknown version");
    if (j.value("kdf", "") != "argon2id13") return corrupt("unknown key derivation");
    KeyEnvelope env;
    env.params_.opslimit = j.at("opslimit").get<std::uint64_t>();
    env.params_.memlimit = j.at("memlimit").get<std::uint64_t>();
    if (env.params_.opslimit < 2 || env.params_.opslimit > 64 || env.params_.memlimit < (19ull << 20) ||
        env.params_.memlimit > (4ull << 30))
      return corrupt("cost parameters out of range");
    if (!unb64(j.at("salt").get<std::string>(), env.salt_) || env.salt_.size() != crypto_pwhash_SALTBYTES ||
        !unb64(j.at("nonce").get<std::string>(), env.nonce_) ||
        env.nonce_.size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ||
        !unb64(j.at("wrapped_key").get<std::string>(), env.wrapped_) ||
        env.wrapped_.size() != SecureKey::kSize + crypto_aead_xchacha20poly1305_ietf_ABYTES)
      return corrupt("bad key material");
    if (j.contains("platform")) {
      env.platform_key_id_ = j["platform"].at("key_id").get<std::string>();
      if (!unb64(j["platform"].at("wrapped_key").get<std::string>(), env.platform_wrapped_))
        return corrupt("bad platform key material");
    }
    return env;
  } catch (const nlohmann::json::exception&) {
    return corrupt("missing or mistyped field");
  }
}

Status KeyEnvelope::save(const std::filesystem::path& path) const {
  return fs::write_file_atomic(path, serialise());
}

Result<KeyEnvelope> KeyEnvelope::load(const std::filesystem::path& path) {
  auto text = fs::read_file(path, 64 * 1024);
  if (!text) {
    if (text.error().code == ErrorCode::not_found)
      return make_error(ErrorDomain::store, ErrorCode::not_found, "no key envelope at " + path.string());
    return text.error();
  }
  return parse(*text);
}

}  // namespace doorstep
