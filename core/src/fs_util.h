// File helpers private to core: durable writes and removal. Not thread-safe per path.
#pragma once

#include <filesystem>
#include <string>

#include "doorstep/core/result.h"

namespace doorstep::fs {

// Writes data to path atomically and durably: temp file, fsync, rename, fsync dir.
Status write_file_atomic(const std::filesystem::path& path, const std::string& data);
Result<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes);
Status fsync_dir(const std::filesystem::path& dir);
// Overwrites a small file with random bytes and fsyncs before unlinking it, so its
// old content is not left in the same blocks (best effort on flash). Missing is fine.
Status shred_file(const std::filesystem::path& path);
Error io_error(const std::string& what, const std::filesystem::path& path);

}  // namespace doorstep::fs
