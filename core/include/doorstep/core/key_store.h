// KeyStore: the platform's non-exportable key storage (Android Keystore, iOS
// Keychain, Secret Service), behind an interface core owns. Implementations live in
// platform/; MemoryKeyStore here serves tests. Implementations must be thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "doorstep/core/result.h"
#include "doorstep/core/secure_key.h"

namespace doorstep {

class KeyStore {
 public:
  virtual ~KeyStore() = default;
  // Encrypts key under the platform key named key_id (created on first use).
  virtual Result<std::vector<std::uint8_t>> wrap(const std::string& key_id, const SecureKey& key) = 0;
  // Reverses wrap. not_found if the platform key is gone; corrupt if wrapped was altered.
  virtual Result<SecureKey> unwrap(const std::string& key_id, const std::vector<std::uint8_t>& wrapped) = 0;
  // Destroys the platform key; a later unwrap fails with not_found. Removing a
  // missing key is not an error.
  virtual Status remove(const std::string& key_id) = 0;
};

// Keeps platform keys in process memory (sodium_malloc). For tests and for
// platforms without key storage, where it gives no protection beyond the process.
class MemoryKeyStore final : public KeyStore {
 public:
  Result<std::vector<std::uint8_t>> wrap(const std::string& key_id, const SecureKey& key) override;
  Result<SecureKey> unwrap(const std::string& key_id, const std::vector<std::uint8_t>& wrapped) override;
  Status remove(const std::string& key_id) override;

 private:
  std::mutex mutex_;
  std::map<std::string, SecureKey> keys_;
};

}  // namespace doorstep
