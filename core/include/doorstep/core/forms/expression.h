// Forms expressions: parsing and evaluating XLSForm expressions (relevant, constraint,
// calculation, default, choice_filter) with hard bounds on size, depth, steps and text.
// An Expression is immutable once parsed: copy it freely and evaluate it from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "doorstep/core/result.h"

namespace doorstep::forms {

// An answer or an intermediate value. monostate = no answer / empty.
// select_multiple answers are space-separated choice names; dates are "YYYY-MM-DD",
// datetimes ISO-8601 text. Numbers are doubles; NaN is never stored (it becomes empty).
using Value = std::variant<std::monostate, bool, double, std::string>;

// XPath string(): 3 -> "3", 2.5 -> "2.5", true -> "true", empty -> "".
// Integral doubles print without a decimal point; others with up to 15 significant digits.
std::string to_text(const Value&);
// XPath number(): "" or non-numeric text -> nullopt; true -> 1, false -> 0; empty -> nullopt.
// Surrounding whitespace is allowed ("  4 " -> 4); "1e3", "inf" and "nan" are not numbers.
std::optional<double> to_number(const Value&);
// XPath boolean(): non-empty string / non-zero number -> true; empty -> false.
bool to_boolean(const Value&);
// True for monostate and for "" (an unanswered question).
bool is_empty(const Value&);

struct ExpressionLimits {
  std::size_t max_length = 4096;   // characters of expression text
  int max_depth = 64;              // nesting of parentheses / calls / operators
  std::int64_t max_steps = 100000; // evaluation steps per evaluate()
  std::size_t max_text = 65536;    // longest string a function may build
};

// What an expression can see; the form session implements it.
// evaluate() calls these from the evaluating thread only; a scope need not be thread-safe
// unless the caller shares one scope between threads.
class ExpressionScope {
 public:
  virtual ~ExpressionScope() = default;
  // ${name}, in the current repeat instance if any. Unknown names should give empty.
  virtual Value field(std::string_view name) const = 0;
  // Every instance, for count()/sum()/max()/min()/join().
  virtual std::vector<Value> field_all(std::string_view name) const { return {field(name)}; }
  // '.' (the value being checked by a constraint).
  virtual Value current() const = 0;
  // Milliseconds since the Unix epoch, UTC; for today()/now(). Injectable in tests.
  virtual std::int64_t now_ms() const = 0;
  // Local offset from UTC, for today() and now()'s local date and time.
  virtual int utc_offset_minutes() const { return 0; }
  // position(..): 1-based repeat instance, 0 outside a repeat.
  virtual int position() const { return 0; }
};

class Expression {
 public:
  // An empty expression: text() is "", evaluate() gives empty. Lets forms hold
  // optional columns (an absent relevant/constraint) without std::optional.
  Expression();

  // Parses XLSForm syntax. Errors: input/invalid_argument with a message naming the column
  // position ("unexpected ')' at 14"), input/too_large over max_length or max_depth.
  // Unknown function names and wrong argument counts are parse errors too, and so is a
  // literal regex() pattern that PCRE2 will not compile. Blank text parses to an empty
  // expression. Never throws.
  static Result<Expression> parse(std::string_view text, const ExpressionLimits& limits = {});

  const std::string& text() const;
  // Distinct ${names}, order of first appearance.
  const std::vector<std::string>& references() const;
  // Uses '.'.
  bool refers_to_current() const;
  // True for a default-constructed or blank expression.
  bool empty() const;

  // Never throws, never recurses past max_depth, stops after max_steps with input/too_large;
  // text longer than max_text gives input/too_large. A dynamic regex() pattern that does not
  // compile gives input/invalid_argument. Type errors that XPath tolerates give
  // empty/NaN/false, not errors (e.g. "abc" + 1 -> NaN -> empty). Division by zero -> empty.
  Result<Value> evaluate(const ExpressionScope& scope) const;

  struct Impl;  // private to core/src/forms

 private:
  explicit Expression(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;  // shared, immutable; never null
};

}  // namespace doorstep::forms
