// Values of forms expressions: conversions (XPath string(), number(), boolean()) and the
// comparison rules. Pure functions; safe from any thread.
#include <charconv>
#include <cmath>
#include <cstdio>

#include "forms/expression_ast.h"

namespace doorstep::forms {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Text for a finite double without exponent: integers exactly, others to 15 significant
// digits with trailing zeros removed.
std::string number_text(double d) {
  if (d == 0) return "0";  // also -0
  char buf[512];
  double mag = std::fabs(d);
  int precision = 0;
  if (mag < 1e15 && d != std::trunc(d)) {
    int int_digits = static_cast<int>(std::floor(std::log10(mag))) + 1;
    precision = std::min(15 - int_digits, 400);
    if (precision < 0) precision = 0;
  }
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed, precision);
  if (r.ec != std::errc{}) return "";
  std::string s(buf, r.ptr);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

}  // namespace

std::string to_text(const Value& v) {
  switch (v.index()) {
    case 1: return std::get<bool>(v) ? "true" : "false";
    case 2: {
      double d = std::get<double>(v);
      return std::isfinite(d) ? number_text(d) : std::string();
    }
    case 3: return std::get<std::string>(v);
    default: return {};
  }
}

std::optional<double> to_number(const Value& v) {
  switch (v.index()) {
    case 1: return std::get<bool>(v) ? 1.0 : 0.0;
    case 2: {
      double d = std::get<double>(v);
      if (!std::isfinite(d)) return std::nullopt;
      return d;
    }
    case 3: {
      std::string_view s = trim(std::get<std::string>(v));
      bool negative = false;
      if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
        negative = s.front() == '-';
        s.remove_prefix(1);
      }
      // Digits with at most one '.', and at least one digit.
      bool digit = false, dot = false;
      for (char c : s) {
        if (c >= '0' && c <= '9') digit = true;
        else if (c == '.' && !dot) dot = true;
        else return std::nullopt;
      }
      if (!digit) return std::nullopt;
      double d = 0;
      auto r = std::from_chars(s.data(), s.data() + s.size(), d, std::chars_format::fixed);
      if (r.ec != std::errc{} || r.ptr != s.data() + s.size() || !std::isfinite(d)) {
        return std::nullopt;
      }
      return negative ? -d : d;
    }
    default: return std::nullopt;
  }
}

bool to_boolean(const Value& v) {
  switch (v.index()) {
    case 1: return std::get<bool>(v);
    case 2: {
      double d = std::get<double>(v);
      return d != 0 && !std::isnan(d);
    }
    case 3: return !std::get<std::string>(v).empty();
    default: return false;
  }
}

bool is_empty(const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return true;
  if (auto* s = std::get_if<std::string>(&v)) return s->empty();
  if (auto* d = std::get_if<double>(&v)) return !std::isfinite(*d);
  return false;
}

Value normalise(Value v) {
  if (auto* d = std::get_if<double>(&v); d && !std::isfinite(*d)) return std::monostate{};
  return v;
}

Value number_value(double d) { return std::isfinite(d) ? Value(d) : Value(std::monostate{}); }

double arith_number(const Value& v) {
  if (auto n = to_number(v)) return *n;
  if (auto* s = std::get_if<std::string>(&v)) {
    if (auto dt = parse_date(trim(*s))) return dt->epoch_days();
  }
  return std::nan("");
}

namespace {

std::optional<DateTime> as_date(const Value& v) {
  if (auto* s = std::get_if<std::string>(&v)) return parse_date(trim(*s));
  return std::nullopt;
}

template <typename T>
bool relate(BinaryOp op, T a, T b) {
  switch (op) {
    case BinaryOp::eq: return a == b;
    case BinaryOp::ne: return a != b;
    case BinaryOp::lt: return a < b;
    case BinaryOp::le: return a <= b;
    case BinaryOp::gt: return a > b;
    case BinaryOp::ge: return a >= b;
    default: return false;
  }
}

}  // namespace

bool compare(BinaryOp op, const Value& a, const Value& b) {
  bool equality = op == BinaryOp::eq || op == BinaryOp::ne;
  if (equality && (std::holds_alternative<bool>(a) || std::holds_alternative<bool>(b))) {
    return relate(op, to_boolean(a), to_boolean(b));
  }
  std::optional<double> na = to_number(a), nb = to_number(b);
  if (na && nb) return relate(op, *na, *nb);
  auto da = as_date(a), db = as_date(b);
  if (da && db) return relate(op, da->epoch_ms(), db->epoch_ms());
  if (equality) return relate(op, to_text(a), to_text(b));
  double x = arith_number(a), y = arith_number(b);
  if (std::isnan(x) || std::isnan(y)) return false;
  return relate(op, x, y);
}

std::vector<std::string_view> split_selected(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    std::size_t start = i;
    while (i < s.size() && !is_space(s[i])) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::size_t utf8_offset(std::string_view s, std::size_t index) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (seen == index) return i;
      ++seen;
    }
  }
  return s.size();
}

const char* to_string(BinaryOp op) {
  switch (op) {
    case BinaryOp::or_: return "or";
    case BinaryOp::and_: return "and";
    case BinaryOp::eq: return "=";
    case BinaryOp::ne: return "!=";
    case BinaryOp::lt: return "<";
    case BinaryOp::le: return "<=";
    case BinaryOp::gt: return ">";
    case BinaryOp::ge: return ">=";
    case BinaryOp::add: return "+";
    case BinaryOp::sub: return "-";
    case BinaryOp::mul: return "*";
    case BinaryOp::div: return "div";
    case BinaryOp::mod: return "mod";
  }
  return "?";
}

}  // namespace doorstep::forms
