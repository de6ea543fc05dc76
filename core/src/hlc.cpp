#include "doorstep/core/hlc.h"

#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <tuple>

#include "doorstep/core/secure_key.h"

namespace doorstep {

namespace {
constexpr std::int64_t kMillisMask = (std::int64_t{1} << 48) - 1;
}

std::string Hlc::encode() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%012llx-%04x-",
                static_cast<unsigned long long>(millis & kMillisMask), counter);
  return buf + device;
}

Result<Hlc> Hlc::decode(const std::string& text) {
  auto bad = [&] {
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "not a clock value: " + text.substr(0, 40));
  };
  if (text.size() < 18 || text[12] != '-' || text[17] != '-') return bad();
  Hlc h;
  unsigned long long ms = 0;
  unsigned c = 0;
  for (int i = 0; i < 12; ++i) {
    char ch = text[i];
    int v = (ch >= '0' && ch <= '9') ? ch - '0' : (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10 : -1;
    if (v < 0) return bad();
    ms = ms * 16 + static_cast<unsigned>(v);
  }
  for (int i = 13; i < 17; ++i) {
    char ch = text[i];
    int v = (ch >= '0' && ch <= '9') ? ch - '0' : (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10 : -1;
    if (v < 0) return bad();
    c = c * 16 + static_cast<unsigned>(v);
  }
  h.millis = static_cast<std::int64_t>(ms);
  h.counter = static_cast<std::uint16_t>(c);
  h.device = text.substr(18);
  return h;
}

bool operator<(const Hlc& a, const Hlc& b) {
  return std::tie(a.millis, a.counter, a.device) < std::tie(b.millis, b.counter, b.device);
}

Hlc HlcClock::now() {
  const std::int64_t wall = wall_->now_ms() & kMillisMask;
  Hlc next;
  next.device = device_;
  if (wall > last_.millis) {
    next.millis = wall;
    next.counter = 0;
  } else if (last_.counter == 0xffff) {
    // Counter exhausted within one millisecond: borrow the next millisecond.
    next.millis = last_.millis + 1;
    next.counter = 0;
  } else {
    next.millis = last_.millis;
    next.counter = static_cast<std::uint16_t>(last_.counter + 1);
  }
  last_ = next;
  return next;
}

void HlcClock::observe(const Hlc& remote, std::int64_t max_ahead_ms) {
  Hlc r = remote;
  const std::int64_t limit = wall_->now_ms() + max_ahead_ms;
  if (r.millis > limit) {
    r.millis = limit;
    r.counter = 0;
  }
  if (last_.millis < r.millis || (last_.millis == r.millis && last_.counter < r.counter)) {
    last_.millis = r.millis;
    last_.counter = r.counter;
  }
}

std::string new_uuid() {
  crypto_ready();
  // Version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Ids made
  // one after another sort together, so every index keyed by id (notes, the timeline,
  // the server's record table) appends instead of writing all over the tree: far
  // fewer pages to encrypt per insert.
  unsigned char b[16];
  randombytes_buf(b, sizeof b);
  const auto ms = static_cast<std::uint64_t>(SystemClock::instance().now_ms());
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x70);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

bool is_uuid(const std::string& t) {
  if (t.size() != 36) return false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (t[i] != '-') return false;
    } else if (!((t[i] >= '0' && t[i] <= '9') || (t[i] >= 'a' && t[i] <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace doorstep
