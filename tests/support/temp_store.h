// Test support: throwaway directories and stores with test-speed settings.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "doorstep/core/store.h"

namespace doorstep::test {

// A fresh directory under the system temp dir, removed when destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& s) const { return path_ / s; }

 private:
  std::filesystem::path path_;
};

inline const char* kPin = "2468";

// Store options for tests: minimum Argon2id cost, no lockout delays unless a test sets them.
StoreOptions fast_options(const Clock* clock = nullptr);

// Creates a store for user "alex" in dir with kPin; fails the test on error.
std::unique_ptr<Store> make_store(const std::filesystem::path& dir, const StoreOptions& options = fast_options());
std::unique_ptr<Store> open_store(const std::filesystem::path& dir, const StoreOptions& options = fast_options());

// Loads one person ("p1", Dana Whitfield, marker "dog at property") with one
// children's case ("c1"), two planned visits ("v1", "v2") and a task ("t1").
void load_sample(Store& store);

// Every file under dir, recursively (database, WAL, SHM, envelope, blobs).
std::vector<std::filesystem::path> files_under(const std::filesystem::path& dir);
std::string read_all(const std::filesystem::path& file);
// The same text in UTF-16LE and UTF-16BE, for canary scans.
std::string utf16le(const std::string& ascii);
std::string utf16be(const std::string& ascii);

}  // namespace doorstep::test
