#include "doorstep/core/blob_store.h"

#include <sodium.h>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <vector>

#include "fs_util.h"

namespace doorstep {

namespace {

constexpr std::size_t kChunk = 64 * 1024;
constexpr char kMagic[4] = {'D', 'S', 'B', '1'};

std::string to_hex(const unsigned char* p, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.resize(n * 2);
  return out;
}

void derive(SecureKey& out, const SecureKey& key, const std::string& label) {
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(label.data()), label.size(),
                     key.data(), key.size());
}

bool is_sha256_hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

Error corrupt_blob(const std::string& sha) {
  return make_error(ErrorDomain::store, ErrorCode::corrupt, "attachment " + sha.substr(0, 12) + " is damaged");
}

// RAII FILE* so early returns close it.
struct File {
  std::FILE* f = nullptr;
  File(const std::filesystem::path& p, const char* mode) : f(std::fopen(p.c_str(), mode)) {}
  ~File() {
    if (f) std::fclose(f);
  }
  explicit operator bool() const { return f != nullptr; }
};

}  // namespace

Result<std::string> sha256_file(const std::filesystem::path& path) {
  crypto_ready();
  File in(path, "rb");
  if (!in) return fs::io_error("cannot read", path);
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  std::vector<unsigned char> buf(kChunk);
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), in.f)) > 0) crypto_hash_sha256_update(&st, buf.data(), n);
  if (std::ferror(in.f)) return fs::io_error("cannot read", path);
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, out);
  return to_hex(out, sizeof out);
}

BlobStore::BlobStore(std::filesystem::path dir, const SecureKey& data_key) : dir_(std::move(dir)) {
  derive(name_key_, data_key, "doorstep/blob-name/v1");
  derive(content_key_, data_key, "doorstep/blob-content/v1");
}

void BlobStore::lock() {
  name_key_.wipe();
  content_key_.wipe();
}

std::filesystem::path BlobStore::file_for(const std::string& sha256) const {
  unsigned char h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(sha256.data()), sha256.size(),
                     name_key_.data(), name_key_.size());
  return dir_ / (to_hex(h, sizeof h) + ".blob");
}

bool BlobStore::contains(const std::string& sha256) const {
  std::error_code ec;
  return is_sha256_hex(sha256) && !name_key_.empty() && std::filesystem::exists(file_for(sha256), ec);
}

Status BlobStore::remove(const std::string& sha256) {
  if (!is_sha256_hex(sha256)) return {};
  std::error_code ec;
  std::filesystem::remove(file_for(sha256), ec);
  if (ec) return make_error(ErrorDomain::io, ErrorCode::io_error, "cannot delete attachment: " + ec.message());
  return {};
}

Result<StoredBlob> BlobStore::import_file(const std::filesystem::path& source, std::int64_t max_bytes) {
  if (name_key_.empty()) return make_error(ErrorDomain::state, ErrorCode::invalid_transition, "the store is locked");
  std::error_code ec;
  const auto size = std::filesystem::file_size(source, ec);
  if (ec) return make_error(ErrorDomain::io, ErrorCode::not_found, "cannot read " + source.string() + ": " + ec.message());
  if (static_cast<std::int64_t>(size) > max_bytes)
    return make_error(ErrorDomain::input, ErrorCode::too_large,
                      source.filename().string() + " is " + std::to_string(size) + " bytes; the limit is " +
                          std::to_string(max_bytes));
  auto sha = sha256_file(source);
  if (!sha) return sha.error();
  StoredBlob out{*sha, static_cast<std::int64_t>(size)};
  const auto dest = file_for(*sha);
  if (std::filesystem::exists(dest, ec)) return out;
  File in(source, "rb");
  if (!in) return fs::io_error("cannot read", source);
  auto stored = encrypt(
      [&](unsigned char* buf, std::size_t cap) -> Result<std::size_t> {
        std::size_t n = std::fread(buf, 1, cap, in.f);
        if (std::ferror(in.f)) return fs::io_error("cannot read", source);
        return n;
      },
      *sha, static_cast<std::int64_t>(size));
  if (!stored) return stored.error();
  out.added = true;
  return out;
}

Result<StoredBlob> BlobStore::import_bytes(const std::string& data, const std::string& expected_sha256) {
  if (name_key_.empty()) return make_error(ErrorDomain::state, ErrorCode::invalid_transition, "the store is locked");
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  const std::string sha = to_hex(digest, sizeof digest);
  if (!expected_sha256.empty() && sha != expected_sha256) return corrupt_blob(expected_sha256);
  StoredBlob out{sha, static_cast<std::int64_t>(data.size())};
  std::error_code ec;
  if (std::filesystem::exists(file_for(sha), ec)) return out;
  std::size_t off = 0;
  auto stored = encrypt(
      [&](unsigned char* buf, std::size_t cap) -> Result<std::size_t> {
        const std::size_t n = std::min(cap, data.size() - off);
        std::memcpy(buf, data.data() + off, n);
        off += n;
        return n;
      },
      sha, static_cast<std::int64_t>(data.size()));
  if (!stored) return stored.error();
  out.added = true;
  return out;
}

