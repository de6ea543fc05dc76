// Number and repeat (nodeset) functions of forms expressions, and the function table.
// A value that is not a number gives NaN, which the evaluator turns into empty.
#include <cmath>

#include "forms/expression_ast.h"

namespace doorstep::forms {
namespace {

Result<double> number_arg(Call& c, std::size_t i) {
  FORMS_TRY_ASSIGN(v, c.arg(i));
  return arith_number(v);
}

// number(x): numbers and numeric text as themselves, dates as days since 1970-01-01.
Result<Value> fn_number(Call& c) {
  if (c.count() == 0) return number_value(arith_number(c.scope().current()));
  FORMS_TRY_ASSIGN(x, number_arg(c, 0));
  return number_value(x);
}

template <double (*F)(double)>
Result<Value> fn_unary_math(Call& c) {
  FORMS_TRY_ASSIGN(x, number_arg(c, 0));
  return number_value(F(x));
}

double truncate(double x) { return std::trunc(x); }
double floor_of(double x) { return std::floor(x); }
double ceiling_of(double x) { return std::ceil(x); }
double absolute(double x) { return std::fabs(x); }

// round(x[, places]): half up (XPath: floor(x + 0.5)). The scaled value goes through its
// 15-significant-digit text first, so round(2.675, 2) is 2.68 despite binary fractions.
Result<Value> fn_round(Call& c) {
  FORMS_TRY_ASSIGN(x, number_arg(c, 0));
  double places = 0;
  if (c.count() > 1) {
    FORMS_TRY_ASSIGN(p, number_arg(c, 1));
    places = std::trunc(p);
  }
  if (std::isnan(x) || std::isnan(places)) return Value{};
  places = std::clamp(places, -308.0, 308.0);
  double scale = std::pow(10.0, places);
  double scaled = to_number(Value(to_text(Value(x * scale)))).value_or(x * scale);
  return number_value(std::floor(scaled + 0.5) / scale);
}

Result<Value> fn_pow(Call& c) {
  FORMS_TRY_ASSIGN(base, number_arg(c, 0));
  FORMS_TRY_ASSIGN(exponent, number_arg(c, 1));
  return number_value(std::pow(base, exponent));
}

// count(${field}): how many instances the field has (repeats), answered or not.
Result<Value> fn_count(Call& c) {
  FORMS_TRY_ASSIGN(values, c.values(0));
  return Value(static_cast<double>(values.size()));
}

// sum(${field}): unanswered instances count as nothing; any other non-number gives empty.
Result<Value> fn_sum(Call& c) {
  FORMS_TRY_ASSIGN(values, c.values(0));
  double total = 0;
  for (const Value& v : values) {
    if (!is_empty(v)) total += arith_number(v);
  }
  return number_value(total);
}

// max(...)/min(...): over every argument, ${field} arguments over every instance.
// Unanswered values are skipped; no values, or one that is not a number, gives empty.
template <bool Max>
Result<Value> fn_extreme(Call& c) {
  bool any = false;
  double best = 0;
  for (std::size_t i = 0; i < c.count(); ++i) {
    FORMS_TRY_ASSIGN(values, c.values(i));
    for (const Value& v : values) {
      if (is_empty(v)) continue;
      double x = arith_number(v);
      if (std::isnan(x)) return Value{};
      if (!any || (Max ? x > best : x < best)) best = x;
      any = true;
    }
  }
  return any ? Value(best) : Value{};
}

// position(..): the 1-based repeat instance, 0 outside a repeat.
Result<Value> fn_position(Call& c) { return Value(static_cast<double>(c.scope().position())); }

}  // namespace

std::vector<FunctionDef> number_functions() {
  return {
      {"number", 0, 1, false, fn_number, true},
      {"int", 1, 1, false, fn_unary_math<truncate>},
      {"floor", 1, 1, false, fn_unary_math<floor_of>},
      {"ceiling", 1, 1, false, fn_unary_math<ceiling_of>},
      {"abs", 1, 1, false, fn_unary_math<absolute>},
      {"round", 1, 2, false, fn_round},
      {"pow", 2, 2, false, fn_pow},
      {"count", 1, 1, true, fn_count},
      {"sum", 1, 1, true, fn_sum},
      {"max", 1, -1, false, fn_extreme<true>},
      {"min", 1, -1, false, fn_extreme<false>},
      {"position", 0, 1, false, fn_position},
  };
}

const FunctionDef* find_function(std::string_view name) {
  static const std::vector<FunctionDef> table = [] {
    std::vector<FunctionDef> all = text_functions();
    for (auto part : {number_functions(), date_functions()}) {
      all.insert(all.end(), part.begin(), part.end());
    }
    return all;
  }();
  for (const FunctionDef& f : table) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

}  // namespace doorstep::forms
