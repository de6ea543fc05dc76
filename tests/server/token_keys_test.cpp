// Token keys in a key file: made owner-only on first start, refused when damaged or
// readable by others, rotated without signing anyone out, old keys retired.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <thread>

#include "hub/token_keys.h"
#include "hub/tokens.h"
#include "temp_store.h"

using namespace doorstep;
using namespace doorstep::server;

namespace {

AccessClaims device_claims() {
  AccessClaims c;
  c.device_id = "tablet-1";
  c.user = "sam";
  c.role = "worker";
  c.token_gen = 1;
  c.expires_ms = 4'000'000'000'000;
  return c;
}

int lines_of(const std::filesystem::path& f) {
  std::ifstream in(f);
  int n = 0;
  for (std::string l; std::getline(in, l);) n += !l.empty();
  return n;
}

}  // namespace

TEST_CASE("a new key file is owner-only with one key, a damaged or shared one is refused") {
  test::TempDir dir;
  const auto f = dir.path() / "token.keys";
  auto keys = load_or_create_token_keys(f);
  REQUIRE(keys.ok());
  CHECK(keys->size() == 1);
  struct stat st {};
  REQUIRE(::stat(f.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto again = load_or_create_token_keys(f);  // a second start reads the same key
  REQUIRE(again.ok());
  CHECK((*again)[0].id == (*keys)[0].id);

  ::chmod(f.c_str(), 0640);
  CHECK(read_token_keys(f).error().code == ErrorCode::invalid_argument);
  ::chmod(f.c_str(), 0600);
  { std::ofstream(f) << "abc not-hex-at-all\n"; }
  CHECK(read_token_keys(f).error().code == ErrorCode::corrupt);
  { std::ofstream(f) << ""; }
  CHECK(read_token_keys(f).error().code == ErrorCode::corrupt);
}

TEST_CASE("rotating the token key signs nobody out, retiring the old key ends its tokens") {
  test::TempDir dir;
  const auto f = dir.path() / "token.keys";
  auto keys = load_or_create_token_keys(f);
  REQUIRE(keys.ok());
  TokenSigner running(std::move(*keys), f);
  const std::string old_token = running.issue(device_claims());
  const std::string old_id = running.signing_key_id();

  auto new_id = rotate_token_keys(f, false);
  REQUIRE(new_id.ok());
  CHECK(*new_id != old_id);
  CHECK(lines_of(f) == 2);
  // Another instance started after the rotation signs with the new key ...
  auto now_keys = read_token_keys(f);
  REQUIRE(now_keys.ok());
  TokenSigner fresh(std::move(*now_keys), f);
  const std::string new_token = fresh.issue(device_claims());
  CHECK(new_token.rfind(*new_id + ".", 0) == 0);
  CHECK(fresh.verify(old_token, 0).ok());  // ... and still takes the old key's tokens
  // The running instance meets a token of a key it does not hold: it reads the file.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  CHECK(running.verify(new_token, 0).ok());

  REQUIRE(rotate_token_keys(f, true).ok());
  CHECK(lines_of(f) == 1);
  auto only = read_token_keys(f);
  REQUIRE(only.ok());
  TokenSigner after(std::move(*only), f);
  CHECK(after.verify(new_token, 0).ok());
  CHECK_FALSE(after.verify(old_token, 0).ok());
}
