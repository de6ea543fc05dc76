#include "storage/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace doorstep::server {

Result<DataDirLock> DataDirLock::take(const std::filesystem::path& data_dir) {
  const auto file = data_dir / "hub.lock";
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return make_error(ErrorDomain::io, ErrorCode::io_error,
                      "cannot open " + file.string() + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      return make_error(ErrorDomain::state, ErrorCode::invalid_transition,
                        "another doorstep-server is using " + data_dir.string() + "; stop it first");
    return make_error(ErrorDomain::io, ErrorCode::io_error, "cannot lock " + file.string() + ": " + std::strerror(err));
  }
  return DataDirLock(fd);
}

DataDirLock& DataDirLock::operator=(DataDirLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace doorstep::server
