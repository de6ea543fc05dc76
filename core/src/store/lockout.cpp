#include "lockout.h"

#include <nlohmann/json.hpp>

#include "../fs_util.h"

namespace doorstep::store {

namespace {

struct State {
  int failures = 0;
  std::int64_t locked_until = 0;
};

State read_state(const std::filesystem::path& file) {
  State s;
  auto text = fs::read_file(file, 4096);
  if (!text) return s;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return s;
  // A mistyped field counts as unreadable, like a damaged file; j.value() would throw.
  if (j.contains("failures") && j["failures"].is_number_integer()) s.failures = j["failures"].get<int>();
  if (j.contains("locked_until_ms") && j["locked_until_ms"].is_number_integer())
    s.locked_until = j["locked_until_ms"].get<std::int64_t>();
  return s;
}

Status write_state(const std::filesystem::path& file, const State& s) {
  nlohmann::json j = {{"failures", s.failures}, {"locked_until_ms", s.locked_until}};
  return fs::write_file_atomic(file, j.dump() + "\n");
}

}  // namespace

Result<AttemptGate> begin_attempt(const std::filesystem::path& file, std::int64_t now_ms) {
  State s = read_state(file);
  if (now_ms < s.locked_until) {
    const std::int64_t wait_s = (s.locked_until - now_ms + 999) / 1000;
    return make_error(ErrorDomain::store, ErrorCode::locked_out,
                      "too many wrong PINs: try again in " + std::to_string(wait_s) + " s");
  }
  State next{s.failures + 1, s.locked_until};
  DOORSTEP_TRY(write_state(file, next));
  return AttemptGate{next.failures};
}

Status record_failure(const std::filesystem::path& file, int failures, std::int64_t locked_until_ms) {
  return write_state(file, State{failures, locked_until_ms});
}

Status reset_lockout(const std::filesystem::path& file) { return write_state(file, State{}); }

}  // namespace doorstep::store
