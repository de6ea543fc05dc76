#include "hub/token_keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <sodium.h>

namespace doorstep::server {

namespace {

Error io(const std::string& what) {
  return make_error(ErrorDomain::io, ErrorCode::io_error, what + ": " + std::strerror(errno));
}
Error damaged(const std::filesystem::path& f, const std::string& why) {
  return make_error(ErrorDomain::store, ErrorCode::corrupt, "the token key file " + f.string() + " is damaged: " + why);
}

std::string hex(const std::uint8_t* p, std::size_t n) {
  std::string out(2 * n + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

TokenKey new_key(const std::vector<TokenKey>& existing) {
  TokenKey k;
  k.key = SecureKey::random();
  for (;;) {
    std::uint8_t id[4];
    randombytes_buf(id, sizeof id);
    k.id = hex(id, sizeof id);
    bool taken = false;
    for (const auto& e : existing) taken = taken || e.id == k.id;
    if (!taken) return k;
  }
}

std::string render(const std::vector<TokenKey>& keys) {
  std::string out;
  for (const auto& k : keys) out += k.id + " " + hex(k.key.data(), k.key.size()) + "\n";
  return out;
}

// Writes text to a new file beside `file` and renames it into place, durably.
Status replace_file(const std::filesystem::path& file, const std::string& text, bool exclusive) {
  // A name of its own: instances starting at once on a shared file each write their own.
  std::uint8_t nonce[6];
  randombytes_buf(nonce, sizeof nonce);
  const auto tmp = file.string() + "." + std::to_string(::getpid()) + "-" + hex(nonce, sizeof nonce) + ".new";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return io("cannot create " + tmp);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t w = ::write(fd, text.data() + done, text.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return io("cannot write " + tmp);
    }
    done += static_cast<std::size_t>(w);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return io("cannot sync " + tmp);
  }
  ::close(fd);
  // A first key never replaces one another instance wrote meanwhile: link fails then.
  const int moved = exclusive ? ::link(tmp.c_str(), file.c_str()) : ::rename(tmp.c_str(), file.c_str());
  const int err = errno;
  if (exclusive) ::unlink(tmp.c_str());
  if (moved != 0) {
    errno = err;
    if (exclusive && err == EEXIST) return {};
    return io("cannot put " + file.string() + " in place");
  }
  const auto dir = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

}  // namespace

Result<std::vector<TokenKey>> read_token_keys(const std::filesystem::path& file) {
  if (!crypto_ready()) return make_error(ErrorDomain::crypto, ErrorCode::internal, "libsodium cannot start");
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return io("cannot read " + file.string());
  if ((st.st_mode & 077) != 0)
    return make_error(ErrorDomain::io, ErrorCode::invalid_argument,
                      file.string() + " is readable by group or others; chmod 600 it");
  if (st.st_size > 64 * 1024) return damaged(file, "too large");
  std::ifstream in(file);
  if (!in) return io("cannot read " + file.string());
  std::vector<TokenKey> keys;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    std::istringstream parts(line);
    std::string id, key_hex, extra;
    parts >> id >> key_hex >> extra;
    if (id.empty() || id.size() > 16 || id.find_first_not_of("0123456789abcdef") != std::string::npos ||
        key_hex.size() != 2 * SecureKey::kSize || !extra.empty())
      return damaged(file, "line " + std::to_string(n) + " is not \"<id> <64 hex digits>\"");
    TokenKey k;
    k.id = id;
    if (sodium_hex2bin(k.key.data(), k.key.size(), key_hex.data(), key_hex.size(), nullptr, nullptr, nullptr) != 0)
      return damaged(file, "line " + std::to_string(n) + " is not hex");
    sodium_memzero(key_hex.data(), key_hex.size());
    for (const auto& e : keys)
      if (e.id == k.id) return damaged(file, "key id " + id + " appears twice");
    keys.push_back(std::move(k));
  }
  if (keys.empty()) return damaged(file, "it holds no key");
  return keys;
}

Result<std::vector<TokenKey>> load_or_create_token_keys(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    std::vector<TokenKey> keys;
    keys.push_back(new_key(keys));
    DOORSTEP_TRY(replace_file(file, render(keys), true));
  }
  return read_token_keys(file);
}

Result<std::string> rotate_token_keys(const std::filesystem::path& file, bool retire_old) {
  auto keys = load_or_create_token_keys(file);
  if (!keys) return keys.error();
  if (retire_old) {
    keys->erase(keys->begin(), keys->end() - 1);
  } else {
    keys->push_back(new_key(*keys));
  }
  DOORSTEP_TRY(replace_file(file, render(*keys), false));
  return keys->back().id;
}

}  // namespace doorstep::server
