#include "doorstep/core/secure_key.h"

#include <sodium.h>

#include <cstring>
#include <new>
#include <utility>

namespace doorstep {

bool crypto_ready() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

SecureKey::SecureKey() {
  crypto_ready();
  bytes_ = static_cast<std::uint8_t*>(sodium_malloc(kSize));
  if (bytes_ == nullptr) throw std::bad_alloc();
  sodium_memzero(bytes_, kSize);
}

SecureKey::~SecureKey() { wipe(); }

SecureKey::SecureKey(SecureKey&& other) noexcept : bytes_(std::exchange(other.bytes_, nullptr)) {}

SecureKey& SecureKey::operator=(SecureKey&& other) noexcept {
  if (this != &other) {
    wipe();
    bytes_ = std::exchange(other.bytes_, nullptr);
  }
  return *this;
}

SecureKey SecureKey::random() {
  SecureKey k;
  randombytes_buf(k.bytes_, kSize);
  return k;
}

void SecureKey::wipe() {
  if (bytes_ != nullptr) {
    sodium_memzero(bytes_, kSize);  // sodium_free zeroes too; this states the intent
    sodium_free(bytes_);
    bytes_ = nullptr;
  }
}

SecretString::SecretString(const std::string& s) : SecretString(s.data(), s.size()) {}

SecretString::SecretString(const char* s, std::size_t n) {
  crypto_ready();
  data_ = static_cast<char*>(sodium_malloc(n + 1));
  if (data_ == nullptr) throw std::bad_alloc();
  std::memcpy(data_, s, n);
  data_[n] = '\0';
  size_ = n;
}

SecretString::~SecretString() {
  if (data_ != nullptr) sodium_free(data_);
}

SecretString::SecretString(SecretString&& o) noexcept
    : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}

SecretString& SecretString::operator=(SecretString&& o) noexcept {
  if (this != &o) {
    if (data_ != nullptr) sodium_free(data_);
    data_ = std::exchange(o.data_, nullptr);
    size_ = std::exchange(o.size_, 0);
  }
  return *this;
}

}  // namespace doorstep
