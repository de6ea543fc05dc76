#include "fs_util.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

namespace doorstep::fs {

Error io_error(const std::string& what, const std::filesystem::path& path) {
  return make_error(ErrorDomain::io, ErrorCode::io_error,
                    what + " " + path.string() + ": " + std::strerror(errno));
}

Status fsync_dir(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open directory", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return io_error("cannot sync directory", dir);
  return {};
}

static Status write_all(int fd, const char* p, std::size_t n, const std::filesystem::path& path) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return io_error("cannot write", path);
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return {};
}

Status write_file_atomic(const std::filesystem::path& path, const std::string& data) {
  auto tmp = path;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot create", tmp);
  auto st = write_all(fd, data.data(), data.size(), tmp);
  if (st.ok() && ::fsync(fd) != 0) st = io_error("cannot sync", tmp);
  ::close(fd);
  if (!st.ok()) {
    ::unlink(tmp.c_str());
    return st;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) return io_error("cannot rename onto", path);
  return fsync_dir(path.parent_path().empty() ? "." : path.parent_path());
}

Result<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return make_error(ErrorDomain::io, ErrorCode::not_found, "no such file: " + path.string());
    return io_error("cannot read", path);
  }
  std::string out;
  char buf[8192];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    out.append(buf, static_cast<std::size_t>(in.gcount()));
    if (out.size() > max_bytes)
      return make_error(ErrorDomain::io, ErrorCode::too_large, "file too large: " + path.string());
  }
  return out;
}

Status shred_file(const std::filesystem::path& path) {
  struct stat sb {};
  if (::stat(path.c_str(), &sb) != 0) return {};  // already gone
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd >= 0) {
    std::vector<char> junk(8192);
    off_t left = sb.st_size;
    while (left > 0) {
      std::size_t n = static_cast<std::size_t>(std::min<off_t>(left, static_cast<off_t>(junk.size())));
      randombytes_buf(junk.data(), n);
      if (!write_all(fd, junk.data(), n, path).ok()) break;
      left -= static_cast<off_t>(n);
    }
    ::fsync(fd);
    ::close(fd);
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return io_error("cannot delete", path);
  return {};
}

}  // namespace doorstep::fs
