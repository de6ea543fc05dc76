// KeyEnvelope: the store's data key (DEK), wrapped under the worker's PIN and,
// optionally, under a platform key. The DEK itself is never written anywhere.
// Value type; not thread-safe. Argon2id runs in open() and seal(): they take ~0.1-0.5 s.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "doorstep/core/key_store.h"
#include "doorstep/core/result.h"
#include "doorstep/core/secure_key.h"

namespace doorstep {

// Argon2id cost. The floor is 19 MiB and t=2 (docs/design.md, "The device store").
struct KdfParams {
  std::uint64_t opslimit = 2;                 // Argon2id passes (t); minimum 2
  std::uint64_t memlimit = 19ull << 20;       // bytes of memory; minimum 19 MiB
};

class KeyEnvelope {
 public:
  // Wraps dek under a key derived from pin. Fails on a PIN shorter than 4 characters
  // or KDF parameters under the minimum.
  static Result<KeyEnvelope> seal(const SecureKey& dek, const SecretString& pin, KdfParams params);

  // Unwraps the DEK. A wrong PIN is ErrorCode::wrong_pin (not corrupt): the
  // authenticated cipher cannot tell a wrong PIN from a tampered envelope.
  Result<SecureKey> open(const SecretString& pin) const;

  // Re-wraps the same DEK under a new PIN (fresh salt and nonce); the database is
  // not touched. Requires the current PIN.
  Result<KeyEnvelope> rewrap(const SecretString& old_pin, const SecretString& new_pin) const;

  // Second wrap under a non-exportable platform key (Android Keystore, Keychain, ...).
  Status add_platform_wrap(KeyStore& store, const std::string& key_id, const SecureKey& dek);
  Result<SecureKey> open_with_platform(KeyStore& store) const;
  bool has_platform_wrap() const { return platform_key_id_.has_value(); }

  std::string serialise() const;
  static Result<KeyEnvelope> parse(const std::string& text);

  // Atomic: written to a temporary file, fsynced, renamed over path, directory fsynced.
  Status save(const std::filesystem::path& path) const;
  static Result<KeyEnvelope> load(const std::filesystem::path& path);

  const KdfParams& params() const { return params_; }

 private:
  KdfParams params_;
  std::vector<std::uint8_t> salt_, nonce_, wrapped_;
  std::optional<std::string> platform_key_id_;
  std::vector<std::uint8_t> platform_wrapped_;
};

}  // namespace doorstep
