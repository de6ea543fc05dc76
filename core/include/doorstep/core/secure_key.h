// SecureKey: a fixed-size secret (data key, wrapping key) held in sodium_malloc
// memory, locked against swap where the OS allows, and zeroed when destroyed or wiped.
// Move-only; not safe to share between threads without external locking.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace doorstep {

class SecureKey {
 public:
  static constexpr std::size_t kSize = 32;  // 256-bit keys throughout

  SecureKey();  // allocates kSize zeroed bytes
  ~SecureKey();
  SecureKey(SecureKey&& other) noexcept;
  SecureKey& operator=(SecureKey&& other) noexcept;
  SecureKey(const SecureKey&) = delete;
  SecureKey& operator=(const SecureKey&) = delete;

  static SecureKey random();

  std::uint8_t* data() { return bytes_; }
  const std::uint8_t* data() const { return bytes_; }
  std::size_t size() const { return kSize; }
  bool empty() const { return bytes_ == nullptr; }

  // Zeroes and frees the memory now; the key is empty afterwards.
  void wipe();

 private:
  std::uint8_t* bytes_ = nullptr;
};

// A secret string (PIN, password) in sodium_malloc memory, zeroed on destruction.
class SecretString {
 public:
  SecretString() = default;
  explicit SecretString(const std::string& s);
  SecretString(const char* s, std::size_t n);
  ~SecretString();
  SecretString(SecretString&& other) noexcept;
  SecretString& operator=(SecretString&& other) noexcept;
  SecretString(const SecretString&) = delete;
  SecretString& operator=(const SecretString&) = delete;

  const char* data() const { return data_ ? data_ : ""; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  char* data_ = nullptr;
  std::size_t size_ = 0;
};

// Initialises libsodium once; safe to call from any thread, any number of times.
// Returns false only if libsodium cannot start (no entropy source).
bool crypto_ready();

}  // namespace doorstep
