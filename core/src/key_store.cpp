#include "doorstep/core/key_store.h"

#include <sodium.h>

namespace doorstep {

// Layout of a wrapped key: 24-byte nonce || ciphertext+tag (XChaCha20-Poly1305).
Result<std::vector<std::uint8_t>> MemoryKeyStore::wrap(const std::string& key_id, const SecureKey& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = keys_.find(key_id);
  if (it == keys_.end()) it = keys_.emplace(key_id, SecureKey::random()).first;
  std::vector<std::uint8_t> out(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + key.size() +
                                crypto_aead_xchacha20poly1305_ietf_ABYTES);
  randombytes_buf(out.data(), crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.data() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen, key.data(), key.size(),
      reinterpret_cast<const unsigned char*>(key_id.data()), key_id.size(), nullptr, out.data(),
      it->second.data());
  return out;
}

Result<SecureKey> MemoryKeyStore::unwrap(const std::string& key_id, const std::vector<std::uint8_t>& wrapped) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = keys_.find(key_id);
  if (it == keys_.end())
    return make_error(ErrorDomain::crypto, ErrorCode::not_found, "platform key is gone: " + key_id);
  const std::size_t nb = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  if (wrapped.size() != nb + SecureKey::kSize + crypto_aead_xchacha20poly1305_ietf_ABYTES)
    return make_error(ErrorDomain::crypto, ErrorCode::corrupt, "wrapped key has the wrong length");
  SecureKey key;
  unsigned long long mlen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          key.data(), &mlen, nullptr, wrapped.data() + nb, wrapped.size() - nb,
          reinterpret_cast<const unsigned char*>(key_id.data()), key_id.size(), wrapped.data(),
          it->second.data()) != 0)
    return make_error(ErrorDomain::crypto, ErrorCode::corrupt, "wrapped key failed authentication");
  return key;
}

Status MemoryKeyStore::remove(const std::string& key_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  keys_.erase(key_id);
  return {};
}

}  // namespace doorstep
