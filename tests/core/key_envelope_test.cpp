// KeyEnvelope and MemoryKeyStore: the worker's PIN (or the platform key) is the only
// way back to the data key. If these fail, a worker is locked out of their own
// notes, or someone who is not the worker gets in.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "doorstep/core/key_envelope.h"
#include "doorstep/core/key_store.h"
#include "temp_store.h"

using namespace doorstep;

namespace {

const KdfParams kFast{2, 19ull << 20};  // the documented minimum: keeps the suite fast

SecretString pin(const std::string& s) { return SecretString(s); }

bool same_key(const SecureKey& a, const SecureKey& b) {
  return !a.empty() && !b.empty() && std::memcmp(a.data(), b.data(), SecureKey::kSize) == 0;
}

std::string describe(const Error& e) { return e.describe(); }

// Replaces the first occurrence of `from` in text; fails the test if absent.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  INFO("looking for " << from << " in " << text);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("a sealed data key opens again with the worker's PIN", "[key_envelope]") {
  const SecureKey dek = SecureKey::random();
  auto env = KeyEnvelope::seal(dek, pin("2468"), kFast);
  INFO((env ? "" : describe(env.error())));
  REQUIRE(env.ok());

  auto opened = env->open(pin("2468"));
  INFO("the worker's own PIN did not unlock their data key: every note would be unreadable");
  REQUIRE(opened.ok());
  CHECK(same_key(*opened, dek));

  SECTION("and after a trip through the envelope file") {
    doorstep::test::TempDir dir;
    REQUIRE(env->save(dir / "key-envelope.json").ok());
    auto loaded = KeyEnvelope::load(dir / "key-envelope.json");
    REQUIRE(loaded.ok());
    CHECK(loaded->params().opslimit == kFast.opslimit);
    CHECK(loaded->params().memlimit == kFast.memlimit);
    auto again = loaded->open(pin("2468"));
    REQUIRE(again.ok());
    CHECK(same_key(*again, dek));
  }

  SECTION("the envelope text does not hold the data key") {
    const std::string text = env->serialise();
    const std::string raw(reinterpret_cast<const char*>(dek.data()), dek.size());
    CHECK(text.find(raw) == std::string::npos);
  }
}

TEST_CASE("a wrong PIN is wrong_pin, not a key", "[key_envelope]") {
  const SecureKey dek = SecureKey::random();
  auto env = KeyEnvelope::seal(dek, pin("2468"), kFast);
  REQUIRE(env.ok());
  for (const char* wrong : {"2469", "1234", "24680", "", "2468 "}) {
    INFO("PIN tried: \"" << wrong << "\": a guessed PIN must not unlock the worker's cases");
    auto r = env->open(pin(wrong));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::wrong_pin);
    CHECK(r.error().domain == ErrorDomain::crypto);
  }
}

TEST_CASE("a PIN shorter than 4 characters, or a KDF under the minimum, is refused", "[key_envelope]") {
  const SecureKey dek = SecureKey::random();
  for (const char* short_pin : {"", "1", "12", "123"}) {
    INFO("PIN \"" << short_pin << "\" was accepted: a worker could protect case files with a trivial PIN");
    auto r = KeyEnvelope::seal(dek, pin(short_pin), kFast);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::invalid_argument);
  }
  CHECK(KeyEnvelope::seal(dek, pin("1234"), kFast).ok());

  auto weak_t = KeyEnvelope::seal(dek, pin("2468"), KdfParams{1, 19ull << 20});
  REQUIRE_FALSE(weak_t.ok());
  CHECK(weak_t.error().code == ErrorCode::invalid_argument);
  auto weak_m = KeyEnvelope::seal(dek, pin("2468"), KdfParams{2, 1ull << 20});
  REQUIRE_FALSE(weak_m.ok());
  CHECK(weak_m.error().code == ErrorCode::invalid_argument);
}

