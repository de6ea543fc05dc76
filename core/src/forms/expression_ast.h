// Private to the forms expression evaluator: the parsed tree, the function table, the
// evaluator's per-call state and the helpers its files share. A parsed tree is immutable
// and shared by every copy of an Expression; an Evaluator lives for one evaluate() call.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doorstep/core/forms/expression.h"

namespace doorstep::forms {

// Hard ceiling on ExpressionLimits::max_depth, whatever the caller asks for. The evaluator
// recurses once per tree level and the parser keeps trees within max_depth levels.
inline constexpr int kHardMaxDepth = 256;

// In a function returning Result<...>: evaluates `expr` (a Result), returns its error on
// failure, else declares `var` holding its value.
#define FORMS_TRY_ASSIGN(var, expr)                    \
  auto var##_result_ = (expr);                         \
  if (!var##_result_.ok()) return var##_result_.error(); \
  auto var = std::move(var##_result_.value())

enum class BinaryOp { or_, and_, eq, ne, lt, le, gt, ge, add, sub, mul, div, mod };
const char* to_string(BinaryOp op);

struct CompiledRegex;  // a PCRE2 pattern; expression_regex.cpp
struct FunctionDef;

struct Node {
  enum class Kind { literal, field, current, parent, negate, chain, call };
  Kind kind = Kind::literal;
  std::size_t column = 1;                      // 1-based column of the node's first character
  int height = 1;                              // levels in this subtree, itself included
  Value literal;                               // literal
  std::string name;                            // field: the ${name}; call: the function name
  const FunctionDef* function = nullptr;       // call
  std::vector<BinaryOp> ops;                   // chain: ops[i] joins kids[i] and kids[i+1]
  std::vector<std::unique_ptr<Node>> kids;     // negate: 1; chain: ops.size() + 1; call: args
  std::shared_ptr<const CompiledRegex> regex;  // regex() with a literal pattern, compiled once
};

struct Expression::Impl {
  std::string text;
  ExpressionLimits limits;
  std::unique_ptr<Node> root;  // null for a blank expression
  std::vector<std::string> references;
  bool uses_current = false;
};

class Evaluator;

// One function call being evaluated. Arguments are evaluated on demand, so if(),
// coalesce() and friends stay lazy and concat() can stop at max_text.
class Call {
 public:
  Call(Evaluator& ev, const Node& node, int depth) : ev_(ev), node_(node), depth_(depth) {}
  std::size_t count() const { return node_.kids.size(); }
  Result<Value> arg(std::size_t i);
  // Every value an argument stands for: ${field} gives scope.field_all(), anything else
  // gives its single value. Charges one step per value.
  Result<std::vector<Value>> values(std::size_t i);
  // Charges evaluation steps for work proportional to `units` (text bytes, list items).
  Status charge(std::size_t units);
  // Wraps built text, or input/too_large over max_text.
  Result<Value> text(std::string s);
  // The input/too_large error for text that would pass max_text.
  Error too_much_text() const;
  const ExpressionScope& scope() const;
  const ExpressionLimits& limits() const;
  const Node& node() const { return node_; }

 private:
  Evaluator& ev_;
  const Node& node_;
  int depth_;  // of node_; its arguments evaluate one deeper
};

struct FunctionDef {
  const char* name;
  int min_args;
  int max_args;           // -1: no upper bound
  bool field_args;        // count()/sum(): every argument must be a ${field}
  Result<Value> (*fn)(Call&);
  bool current_if_no_args = false;  // string(), string-length()...: no argument means '.'
};

// The table, looked up by name without any "jr:" prefix; nullptr when unknown.
const FunctionDef* find_function(std::string_view name);
// Each file of functions contributes its part of the table.
std::vector<FunctionDef> text_functions();
std::vector<FunctionDef> number_functions();
std::vector<FunctionDef> date_functions();

class Evaluator {
 public:
  Evaluator(const Expression::Impl& impl, const ExpressionScope& scope)
      : impl_(impl), scope_(scope) {}
  Result<Value> eval(const Node& node, int depth);
  Status charge(std::int64_t steps);
  const ExpressionScope& scope() const { return scope_; }
  const ExpressionLimits& limits() const { return impl_.limits; }

 private:
  Result<Value> eval_chain(const Node& node, int depth);
  const Expression::Impl& impl_;
  const ExpressionScope& scope_;
  std::int64_t steps_ = 0;
};

// ---- values (expression_values.cpp) ----
// Doubles that are NaN or infinite become empty; everything else is unchanged.
Value normalise(Value v);
Value number_value(double d);
// A number for arithmetic: numbers and numeric text as to_number(), dates as days since
// 1970-01-01 (fractional for datetimes), true/false as 1/0; NaN when none applies.
double arith_number(const Value& v);
// Comparison semantics of XLSForm (see architecture.md, "Forms expressions").
bool compare(BinaryOp op, const Value& a, const Value& b);
// Splits a select_multiple answer on ASCII whitespace; empty tokens dropped.
std::vector<std::string_view> split_selected(std::string_view s);
// Number of UTF-8 code points (continuation bytes are not counted).
std::size_t utf8_length(std::string_view s);
// Byte offset of code point `index` (clamped to the end).
std::size_t utf8_offset(std::string_view s, std::size_t index);

// ---- lexer (expression_lexer.cpp) ----
struct Token {
  enum class Kind {
    end, number, string, field, dot, dotdot, lparen, rparen, comma, name,
    eq, ne, lt, le, gt, ge, plus, minus, star
  };
  Kind kind = Kind::end;
  std::size_t column = 1;  // 1-based, in bytes of the expression text
  std::string text;        // number digits, string contents, field or function name
};
// Splits expression text into tokens ending with Kind::end. Error: input/invalid_argument
// naming the column ("unterminated string at 7").
Result<std::vector<Token>> tokenize(std::string_view text);
std::string describe(const Token& t);  // "')'", "'concat'", "end of expression"

// ---- dates (expression_dates.cpp) ----
struct DateTime {
  std::int64_t days = 0;           // days since 1970-01-01 of the written date
  std::int64_t ms_of_day = 0;      // wall-clock time of day as written
  int offset_minutes = 0;          // offset written in the text (0 when none)
  bool has_time = false;
  // The instant in days since the epoch, UTC, fractional.
  double epoch_days() const;
  // The instant in milliseconds since the epoch, UTC.
  std::int64_t epoch_ms() const;
};
// "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS[.fff]][Z|+HH:MM|-HH:MM|+HHMM]"; nullopt otherwise.
std::optional<DateTime> parse_date(std::string_view s);
// Days since the epoch -> "YYYY-MM-DD"; nullopt outside years 0000..9999.
std::optional<std::string> format_day(std::int64_t days);

// ---- regex (expression_regex.cpp) ----
// Compiles a pattern with PCRE2 (UTF, bounded). Error: input/invalid_argument naming the
// column of the pattern and PCRE2's reason.
Result<std::shared_ptr<const CompiledRegex>> compile_regex(std::string_view pattern,
                                                           std::size_t column);
// Unanchored search, as ODK's regex(). Errors: input/too_large when the match limits trip.
Result<bool> regex_search(const CompiledRegex& re, std::string_view subject);

}  // namespace doorstep::forms
