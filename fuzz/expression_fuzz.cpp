// Fuzz entry for forms expressions: parse any bytes; when they parse, evaluate against a
// small fixed scope and check the evaluator's promises (bounded text, same answer twice,
// tighter limits refuse but never change an answer).
// Built as a libFuzzer target (DOORSTEP_FUZZ) and as a corpus replay test (fuzz/replay_main.cpp).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "doorstep/core/forms/expression.h"

namespace {

using doorstep::forms::Value;

class FixedScope : public doorstep::forms::ExpressionScope {
 public:
  Value field(std::string_view name) const override {
    if (name == "age") return 42.0;
    if (name == "dob") return std::string("1990-06-15");
    if (name == "visited") return std::string("2024-03-05T14:07:09.123+01:00");
    if (name == "concerns") return std::string("neglect housing finance");
    if (name == "name") return std::string("Zoë O'Neill");
    if (name == "phone") return std::string("07123456789");
    if (name == "consent") return true;
    if (name == "blank") return std::string();
    if (name == "scores") return std::string("1");
    return {};
  }
  std::vector<Value> field_all(std::string_view name) const override {
    if (name == "scores") return {Value(1.0), Value(std::string("2")), Value()};
    if (name == "names") return {Value(std::string("Ada")), Value(std::string("Bo"))};
    return {field(name)};
  }
  Value current() const override { return std::string("5"); }
  std::int64_t now_ms() const override { return 1'709'681'400'000; }  // 2024-03-05T23:30Z
  int utc_offset_minutes() const override { return 60; }
  int position() const override { return 2; }
};

// A broken promise is a finding: abort so the fuzzer saves the input.
void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using doorstep::forms::Expression;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = Expression::parse(text);
  if (!parsed.ok()) {
    require(!parsed.error().message.empty());
    return 0;
  }
  const Expression& e = parsed.value();
  require(e.text() == text);
  for (const auto& name : e.references()) require(!name.empty());

  FixedScope scope;
  auto first = e.evaluate(scope);
  auto second = Expression(e).evaluate(scope);
  require(first.ok() == second.ok());
  if (first.ok()) {
    require(first.value() == second.value());
    if (auto* s = std::get_if<std::string>(&first.value())) {
      require(s->size() <= doorstep::forms::ExpressionLimits{}.max_text);
    }
    (void)doorstep::forms::to_text(first.value());
    (void)doorstep::forms::to_number(first.value());
  } else {
    require(first.error().code == second.error().code);
  }

  // Tighter limits may refuse an expression, but never change its answer.
  doorstep::forms::ExpressionLimits tight;
  tight.max_depth = 8;
  tight.max_steps = 200;
  tight.max_text = 256;
  auto small = Expression::parse(text, tight);
  if (small.ok()) {
    auto v = small->evaluate(scope);
    if (v.ok()) require(first.ok() && v.value() == first.value());
  }
  return 0;
}
