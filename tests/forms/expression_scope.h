// Test scopes for forms expressions: answers from a map, an injected clock and UTC offset,
// and a count of the fields read (to check that if(), and, or stay lazy).
// Not thread-safe while being filled; const use from several threads is fine.
#pragma once

#include <atomic>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "doorstep/core/forms/expression.h"

namespace doorstep::forms::testing {

class MapScope : public ExpressionScope {
 public:
  // One answer; a repeat's instances go in set_all().
  MapScope& set(std::string name, Value v) {
    fields_[std::move(name)] = {std::move(v)};
    return *this;
  }
  MapScope& set_all(std::string name, std::vector<Value> instances) {
    fields_[std::move(name)] = std::move(instances);
    return *this;
  }

  Value field(std::string_view name) const override {
    ++reads;
    auto it = fields_.find(std::string(name));
    if (it == fields_.end() || it->second.empty()) return {};
    return it->second.front();
  }
  std::vector<Value> field_all(std::string_view name) const override {
    ++reads;
    auto it = fields_.find(std::string(name));
    return it == fields_.end() ? std::vector<Value>{} : it->second;
  }
  Value current() const override { return current_value; }
  std::int64_t now_ms() const override { return now; }
  int utc_offset_minutes() const override { return offset_minutes; }
  int position() const override { return repeat_position; }

  Value current_value;
  std::int64_t now = 1'709'681'400'000;  // 2024-03-05T23:30:00Z
  int offset_minutes = 0;
  int repeat_position = 0;
  mutable std::atomic<int> reads{0};

 private:
  std::map<std::string, std::vector<Value>> fields_;
};

// A scope whose every answer throws, as a buggy form session might.
class ThrowingScope : public ExpressionScope {
 public:
  Value field(std::string_view) const override { throw std::runtime_error("session bug"); }
  Value current() const override { throw 42; }
  std::int64_t now_ms() const override { return 0; }
};

inline Result<Value> try_eval(std::string_view text, const ExpressionScope& scope,
                              const ExpressionLimits& limits = {}) {
  auto e = Expression::parse(text, limits);
  if (!e.ok()) return e.error();
  return e->evaluate(scope);
}

// Parses and evaluates; fails the test, naming the expression, on any error.
inline Value eval(std::string_view text, const ExpressionScope& scope) {
  INFO("expression: " << text);
  auto v = try_eval(text, scope);
  if (!v.ok()) FAIL(v.error().describe());
  return v.value();
}
inline Value eval(std::string_view text) { return eval(text, MapScope{}); }
inline std::string text_of(std::string_view text, const ExpressionScope& scope) {
  return to_text(eval(text, scope));
}
inline std::string text_of(std::string_view text) { return to_text(eval(text)); }

// The parse error of text that must not parse; fails the test if it parses.
inline Error parse_error(std::string_view text, const ExpressionLimits& limits = {}) {
  INFO("expression: " << text);
  auto e = Expression::parse(text, limits);
  if (e.ok()) FAIL("parsed, but should not have");
  return e.error();
}

}  // namespace doorstep::forms::testing
