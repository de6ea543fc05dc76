#include "cli.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <iostream>

namespace doorstep::cli {

namespace {

Error usage(const std::string& msg) { return make_error(ErrorDomain::input, ErrorCode::invalid_argument, msg); }

// Reads one line from the terminal with echo off.
Result<std::string> prompt_hidden(const std::string& prompt) {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) return usage("no terminal to ask for a secret; set it in the environment");
  (void)!::write(fd, prompt.data(), prompt.size());
  termios old{};
  const bool tty = tcgetattr(fd, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  std::string line;
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n') line += c;
  if (tty) tcsetattr(fd, TCSAFLUSH, &old);
  (void)!::write(fd, "\n", 1);
  ::close(fd);
  return line;
}

}  // namespace

Result<SecretString> read_secret(const char* env_var, const std::string& prompt, bool confirm) {
  if (const char* v = std::getenv(env_var); v != nullptr && *v != '\0') return SecretString(v, std::strlen(v));
  auto first = prompt_hidden(prompt + ": ");
  if (!first) return usage(std::string("set ") + env_var + " or run on a terminal");
  SecretString secret(*first);
  std::fill(first->begin(), first->end(), '\0');
  if (confirm) {
    auto again = prompt_hidden("Again: ");
    if (!again) return again.error();
    const bool same = *again == std::string(secret.data(), secret.size());
    std::fill(again->begin(), again->end(), '\0');
    if (!same) return usage("the two entries differ");
  }
  return secret;
}

Result<std::string> read_stdin_text(std::size_t max_bytes) {
  std::string out;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) {
    out.append(buf, n);
    if (out.size() > max_bytes + 1)
      return make_error(ErrorDomain::input, ErrorCode::too_large,
                        "the text on standard input is over the limit of " + std::to_string(max_bytes / 1024) + " KiB");
  }
  if (!out.empty() && out.back() == '\n') out.pop_back();
  if (!out.empty() && out.back() == '\r') out.pop_back();
  return out;
}

Result<std::filesystem::path> Context::user_dir() const {
  const std::filesystem::path users = std::filesystem::path(store_dir) / "users";
  if (!user.empty()) {
    if (!is_record_id(user)) return usage("not a user name: " + user.substr(0, 64));
    return users / user;
  }
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(users, ec))
    if (e.is_directory() && Store::exists(e.path())) found.push_back(e.path().filename().string());
  if (found.empty())
    return make_error(ErrorDomain::store, ErrorCode::not_found,
                      "no store in " + store_dir + " (create one with: doorstep --store " + store_dir + " init --user NAME)");
  if (found.size() > 1) {
    std::sort(found.begin(), found.end());
    std::string list;
    for (const auto& f : found) list += (list.empty() ? "" : ", ") + f;
    return usage(store_dir + " holds stores for " + list + "; choose one with --user");
  }
  return users / found.front();
}

Result<std::unique_ptr<Store>> Context::open_store() const {
  auto dir = user_dir();
  if (!dir) return dir.error();
  if (!Store::exists(*dir))
    return make_error(ErrorDomain::store, ErrorCode::not_found, "no store for " + dir->filename().string() + " in " + store_dir);
  auto pin = read_secret("DOORSTEP_PIN", "PIN for " + dir->filename().string(), false);
  if (!pin) return pin.error();
  return Store::open(*dir, *pin);
}

std::string dump(const nlohmann::json& j) { return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace); }

int Context::done(const nlohmann::json& doc, const std::string& human) const {
  if (json) std::cout << dump(doc) << "\n";
  else if (!human.empty()) std::cout << human << (human.back() == '\n' ? "" : "\n");
  std::cout.flush();
  return 0;
}

nlohmann::json error_json(const Error& e) {
  return {{"error", {{"domain", to_string(e.domain)}, {"code", to_string(e.code)}, {"message", e.message}}}};
}

int Context::fail(const Error& e) const {
  if (json) std::cout << dump(error_json(e)) << "\n";
  std::cerr << "doorstep: " << e.message << "\n";
  if (e.code == ErrorCode::wrong_pin || e.code == ErrorCode::locked_out || e.code == ErrorCode::erased) return kExitAuth;
  if (e.domain == ErrorDomain::input && e.code == ErrorCode::invalid_argument) return kExitFailed;
  return kExitFailed;
}

nlohmann::json record_json(const Record& r) {
  nlohmann::json j = {{"type", r.type}, {"id", r.id}, {"rev", r.rev}, {"hlc", r.hlc}, {"deleted", r.deleted}};
  const RecordType* rt = find_record_type(r.type);
  for (const auto& [k, v] : r.fields) {
    const FieldSpec* f = rt ? rt->field(k) : nullptr;
    if (f && f->type == FieldType::text_set && std::holds_alternative<std::string>(v)) {
      auto arr = nlohmann::json::parse(std::get<std::string>(v), nullptr, false);
      j[k] = arr.is_discarded() ? nlohmann::json::array() : arr;
      continue;
    }
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::monostate>) j[k] = nullptr;
          else j[k] = x;
        },
        v);
  }
  return j;
}

Result<std::optional<Place>> place_from(const std::optional<double>& lat, const std::optional<double>& lon,
                                        const std::optional<double>& accuracy) {
  if (lat.has_value() != lon.has_value()) return usage("give both --lat and --lon, or neither");
  if (!lat) return std::optional<Place>{};
  return std::optional<Place>(Place{*lat, *lon, accuracy});
}

std::string short_time(const std::string& ts) {
  if (ts.size() < 16) return ts;
  return ts.substr(0, 10) + " " + ts.substr(11, 5);
}

}  // namespace doorstep::cli
