// The hub's rules for passwords people choose: at least kMinPasswordChars characters,
// not the user name, and not in the deny-list of common passwords shipped with the
// server (share/doorstep/common-passwords.txt, one per line, compared without case).
// A list is loaded once and immutable after: thread-safe.
#pragma once

#include <filesystem>
#include <string>
#include <optional>
#include <unordered_set>

#include "doorstep/core/result.h"

namespace doorstep::server {

inline constexpr std::size_t kMinPasswordChars = 10;
inline constexpr std::size_t kMaxPasswordChars = 1024;

class PasswordRules {
 public:
  // An empty list: only the length and user-name rules apply.
  PasswordRules() = default;
  // io_error when the file cannot be read. Lines starting "#" are comments.
  static Result<PasswordRules> load(const std::filesystem::path& file);

  // invalid_argument naming the rule broken; nothing about which entry matched.
  Status check(const std::string& username, const std::string& password) const;
  std::size_t size() const { return denied_.size(); }

 private:
  std::unordered_set<std::string> denied_;  // lower case
};

// Where the deny-list is looked for: <dir of the binary>/../share/doorstep/, then the
// build tree's copy. The first that exists, or nullopt.
std::optional<std::filesystem::path> default_deny_list(const std::filesystem::path& exe);

}  // namespace doorstep::server
