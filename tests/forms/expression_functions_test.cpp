// Forms expression functions: each function's results, coercions, laziness and errors,
// select_multiple answers as space-separated text, and repeats through field_all.
#include "expression_scope.h"

using namespace doorstep;
using namespace doorstep::forms;
using namespace doorstep::forms::testing;

namespace {

std::string call_with(const std::string& name, int args) {
  std::string text = name + "(";
  for (int i = 0; i < args; ++i) text += i == 0 ? "${a}" : ", ${a}";
  return text + ")";
}

}  // namespace

TEST_CASE("every function refuses a wrong number of arguments") {
  struct Arity {
    const char* name;
    int min, max;  // max -1: unbounded
  };
  const Arity table[] = {
      {"if", 3, 3},           {"not", 1, 1},           {"true", 0, 0},
      {"false", 0, 0},        {"boolean", 1, 1},       {"boolean-from-string", 1, 1},
      {"string", 0, 1},       {"concat", 0, -1},       {"string-length", 0, 1},
      {"contains", 2, 2},     {"starts-with", 2, 2},   {"ends-with", 2, 2},
      {"substr", 2, 3},       {"substring-before", 2, 2}, {"substring-after", 2, 2},
      {"normalize-space", 0, 1}, {"selected", 2, 2},   {"count-selected", 1, 1},
      {"selected-at", 2, 2},  {"join", 2, -1},         {"regex", 2, 2},
      {"coalesce", 2, 2},     {"number", 0, 1},        {"int", 1, 1},
      {"floor", 1, 1},        {"ceiling", 1, 1},       {"abs", 1, 1},
      {"round", 1, 2},        {"pow", 2, 2},           {"count", 1, 1},
      {"sum", 1, 1},          {"max", 1, -1},          {"min", 1, -1},
      {"today", 0, 0},        {"now", 0, 0},           {"date", 1, 1},
      {"date-time", 1, 1},    {"decimal-date-time", 1, 1}, {"format-date", 2, 2},
      {"format-date-time", 2, 2},
  };
  for (const Arity& f : table) {
    INFO("function: " << f.name);
    CHECK(Expression::parse(call_with(f.name, f.min)).ok());
    if (f.max >= 0) CHECK(Expression::parse(call_with(f.name, f.max)).ok());
    if (f.min > 0) {
      CHECK(parse_error(call_with(f.name, f.min - 1)).code == ErrorCode::invalid_argument);
    }
    if (f.max >= 0) {
      auto err = parse_error(call_with(f.name, f.max + 1));
      CHECK(err.code == ErrorCode::invalid_argument);
      CHECK(err.message.find(std::string(f.name) + "() takes") == 0);
    }
  }
  CHECK(Expression::parse("position()").ok());
  CHECK(Expression::parse("position(..)").ok());
  CHECK(parse_error("position(.., ..)").code == ErrorCode::invalid_argument);
}

TEST_CASE("if, not, true, false, boolean") {
  MapScope s;
  s.set("age", 20.0).set("boom", std::string("x"));
  CHECK(text_of("if(${age} >= 18, 'adult', 'child')", s) == "adult");
  CHECK(text_of("if(${age} < 18, 'child', ${missing})", s) == "");
  s.reads = 0;
  CHECK(text_of("if(true(), 1, ${boom})", s) == "1");
  CHECK(s.reads == 0);  // the branch not taken is not evaluated
  CHECK(eval("not(1 = 2)") == Value(true));
  CHECK(eval("not('')") == Value(true));
  CHECK(eval("not('false')") == Value(false));
  CHECK(eval("true()") == Value(true));
  CHECK(eval("false()") == Value(false));
  CHECK(eval("boolean(0)") == Value(false));
  CHECK(eval("boolean('')") == Value(false));
  CHECK(eval("boolean('x')") == Value(true));
  CHECK(eval("boolean(${missing})") == Value(false));
  CHECK(eval("boolean-from-string('true')") == Value(true));
  CHECK(eval("boolean-from-string('1')") == Value(true));
  CHECK(eval("boolean-from-string('yes')") == Value(false));
}