TEST_CASE("rewrap: the new PIN opens the same data key and the old PIN no longer does", "[key_envelope]") {
  const SecureKey dek = SecureKey::random();
  auto env = KeyEnvelope::seal(dek, pin("2468"), kFast);
  REQUIRE(env.ok());

  auto next = env->rewrap(pin("2468"), pin("97531"));
  INFO((next ? "" : describe(next.error())));
  REQUIRE(next.ok());

  auto with_new = next->open(pin("97531"));
  INFO("after a PIN change the new PIN must open the same key, or every existing note is lost");
  REQUIRE(with_new.ok());
  CHECK(same_key(*with_new, dek));

  auto with_old = next->open(pin("2468"));
  REQUIRE_FALSE(with_old.ok());
  CHECK(with_old.error().code == ErrorCode::wrong_pin);

  CHECK(next->serialise() != env->serialise());  // fresh salt and nonce

  SECTION("rewrap needs the current PIN") {
    auto r = env->rewrap(pin("0000"), pin("97531"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::wrong_pin);
  }
  SECTION("rewrap refuses a too-short new PIN") {
    auto r = env->rewrap(pin("2468"), pin("12"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::invalid_argument);
  }
}

TEST_CASE("lowering or changing the KDF cost in the envelope file never unlocks it", "[key_envelope]") {
  const SecureKey dek = SecureKey::random();
  auto env = KeyEnvelope::seal(dek, pin("2468"), kFast);
  REQUIRE(env.ok());
  const std::string text = env->serialise();
  const std::string ops = "\"opslimit\": 2";
  const std::string mem = "\"memlimit\": " + std::to_string(kFast.memlimit);

  struct Case {
    const char* what;
    std::string text;
  };
  const Case cases[] = {
      {"opslimit raised to 3", replaced(text, ops, "\"opslimit\": 3")},
      {"opslimit lowered to 1", replaced(text, ops, "\"opslimit\": 1")},
      {"opslimit zero", replaced(text, ops, "\"opslimit\": 0")},
      {"opslimit negative", replaced(text, ops, "\"opslimit\": -2")},
      {"opslimit as text", replaced(text, ops, "\"opslimit\": \"2\"")},
      {"memlimit raised to 20 MiB", replaced(text, mem, "\"memlimit\": " + std::to_string(20ull << 20))},
      {"memlimit lowered to 1 MiB", replaced(text, mem, "\"memlimit\": " + std::to_string(1ull << 20))},
      {"memlimit lowered to 8 KiB", replaced(text, mem, "\"memlimit\": 8192")},
  };
  for (const auto& c : cases) {
    INFO(c.what << ": a tampered envelope opened, so the KDF cost protecting the PIN can be stripped");
    auto parsed = KeyEnvelope::parse(c.text);
    if (!parsed.ok()) {
      CHECK(parsed.error().code == ErrorCode::corrupt);
      continue;
    }
    auto opened = parsed->open(pin("2468"));
    REQUIRE_FALSE(opened.ok());
    CHECK((opened.error().code == ErrorCode::wrong_pin || opened.error().code == ErrorCode::corrupt));
  }
}

TEST_CASE("flipping any byte of the serialised envelope never opens it", "[key_envelope]") {
  const SecureKey dek = SecureKey::random();
  auto env = KeyEnvelope::seal(dek, pin("2468"), kFast);
  REQUIRE(env.ok());
  const std::string text = env->serialise();
  REQUIRE(KeyEnvelope::parse(text).ok());

  int parsed_and_refused = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string t = text;
    t[i] = static_cast<char>(t[i] ^ 0x01);
    INFO("byte " << i << " ('" << text[i] << "') flipped: a damaged or forged envelope must not yield a key");
    auto parsed = KeyEnvelope::parse(t);
    if (!parsed.ok()) {
      CHECK(parsed.error().code == ErrorCode::corrupt);
      continue;
    }
    auto opened = parsed->open(pin("2468"));
    REQUIRE_FALSE(opened.ok());
    CHECK((opened.error().code == ErrorCode::wrong_pin || opened.error().code == ErrorCode::corrupt));
    ++parsed_and_refused;
  }
  // The key material (salt, nonce, wrapped key) reached the cipher and was refused there.
  CHECK(parsed_and_refused > 100);
}

TEST_CASE("parsing anything that is not an envelope is corrupt, never a crash", "[key_envelope]") {
  const std::string garbage[] = {
      "",
      "not json",
      "null",
      "[]",
      "{}",
      "42",
      std::string("\x00\xff\xfe garbage", 11),
      R"({"format": "doorstep-key-envelope"})",
      R"({"format": "doorstep-key-envelope", "version": "1"})",
      R"({"format": "doorstep-key-envelope", "version": 2, "kdf": "argon2id13"})",
      R"({"format": "doorstep-key-envelope", "version": 1, "kdf": "scrypt", "opslimit": 2, "memlimit": 19922944})",
      R"({"format": "doorstep-key-envelope", "version": 1, "kdf": "argon2id13", "opslimit": 2,
          "memlimit": 19922944, "salt": "!!!", "nonce": "", "wrapped_key": ""})",
      R"({"format": "doorstep-key-envelope", "version": 1, "kdf": "argon2id13", "opslimit": 2,
          "memlimit": 19922944, "salt": 5, "nonce": [], "wrapped_key": {}})",
      R"({"format": "doorstep-key-envelope", "version": 1, "kdf": "argon2id13", "opslimit": 2,
          "memlimit": 19922944, "salt": "AAAAAAAAAAAAAAAAAAAAAA==", "nonce": "AAAA", "wrapped_key": "AAAA"})",
  };
  for (const auto& g : garbage) {
    INFO("input: " << g);
    auto r = KeyEnvelope::parse(g);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::corrupt);
  }

  SECTION("a platform section of the wrong shape is corrupt too") {
    auto env = KeyEnvelope::seal(SecureKey::random(), pin("2468"), kFast);
    REQUIRE(env.ok());
    std::string text = env->serialise();
    text = replaced(text, "{", R"({"platform": "keychain", )");
    auto r = KeyEnvelope::parse(text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::corrupt);
  }

  SECTION("a missing envelope file is not_found") {
    doorstep::test::TempDir dir;
    auto r = KeyEnvelope::load(dir / "key-envelope.json");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::not_found);
  }
}

