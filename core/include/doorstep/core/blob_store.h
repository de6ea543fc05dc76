// BlobStore: attachments (photos, signatures, documents) as encrypted files under
// <store>/blobs/, content-addressed by the SHA-256 of their plaintext. Each blob is
// encrypted with libsodium secretstream (XChaCha20-Poly1305) under a per-blob key
// derived from the store's data key; file names are keyed hashes, so the directory
// does not reveal which known file a device holds. Content is streamed in 64 KiB
// chunks, never held whole in memory. Owned by a Store; not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "doorstep/core/result.h"
#include "doorstep/core/secure_key.h"

namespace doorstep {

struct StoredBlob {
  std::string sha256;       // lower-case hex of the plaintext's SHA-256
  std::int64_t size = 0;    // plaintext bytes
  bool added = false;       // this import wrote it (false: the store already held it)
};

class BlobStore {
 public:
  BlobStore(std::filesystem::path dir, const SecureKey& data_key);

  // Encrypts a file into the store. Importing content already present is not an
  // error and writes nothing. max_bytes guards against absurd inputs (too_large).
  Result<StoredBlob> import_file(const std::filesystem::path& source, std::int64_t max_bytes);
  // Decrypts a blob to dest (written atomically); verifies length and SHA-256, so a
  // damaged or truncated blob is corrupt and dest is not left half-written.
  Status export_to(const std::string& sha256, const std::filesystem::path& dest);
  // Encrypts content held in memory (a downloaded attachment). Verifies that it hashes
  // to expected_sha256 when that is given (corrupt otherwise; nothing is stored).
  Result<StoredBlob> import_bytes(const std::string& data, const std::string& expected_sha256 = "");
  // Streams the decrypted content to sink in chunks of up to 64 KiB, verifying the
  // SHA-256 at the end (corrupt if it does not match; the sink has then seen bad data
  // and the caller must discard it). Stops early with the sink's error.
  Status read(const std::string& sha256, const std::function<Status(const std::string& chunk)>& sink);
  bool contains(const std::string& sha256) const;
  // Deletes the blob's file. Missing is not an error.
  Status remove(const std::string& sha256);
  std::filesystem::path file_for(const std::string& sha256) const;

  // Zeroes the derived keys; every later call fails.
  void lock();

 private:
  Result<StoredBlob> encrypt(const std::function<Result<std::size_t>(unsigned char*, std::size_t)>& reader,
                             const std::string& sha256, std::int64_t size);
  std::filesystem::path dir_;
  SecureKey name_key_;     // keyed hash of sha256 -> file name
  SecureKey content_key_;  // keyed hash of sha256 -> per-blob secretstream key
};

// SHA-256 of a file, streamed; lower-case hex.
Result<std::string> sha256_file(const std::filesystem::path& path);

}  // namespace doorstep
