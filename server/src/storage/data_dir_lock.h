// DataDirLock: one process at a time changes a SQLite hub's data directory. An
// exclusive flock(2) on <data>/hub.lock, taken by a serving hub (Hub::open) and by
// the commands that replace its database (restore, new-epoch), so a restore can never
// swap the database under a running server that would go on answering with the old
// epoch. The kernel drops the lock when the process ends, however it ends.
// Movable, not copyable; one object per holder; not shared between threads.
#pragma once

#include <filesystem>
#include <string>

#include "doorstep/core/result.h"

namespace doorstep::server {

class DataDirLock {
 public:
  // state/invalid_transition when another process holds it (its message says to stop
  // that server first); io/io_error when the lock file cannot be made.
  static Result<DataDirLock> take(const std::filesystem::path& data_dir);

  DataDirLock(DataDirLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DataDirLock& operator=(DataDirLock&& other) noexcept;
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;
  ~DataDirLock();

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace doorstep::server
