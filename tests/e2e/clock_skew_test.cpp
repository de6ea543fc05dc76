// A device whose clock is two days fast or slow cannot win merges it should lose:
// a change made after seeing another is later, whatever the wall clocks say.
#include <catch2/catch.hpp>

#include "doorstep/core/visits.h"
#include "hub.h"

using namespace doorstep;
using namespace doorstep::e2e;

namespace {

class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(std::int64_t offset_ms) : offset_(offset_ms) {}
  std::int64_t now_ms() const override { return SystemClock::instance().now_ms() + offset_; }

 private:
  std::int64_t offset_;
};

constexpr std::int64_t kTwoDays = 2 * 24 * 3600 * 1000LL;

std::string purpose(Device& d) { return (*d.store().get("visit", "v1"))->text("purpose"); }

void scenario(std::int64_t skew_ms) {
  Hub hub;
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  hub.add_visit("v1", "c1", "2026-12-01T10:00:00Z");
  OffsetClock skewed(skew_ms);
  Device odd(hub, "sam", &skewed), honest(hub, "sam");
  REQUIRE(odd.sync().ok());
  REQUIRE(honest.sync().ok());

  // The skewed device changes the purpose first; the honest one sees it, then changes it.
  REQUIRE(Visits(odd.store()).replan("v1", {"", "", "", "first (skewed device)"}).ok());
  REQUIRE(odd.sync().ok());
  REQUIRE(honest.sync().ok());
  REQUIRE(purpose(honest) == "first (skewed device)");
  REQUIRE(Visits(honest.store()).replan("v1", {"", "", "", "second (after seeing the first)"}).ok());
  REQUIRE(honest.sync().ok());
  REQUIRE(odd.sync().ok());
  CHECK(purpose(odd) == "second (after seeing the first)");
  CHECK(purpose(honest) == "second (after seeing the first)");

  // And the other way round: the skewed device answers the honest one.
  REQUIRE(Visits(odd.store()).replan("v1", {"", "", "", "third (skewed, after seeing the second)"}).ok());
  REQUIRE(odd.sync().ok());
  REQUIRE(honest.sync().ok());
  CHECK(purpose(honest) == "third (skewed, after seeing the second)");
  CHECK(purpose(odd) == "third (skewed, after seeing the second)");
}

}  // namespace

TEST_CASE("a device clock two days fast still respects causality") { scenario(kTwoDays); }
TEST_CASE("a device clock two days slow still respects causality") { scenario(-kTwoDays); }

TEST_CASE("a clock two days fast cannot beat a later concurrent change by more than the clamp") {
  Hub hub;
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  hub.add_visit("v1", "c1", "2026-12-01T10:00:00Z");
  OffsetClock fast(kTwoDays);
  Device odd(hub, "sam", &fast);
  REQUIRE(odd.sync().ok());
  REQUIRE(Visits(odd.store()).replan("v1", {"", "", "", "from the fast device"}).ok());
  REQUIRE(odd.sync().ok());
  auto exported = hub.office("GET", "/v1/office/export");
  // The server stored a clock no more than protocol::kMaxClockAheadMs ahead of its own.
  const std::string text = exported.is_string() ? exported.get<std::string>() : exported.dump();
  auto pos = text.find("\"id\":\"v1\"");
  REQUIRE(pos != std::string::npos);
  auto line_start = text.rfind('\n', pos);
  auto line = nlohmann::json::parse(text.substr(line_start == std::string::npos ? 0 : line_start + 1,
                                                text.find('\n', pos) - (line_start == std::string::npos ? 0 : line_start + 1)));
  auto hlc = Hlc::decode(line["hlc"].get<std::string>());
  REQUIRE(hlc.ok());
  CHECK(hlc->millis <= SystemClock::instance().now_ms() + 61'000);
}
