#include "storage/server_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <sodium.h>

namespace doorstep::server {

namespace {

Error io(const std::string& what) {
  return make_error(ErrorDomain::io, ErrorCode::io_error, what + ": " + std::strerror(errno));
}

Status write_all(int fd, const std::uint8_t* p, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return io("cannot write server.key");
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return {};
}

}  // namespace

Result<SecureKey> load_or_create_server_key(const std::filesystem::path& data_dir) {
  if (!crypto_ready()) return make_error(ErrorDomain::crypto, ErrorCode::internal, "libsodium cannot start");
  const auto path = data_dir / "server.key";
  SecureKey key;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT) {
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return io("cannot create " + path.string());
    randombytes_buf(key.data(), key.size());
    auto w = write_all(fd, key.data(), key.size());
    if (w.ok() && ::fsync(fd) != 0) w = io("cannot sync server.key");
    ::close(fd);
    if (!w.ok()) {
      ::unlink(path.c_str());
      return w.error();
    }
    // Make the new directory entry durable too.
    const int dfd = ::open(data_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
    return key;
  }
  if (fd < 0) return io("cannot open " + path.string());
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return io("cannot stat server.key");
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return make_error(ErrorDomain::io, ErrorCode::invalid_argument,
                      path.string() + " is readable by group or others; chmod 600 it");
  }
  if (st.st_size != static_cast<off_t>(key.size())) {
    ::close(fd);
    return make_error(ErrorDomain::store, ErrorCode::corrupt, path.string() + " is not a 32-byte key");
  }
  std::size_t got = 0;
  while (got < key.size()) {
    const ssize_t r = ::read(fd, key.data() + got, key.size() - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      ::close(fd);
      return io("cannot read server.key");
    }
    got += static_cast<std::size_t>(r);
  }
  ::close(fd);
  return key;
}

}  // namespace doorstep::server