TEST_CASE("string, number, int, round, floor, ceiling, abs, pow") {
  MapScope s;
  s.current_value = std::string("12");
  CHECK(eval("string(3)") == Value(std::string("3")));
  CHECK(text_of("string(2.5)") == "2.5");
  CHECK(text_of("string(true())") == "true");
  CHECK(text_of("string()", s) == "12");
  CHECK(eval("number('12')") == Value(12.0));
  CHECK(eval("number(' 3.5 ')") == Value(3.5));
  CHECK(is_empty(eval("number('abc')")));
  CHECK(is_empty(eval("number('')")));
  CHECK(eval("number('2024-01-01')") == Value(19723.0));  // a date is days since 1970
  CHECK(eval("number(true())") == Value(1.0));
  CHECK(eval("number()", s) == Value(12.0));
  CHECK(text_of("int(3.7)") == "3");
  CHECK(text_of("int(-3.7)") == "-3");
  CHECK(text_of("int('9.99')") == "9");
  CHECK(is_empty(eval("int('x')")));
  CHECK(text_of("round(2.5)") == "3");
  CHECK(text_of("round(-2.5)") == "-2");
  CHECK(text_of("round(2.675, 2)") == "2.68");
  CHECK(text_of("round(1234.5678, 1)") == "1234.6");
  CHECK(text_of("round(1250, -2)") == "1300");
  CHECK(is_empty(eval("round('x')")));
  CHECK(is_empty(eval("round(1, 'x')")));
  CHECK(is_empty(eval("round(pow(10, 300), 300)")));  // scaling overflows: empty, not inf
  CHECK(text_of("floor(-1.5)") == "-2");
  CHECK(text_of("ceiling(1.2)") == "2");
  CHECK(text_of("abs(-4)") == "4");
  CHECK(text_of("pow(2, 10)") == "1024");
  CHECK(text_of("pow(${missing}, 0)") == "1");  // C pow: anything to the 0 is 1
  CHECK(is_empty(eval("pow(0, -1)")));
  CHECK(is_empty(eval("pow(-8, 1 div 3)")));
  CHECK(is_empty(eval("pow(10, 400)")));
}

TEST_CASE("concat, string-length, contains, starts-with, ends-with") {
  MapScope s;
  s.set("first", std::string("Ada")).set("n", 3.0);
  s.current_value = std::string("héllo");
  CHECK(text_of("concat('Dr ', ${first}, ' ', ${n}, ${missing})", s) == "Dr Ada 3");
  CHECK(text_of("concat()") == "");
  CHECK(text_of("concat(1 = 1)") == "true");
  CHECK(text_of("string-length('héllo')") == "5");  // code points, not bytes
  CHECK(text_of("string-length()", s) == "5");
  CHECK(text_of("string-length(${missing})") == "0");
  CHECK(text_of("string-length(12.50)") == "4");
  CHECK(eval("contains('safeguarding', 'guard')") == Value(true));
  CHECK(eval("contains('abc', '')") == Value(true));
  CHECK(eval("contains('abc', 'd')") == Value(false));
  CHECK(eval("starts-with('07123', '07')") == Value(true));
  CHECK(eval("starts-with('7', '07')") == Value(false));
  CHECK(eval("ends-with('report.pdf', '.pdf')") == Value(true));
  CHECK(eval("ends-with('f', '.pdf')") == Value(false));
}

TEST_CASE("substr, substring-before, substring-after, normalize-space") {
  MapScope s;
  s.current_value = std::string("  a \t b\n ");
  CHECK(text_of("substr('héllo', 1, 3)") == "él");
  CHECK(text_of("substr('hello', 2)") == "llo");
  CHECK(text_of("substr('hello', -5, 100)") == "hello");
  CHECK(text_of("substr('hello', 4, 2)") == "");
  CHECK(text_of("substr('hello', 'x')") == "");
  CHECK(text_of("substr(${missing}, 0, 2)") == "");
  CHECK(text_of("substring-before('a-b-c', '-')") == "a");
  CHECK(text_of("substring-after('a-b-c', '-')") == "b-c");
  CHECK(text_of("substring-before('abc', 'x')") == "");
  CHECK(text_of("substring-after('abc', 'x')") == "");
  CHECK(text_of("substring-after('abc', '')") == "abc");
  CHECK(text_of("normalize-space('  a \t b\n ')") == "a b");
  CHECK(text_of("normalize-space()", s) == "a b");
}

TEST_CASE("selected, count-selected and selected-at on space-separated answers") {
  MapScope s;
  s.set("concerns", std::string("neglect  housing\tfinance "));
  s.set("none", std::string(""));
  CHECK(eval("selected(${concerns}, 'housing')", s) == Value(true));
  CHECK(eval("selected(${concerns}, ' finance ')", s) == Value(true));
  CHECK(eval("selected(${concerns}, 'house')", s) == Value(false));
  CHECK(eval("selected(${concerns}, 'neglect housing')", s) == Value(false));
  CHECK(eval("selected(${concerns}, '')", s) == Value(false));
  CHECK(eval("selected(${none}, 'neglect')", s) == Value(false));
  CHECK(eval("selected(${missing}, 'neglect')", s) == Value(false));
  CHECK(eval("selected('1 2 3', 2)") == Value(true));
  CHECK(text_of("count-selected(${concerns})", s) == "3");
  CHECK(text_of("count-selected(${none})", s) == "0");
  CHECK(text_of("count-selected(${missing})", s) == "0");
  CHECK(text_of("selected-at(${concerns}, 0)", s) == "neglect");
  CHECK(text_of("selected-at(${concerns}, 2)", s) == "finance");
  CHECK(text_of("selected-at(${concerns}, 3)", s) == "");
  CHECK(text_of("selected-at(${concerns}, -1)", s) == "");
  CHECK(text_of("selected-at(${concerns}, 'x')", s) == "");
}

