#include "hub/password_rules.h"

#include <algorithm>
#include <fstream>
#include <vector>

#ifndef DOORSTEP_BUILD_DENY_LIST
#define DOORSTEP_BUILD_DENY_LIST ""
#endif

namespace doorstep::server {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

Error invalid(const std::string& m) { return make_error(ErrorDomain::input, ErrorCode::invalid_argument, m); }

}  // namespace

Result<PasswordRules> PasswordRules::load(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return make_error(ErrorDomain::io, ErrorCode::io_error, "cannot read the password deny-list " + file.string());
  PasswordRules rules;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    rules.denied_.insert(lower(line));
  }
  return rules;
}

Status PasswordRules::check(const std::string& username, const std::string& password) const {
  if (password.size() < kMinPasswordChars)
    return invalid("a password needs at least " + std::to_string(kMinPasswordChars) + " characters");
  if (password.size() > kMaxPasswordChars)
    return invalid("a password has at most " + std::to_string(kMaxPasswordChars) + " characters");
  const std::string p = lower(password);
  if (p == lower(username)) return invalid("a password must not be the user name");
  if (denied_.count(p)) return invalid("that password is one of the most common ones; choose another");
  return {};
}

std::optional<std::filesystem::path> default_deny_list(const std::filesystem::path& exe) {
  std::vector<std::filesystem::path> candidates;
  std::error_code ec;
  auto self = std::filesystem::canonical(exe, ec);
  if (!ec) candidates.push_back(self.parent_path().parent_path() / "share" / "doorstep" / "common-passwords.txt");
  if (std::string(DOORSTEP_BUILD_DENY_LIST).size() > 0) candidates.emplace_back(DOORSTEP_BUILD_DENY_LIST);
  for (const auto& c : candidates)
    if (std::filesystem::is_regular_file(c, ec)) return c;
  return std::nullopt;
}

}  // namespace doorstep::server