TEST_CASE("MemoryKeyStore wraps and unwraps a key, and forgets it when removed", "[key_envelope][key_store]") {
  MemoryKeyStore keys;
  const SecureKey dek = SecureKey::random();

  auto wrapped = keys.wrap("doorstep-alex", dek);
  REQUIRE(wrapped.ok());
  const std::string raw(reinterpret_cast<const char*>(dek.data()), dek.size());
  CHECK(std::string(wrapped->begin(), wrapped->end()).find(raw) == std::string::npos);

  auto back = keys.unwrap("doorstep-alex", *wrapped);
  INFO("the platform key did not give back the data key: biometric unlock would lose the worker's data");
  REQUIRE(back.ok());
  CHECK(same_key(*back, dek));

  SECTION("a wrapped key altered in any byte is corrupt") {
    for (std::size_t i = 0; i < wrapped->size(); ++i) {
      auto w = *wrapped;
      w[i] ^= 0x01;
      INFO("byte " << i);
      auto r = keys.unwrap("doorstep-alex", w);
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().code == ErrorCode::corrupt);
    }
    auto shorter = *wrapped;
    shorter.pop_back();
    auto r = keys.unwrap("doorstep-alex", shorter);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::corrupt);
  }

  SECTION("a key wrapped under one id does not unwrap under another") {
    REQUIRE(keys.wrap("doorstep-sam", SecureKey::random()).ok());
    auto r = keys.unwrap("doorstep-sam", *wrapped);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::corrupt);
  }

  SECTION("removal destroys the platform key; removing again is fine") {
    REQUIRE(keys.remove("doorstep-alex").ok());
    auto r = keys.unwrap("doorstep-alex", *wrapped);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::not_found);
    CHECK(keys.remove("doorstep-alex").ok());
    CHECK(keys.remove("never-existed").ok());
  }
}

TEST_CASE("an envelope's platform wrap opens the data key and survives a PIN change", "[key_envelope][key_store]") {
  MemoryKeyStore keys;
  const SecureKey dek = SecureKey::random();
  auto env = KeyEnvelope::seal(dek, pin("2468"), kFast);
  REQUIRE(env.ok());
  CHECK_FALSE(env->has_platform_wrap());
  {
    auto none = env->open_with_platform(keys);
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().code == ErrorCode::not_found);
  }

  REQUIRE(env->add_platform_wrap(keys, "doorstep-alex", dek).ok());
  CHECK(env->has_platform_wrap());

  auto parsed = KeyEnvelope::parse(env->serialise());
  REQUIRE(parsed.ok());
  REQUIRE(parsed->has_platform_wrap());
  auto via_platform = parsed->open_with_platform(keys);
  REQUIRE(via_platform.ok());
  CHECK(same_key(*via_platform, dek));

  auto rewrapped = parsed->rewrap(pin("2468"), pin("8642"));
  REQUIRE(rewrapped.ok());
  INFO("a PIN change dropped the platform unlock: the worker would be forced back to the PIN");
  REQUIRE(rewrapped->has_platform_wrap());
  auto after = rewrapped->open_with_platform(keys);
  REQUIRE(after.ok());
  CHECK(same_key(*after, dek));

  REQUIRE(keys.remove("doorstep-alex").ok());
  auto gone = rewrapped->open_with_platform(keys);
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error().code == ErrorCode::not_found);
  // The PIN still works when the platform key is gone.
  auto by_pin = rewrapped->open(pin("8642"));
  REQUIRE(by_pin.ok());
  CHECK(same_key(*by_pin, dek));
}