TEST_CASE("count, sum, max, min and join over repeat instances") {
  MapScope s;
  s.set_all("visit_minutes", {Value(30.0), Value(std::string("45")), Value()});
  s.set_all("names", {Value(std::string("Ada")), Value(std::string("Bo"))});
  s.set_all("bad", {Value(1.0), Value(std::string("many"))});
  s.set_all("blank", {Value(), Value(std::string(""))});
  CHECK(text_of("count(${visit_minutes})", s) == "3");  // unanswered instances count
  CHECK(text_of("count(${missing})", s) == "0");
  CHECK(text_of("sum(${visit_minutes})", s) == "75");   // unanswered adds nothing
  CHECK(text_of("sum(${missing})", s) == "0");
  CHECK(is_empty(eval("sum(${bad})", s)));
  CHECK(text_of("max(${visit_minutes})", s) == "45");
  CHECK(text_of("min(${visit_minutes})", s) == "30");
  CHECK(text_of("max(${visit_minutes}, 50, '7')", s) == "50");
  CHECK(text_of("min(${visit_minutes}, 50, '7')", s) == "7");
  CHECK(is_empty(eval("max(${blank})", s)));
  CHECK(is_empty(eval("min(${bad})", s)));
  CHECK(text_of("join(', ', ${names})", s) == "Ada, Bo");
  CHECK(text_of("join('-', 'a', ${names}, 3)", s) == "a-Ada-Bo-3");
  CHECK(text_of("join(' ', ${missing})", s) == "");
  CHECK(parse_error("sum(${a} + 1)").message == "sum() takes a ${field} at 5");
}

TEST_CASE("position(..) is the repeat instance") {
  MapScope s;
  CHECK(text_of("position(..)", s) == "0");
  s.repeat_position = 3;
  CHECK(text_of("position(..)", s) == "3");
  CHECK(text_of("position() - 1", s) == "2");
}

TEST_CASE("coalesce returns the first answer") {
  MapScope s;
  s.set("nickname", std::string("")).set("name", std::string("Ada"));
  CHECK(text_of("coalesce(${nickname}, ${name})", s) == "Ada");
  CHECK(text_of("coalesce(${name}, 'x')", s) == "Ada");
  CHECK(text_of("coalesce(0, 'x')", s) == "0");  // 0 is an answer
  s.reads = 0;
  CHECK(text_of("coalesce('given', ${name})", s) == "given");
  CHECK(s.reads == 0);
}

TEST_CASE("regex searches with PCRE2") {
  MapScope s;
  s.set("phone", std::string("07123456789")).set("pattern", std::string("^07"));
  s.set("bad_pattern", std::string("(unclosed"));
  CHECK(eval("regex(${phone}, '^0[0-9]{10}$')", s) == Value(true));
  CHECK(eval("regex('0712', '^0[0-9]{10}$')") == Value(false));
  CHECK(eval("regex('abc', 'b')") == Value(true));  // unanchored search, as ODK
  CHECK(eval("regex('Zoë', '^Zo.$')") == Value(true));  // '.' is one code point
  CHECK(eval("regex('Zoë', '^\\w+$')") == Value(false));  // \w is ASCII, as in ODK (Java)
  CHECK(eval("regex(${missing}, '^$')") == Value(true));
  CHECK(eval("regex(${phone}, ${pattern})", s) == Value(true));
  CHECK(eval("regex(. , 'x')", s) == Value(false));
  // Broken UTF-8 in an answer matches byte-wise instead of failing.
  s.set("broken", std::string("ab\xff" "cd"));
  CHECK(eval("regex(${broken}, 'cd$')", s) == Value(true));
}

TEST_CASE("regex errors: bad patterns and runaway matching") {
  auto err = parse_error("regex(., '[a-')");
  CHECK(err.code == ErrorCode::invalid_argument);
  CHECK(err.message.find("bad regex pattern at 10") == 0);
  std::string nested = std::string(70, '(') + "a" + std::string(70, ')');
  CHECK(parse_error("regex(., '" + nested + "')").code == ErrorCode::invalid_argument);
  MapScope s;
  s.set("bad_pattern", std::string("(unclosed"));
  auto dynamic = try_eval("regex('abc', ${bad_pattern})", s);
  REQUIRE_FALSE(dynamic.ok());
  CHECK(dynamic.error().code == ErrorCode::invalid_argument);
  // Catastrophic backtracking stops at PCRE2's match limit.
  s.set("as", std::string(40, 'a') + "!");
  auto runaway = try_eval("regex(${as}, '^(a+)+$')", s);
  REQUIRE_FALSE(runaway.ok());
  CHECK(runaway.error().code == ErrorCode::too_large);
  // Many regex() calls together are bounded by the step limit.
  std::string many = "regex('a', 'a')";
  for (int i = 0; i < 1'100; ++i) many += " and regex('a', 'a')";
  auto r = try_eval(many, s, ExpressionLimits{.max_length = 100'000});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::too_large);
}