// Writes <file_for(sha)> from reader's plaintext: magic, secretstream header, chunks;
// temp file, fsync, rename, directory fsync.
Result<StoredBlob> BlobStore::encrypt(const std::function<Result<std::size_t>(unsigned char*, std::size_t)>& reader,
                                      const std::string& sha, std::int64_t size) {
  std::error_code ec;
  const auto dest = file_for(sha);
  std::filesystem::create_directories(dir_, ec);
  if (ec) return make_error(ErrorDomain::io, ErrorCode::io_error, "cannot create " + dir_.string());
  SecureKey key;
  crypto_generichash(key.data(), key.size(), reinterpret_cast<const unsigned char*>(sha.data()), sha.size(),
                     content_key_.data(), content_key_.size());
  auto tmp = dest;
  tmp += ".tmp";
  {
    File outf(tmp, "wb");
    if (!outf) return fs::io_error("cannot create", tmp);
    crypto_secretstream_xchacha20poly1305_state st;
    unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
    crypto_secretstream_xchacha20poly1305_init_push(&st, header, key.data());
    // The sha256 is authenticated with the first chunk, binding file to content.
    std::fwrite(kMagic, 1, sizeof kMagic, outf.f);
    std::fwrite(header, 1, sizeof header, outf.f);
    std::vector<unsigned char> plain(kChunk), cipher(kChunk + crypto_secretstream_xchacha20poly1305_ABYTES);
    std::int64_t total = 0;
    for (;;) {
      auto got = reader(plain.data(), kChunk);
      if (!got) {
        std::filesystem::remove(tmp, ec);
        return got.error();
      }
      const std::size_t n = *got;
      total += static_cast<std::int64_t>(n);
      const bool last = n < kChunk || total == size;
      unsigned long long clen = 0;
      crypto_secretstream_xchacha20poly1305_push(
          &st, cipher.data(), &clen, plain.data(), n, reinterpret_cast<const unsigned char*>(sha.data()),
          total == static_cast<std::int64_t>(n) ? sha.size() : 0,
          last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
      if (std::fwrite(cipher.data(), 1, clen, outf.f) != clen) {
        std::filesystem::remove(tmp, ec);
        return fs::io_error("cannot write", tmp);
      }
      if (last) break;
    }
    sodium_memzero(plain.data(), plain.size());
    if (total != size) {
      std::filesystem::remove(tmp, ec);
      return make_error(ErrorDomain::io, ErrorCode::io_error, "the attachment changed while it was read");
    }
    if (std::fflush(outf.f) != 0 || ::fsync(fileno(outf.f)) != 0) {
      std::filesystem::remove(tmp, ec);
      return fs::io_error("cannot sync", tmp);
    }
  }
  std::filesystem::rename(tmp, dest, ec);
  if (ec) return make_error(ErrorDomain::io, ErrorCode::io_error, "cannot store attachment: " + ec.message());
  DOORSTEP_TRY(fs::fsync_dir(dir_));
  return StoredBlob{sha, size};
}

Status BlobStore::read(const std::string& sha256, const std::function<Status(const std::string&)>& sink) {
  if (name_key_.empty()) return make_error(ErrorDomain::state, ErrorCode::invalid_transition, "the store is locked");
  if (!is_sha256_hex(sha256))
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "not a SHA-256: " + sha256.substr(0, 70));
  File in(file_for(sha256), "rb");
  if (!in)
    return make_error(ErrorDomain::store, ErrorCode::not_found, "attachment " + sha256.substr(0, 12) + " is not on this device");
  SecureKey key;
  crypto_generichash(key.data(), key.size(), reinterpret_cast<const unsigned char*>(sha256.data()), sha256.size(),
                     content_key_.data(), content_key_.size());
  char magic[4];
  unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  if (std::fread(magic, 1, 4, in.f) != 4 || std::memcmp(magic, kMagic, 4) != 0 ||
      std::fread(header, 1, sizeof header, in.f) != sizeof header)
    return corrupt_blob(sha256);
  crypto_secretstream_xchacha20poly1305_state st;
  if (crypto_secretstream_xchacha20poly1305_init_pull(&st, header, key.data()) != 0) return corrupt_blob(sha256);
  crypto_hash_sha256_state hs;
  crypto_hash_sha256_init(&hs);
  std::vector<unsigned char> cipher(kChunk + crypto_secretstream_xchacha20poly1305_ABYTES);
  std::string plain(kChunk, '\0');
  bool first = true, finished = false;
  for (;;) {
    const std::size_t n = std::fread(cipher.data(), 1, cipher.size(), in.f);
    if (n == 0) break;
    unsigned long long mlen = 0;
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(&st, reinterpret_cast<unsigned char*>(plain.data()), &mlen, &tag,
                                                   cipher.data(), n,
                                                   reinterpret_cast<const unsigned char*>(sha256.data()),
                                                   first ? sha256.size() : 0) != 0)
      return corrupt_blob(sha256);
    first = false;
    crypto_hash_sha256_update(&hs, reinterpret_cast<const unsigned char*>(plain.data()), mlen);
    DOORSTEP_TRY(sink(plain.substr(0, mlen)));
    if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
      finished = std::fgetc(in.f) == EOF;  // nothing may follow the final chunk
      break;
    }
  }
  sodium_memzero(plain.data(), plain.size());
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&hs, digest);
  if (!finished || to_hex(digest, sizeof digest) != sha256) return corrupt_blob(sha256);
  return {};
}

Status BlobStore::export_to(const std::string& sha256, const std::filesystem::path& dest) {
  auto tmp = dest;
  tmp += ".part";
  std::error_code ec;
  Status st;
  {
    File out(tmp, "wb");
    if (!out) return fs::io_error("cannot create", tmp);
    st = read(sha256, [&](const std::string& chunk) -> Status {
      if (std::fwrite(chunk.data(), 1, chunk.size(), out.f) != chunk.size()) return fs::io_error("cannot write", tmp);
      return {};
    });
    if (st.ok() && std::fflush(out.f) != 0) st = fs::io_error("cannot write", tmp);
  }
  if (!st.ok()) {
    std::filesystem::remove(tmp, ec);
    return st;
  }
  std::filesystem::rename(tmp, dest, ec);
  if (ec) return make_error(ErrorDomain::io, ErrorCode::io_error, "cannot write " + dest.string() + ": " + ec.message());
  return {};
}

}  // namespace doorstep
