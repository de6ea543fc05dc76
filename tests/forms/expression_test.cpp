// Forms expressions: values, syntax and parse errors, every operator, and the bounds
// (length, depth, steps, text) that keep a hostile form from hanging a worker's device.
#include <cmath>
#include <thread>

#include "expression_scope.h"

using namespace doorstep;
using namespace doorstep::forms;
using namespace doorstep::forms::testing;

TEST_CASE("to_text follows XPath string()") {
  CHECK(to_text(Value(3.0)) == "3");
  CHECK(to_text(Value(2.5)) == "2.5");
  CHECK(to_text(Value(-0.0)) == "0");
  CHECK(to_text(Value(0.1 + 0.2)) == "0.3");
  CHECK(to_text(Value(1e20)) == "100000000000000000000");
  CHECK(to_text(Value(1e-7)) == "0.0000001");
  CHECK(to_text(Value(-12.125)) == "-12.125");
  CHECK(to_text(Value(true)) == "true");
  CHECK(to_text(Value(false)) == "false");
  CHECK(to_text(Value()) == "");
  CHECK(to_text(Value(std::string("a b"))) == "a b");
  CHECK(to_text(Value(std::nan(""))) == "");
}

TEST_CASE("to_number accepts decimal text only") {
  CHECK(to_number(Value(std::string("  4 "))) == 4.0);
  CHECK(to_number(Value(std::string("-2.5"))) == -2.5);
  CHECK(to_number(Value(std::string(".5"))) == 0.5);
  CHECK(to_number(Value(std::string("+3"))) == 3.0);
  CHECK(to_number(Value(true)) == 1.0);
  CHECK(to_number(Value(false)) == 0.0);
  CHECK(to_number(Value(7.0)) == 7.0);
  CHECK_FALSE(to_number(Value(std::string(""))));
  CHECK_FALSE(to_number(Value(std::string("abc"))));
  CHECK_FALSE(to_number(Value(std::string("1e3"))));
  CHECK_FALSE(to_number(Value(std::string("."))));
  CHECK_FALSE(to_number(Value(std::string("1.2.3"))));
  CHECK_FALSE(to_number(Value(std::string("2024-01-01"))));
  CHECK_FALSE(to_number(Value()));
  CHECK_FALSE(to_number(Value(std::numeric_limits<double>::infinity())));
}

TEST_CASE("to_boolean and is_empty") {
  CHECK(to_boolean(Value(std::string("false"))));  // XPath: any non-empty string
  CHECK_FALSE(to_boolean(Value(std::string())));
  CHECK(to_boolean(Value(-1.0)));
  CHECK_FALSE(to_boolean(Value(0.0)));
  CHECK_FALSE(to_boolean(Value()));
  CHECK(is_empty(Value()));
  CHECK(is_empty(Value(std::string())));
  CHECK_FALSE(is_empty(Value(0.0)));
  CHECK_FALSE(is_empty(Value(false)));
}

TEST_CASE("literals, fields and the current value") {
  MapScope s;
  s.set("age", 42.0).set("name", std::string("Ada")).set("naïve", std::string("yes"));
  s.current_value = std::string("checked");
  CHECK(text_of("'single'") == "single");
  CHECK(text_of("\"double ' quote\"") == "double ' quote");
  CHECK(text_of("12.50") == "12.5");
  CHECK(text_of(".5") == "0.5");
  CHECK(text_of("${age}", s) == "42");
  CHECK(text_of("${name}", s) == "Ada");
  CHECK(text_of("${naïve}", s) == "yes");
  CHECK(text_of(".", s) == "checked");
  CHECK(is_empty(eval("${unanswered}", s)));
  CHECK(text_of("  ( ( 7 ) )  ") == "7");
}

TEST_CASE("references and refers_to_current") {
  auto e = Expression::parse("${a} + ${b} * ${a} + count(${c}) + 1");
  REQUIRE(e.ok());
  CHECK(e->references() == std::vector<std::string>{"a", "b", "c"});
  CHECK_FALSE(e->refers_to_current());
  CHECK(e->text() == "${a} + ${b} * ${a} + count(${c}) + 1");
  CHECK(Expression::parse(". > 3")->refers_to_current());
  CHECK(Expression::parse("string-length() > 3")->refers_to_current());
  CHECK_FALSE(Expression::parse("string-length('abc') > 3")->refers_to_current());
}

TEST_CASE("blank and default expressions evaluate to empty") {
  Expression none;
  CHECK(none.empty());
  CHECK(none.text().empty());
  auto v = none.evaluate(MapScope{});
  REQUIRE(v.ok());
  CHECK(is_empty(v.value()));
  auto blank = Expression::parse("   ");
  REQUIRE(blank.ok());
  CHECK(blank->empty());
  CHECK(is_empty(blank->evaluate(MapScope{}).value()));
}

TEST_CASE("copies share one parsed tree") {
  auto e = Expression::parse("${a} * 2");
  REQUIRE(e.ok());
  Expression copy = e.value();
  Expression other;
  other = copy;
  MapScope s;
  s.set("a", 21.0);
  CHECK(to_text(other.evaluate(s).value()) == "42");
  CHECK(other.references() == e->references());
}

TEST_CASE("parse errors name the column") {
  auto err = parse_error("1 +");
  CHECK(err.domain == ErrorDomain::input);
  CHECK(err.code == ErrorCode::invalid_argument);
  CHECK(err.message == "unexpected end of expression at 4");
  CHECK(parse_error("concat('a', ))").message == "unexpected ')' at 13");
  CHECK(parse_error("(1").message == "unexpected end of expression at 3");
  CHECK(parse_error("1)").message == "unexpected ')' at 2");
  CHECK(parse_error("1 2").message == "unexpected number 2 at 3");
  CHECK(parse_error("1 # 2").message == "unexpected '#' at 3");
  CHECK(parse_error("${}").message == "bad field name at 1");
  CHECK(parse_error("${1a}").message == "bad field name at 1");
  CHECK(parse_error("${a b}").message == "bad character in field name at 4");
  CHECK(parse_error("1 + ${a").message == "unterminated ${ at 5");
  CHECK(parse_error("$a").message == "expected '{' after '$' at 1");
  CHECK(parse_error("'open").message == "unterminated string at 1");
  CHECK(parse_error("1 ! 2").message == "unexpected '!' at 3");
  CHECK(parse_error("yes").message.find("unexpected 'yes'") == 0);
  CHECK(parse_error("..").message == "'..' is only allowed inside position() at 1");
  CHECK(parse_error("* 2").message == "unexpected '*' at 1");
  CHECK(parse_error("/data/a").message == "unexpected '/' at 1");
  CHECK(parse_error("frobnicate(1)").message == "unknown function 'frobnicate' at 1");
  CHECK(parse_error("jr:frobnicate(1)").message == "unknown function 'jr:frobnicate' at 1");
  CHECK(parse_error("1 + if(1, 2)").message == "if() takes 3 arguments, not 2 at 5");
  CHECK(parse_error("not()").message == "not() takes 1 argument, not 0 at 1");
  CHECK(parse_error("count(1)").message == "count() takes a ${field} at 7");
  CHECK(parse_error("position(1)").message == "position() takes '..' at 10");
}

TEST_CASE("a jr: prefix is accepted on function names") {
  MapScope s;
  s.set("f", std::string("a b"));
  CHECK(text_of("jr:count-selected(${f})", s) == "2");
}

TEST_CASE("or and and short-circuit") {
  MapScope s;
  s.set("x", std::string("set"));
  CHECK(eval("1 = 1 or ${x}", s) == Value(true));
  CHECK(s.reads == 0);
  CHECK(eval("1 = 2 and ${x}", s) == Value(false));
  CHECK(s.reads == 0);
  CHECK(eval("1 = 2 or ${x}", s) == Value(true));
  CHECK(eval("1 = 1 and ${x} and ''", s) == Value(false));
  CHECK(eval("'' or 0 or ${missing}", s) == Value(false));
  CHECK(eval("1 and 'a' and true()", s) == Value(true));
  // and binds tighter than or
  CHECK(eval("1 = 1 or 1 = 2 and 1 = 2") == Value(true));
}

TEST_CASE("equality compares numbers, dates, booleans or text") {
  MapScope s;
  s.set("n", std::string("4.0")).set("choice", std::string("yes"));
  CHECK(eval("${n} = 4", s) == Value(true));
  CHECK(eval("${n} != 4", s) == Value(false));
  CHECK(eval("'10' = '10.00'") == Value(true));
  CHECK(eval("${choice} = 'yes'", s) == Value(true));
  CHECK(eval("${choice} != 'no'", s) == Value(true));
  CHECK(eval("'abc' = 'ABC'") == Value(false));
  CHECK(eval("${missing} = ''", s) == Value(true));
  CHECK(eval("${missing} = 0", s) == Value(false));
  CHECK(eval("${missing} != 0", s) == Value(true));
  CHECK(eval("true() = 'yes'") == Value(true));   // XPath: a boolean compares booleans
  CHECK(eval("false() = ''") == Value(true));
  CHECK(eval("'2024-01-01' = '2024-01-01T00:00:00Z'") == Value(true));
  CHECK(eval("'2024-01-01T10:00:00+02:00' = '2024-01-01T08:00:00Z'") == Value(true));
}

TEST_CASE("relational operators") {
  CHECK(eval("1 < 2") == Value(true));
  CHECK(eval("2 <= 2") == Value(true));
  CHECK(eval("3 > 2") == Value(true));
  CHECK(eval("2 >= 3") == Value(false));
  CHECK(eval("'10' > '9'") == Value(true));  // numbers, not text
  CHECK(eval("'b' > 'a'") == Value(false));  // text is not a number: NaN compares false
  CHECK(eval("'b' <= 'a'") == Value(false));
  CHECK(eval("${missing} < 1") == Value(false));
  CHECK(eval("${missing} >= 1") == Value(false));
  CHECK(eval("true() > 0") == Value(true));
  CHECK(eval("1 < 2 < 3") == Value(true));   // (1 < 2) < 3: true is 1
  CHECK(eval("3 > 2 > 1") == Value(false));  // (3 > 2) > 1: 1 > 1
}

TEST_CASE("arithmetic operators and precedence") {
  CHECK(text_of("1 + 2 * 3") == "7");
  CHECK(text_of("(1 + 2) * 3") == "9");
  CHECK(text_of("10 - 4 - 3") == "3");
  CHECK(text_of("7 div 2") == "3.5");
  CHECK(text_of("7 mod 3") == "1");
  CHECK(text_of("-7 mod 3") == "-1");
  CHECK(text_of("2 * 3 div 4 mod 1") == "0.5");
  CHECK(text_of("-3") == "-3");
  CHECK(text_of("- -3") == "3");
  CHECK(text_of("2 - -3") == "5");
  CHECK(text_of("-(1 + 2) * 2") == "-6");
  CHECK(text_of("1 + 1 = 2") == "true");
  CHECK(text_of("'4' * '2.5'") == "10");
  CHECK(text_of("true() + 1") == "2");
  MapScope s;
  s.set("a", std::string("5"));
  CHECK(text_of("${a}-1", s) == "4");
  CHECK(text_of("${a} div 2", s) == "2.5");
}

TEST_CASE("division by zero and bad numbers give empty, not a crash") {
  CHECK(is_empty(eval("1 div 0")));
  CHECK(is_empty(eval("-1 div 0")));
  CHECK(is_empty(eval("0 div 0")));
  CHECK(is_empty(eval("5 mod 0")));
  CHECK(is_empty(eval("'abc' + 1")));
  CHECK(is_empty(eval("${missing} + 1")));
  CHECK(is_empty(eval("-${missing}")));
  CHECK(is_empty(eval("-'abc'")));
  CHECK(is_empty(eval("${missing} * 0")));
  // Overflow to infinity is not a number either.
  std::string huge(400, '9');
  CHECK(is_empty(eval(huge + " * " + huge)));
  CHECK(is_empty(eval(huge)));
}

TEST_CASE("expressions longer than max_length are refused") {
  std::string long_text(5000, ' ');
  long_text += "1";
  auto err = parse_error(long_text);
  CHECK(err.code == ErrorCode::too_large);
  ExpressionLimits tight;
  tight.max_length = 5;
  CHECK(parse_error("123456", tight).code == ErrorCode::too_large);
  CHECK(Expression::parse("12345", tight).ok());
}

TEST_CASE("nesting deeper than max_depth is refused") {
  std::string parens = std::string(200, '(') + "1" + std::string(200, ')');
  CHECK(parse_error(parens).code == ErrorCode::too_large);
  std::string calls;
  for (int i = 0; i < 100; ++i) calls += "not(";
  calls += "1" + std::string(100, ')');
  CHECK(parse_error(calls).code == ErrorCode::too_large);
  std::string minus(100, '-');
  CHECK(parse_error(minus + "1").code == ErrorCode::too_large);
  // Mixed operators nest the tree even without parentheses.
  std::string mixed;
  for (int i = 0; i < 40; ++i) mixed += "1 + 2 * (";
  mixed += "1" + std::string(40, ')');
  CHECK(parse_error(mixed).code == ErrorCode::too_large);
  // A long flat chain is one level deep.
  std::string chain = "1";
  for (int i = 0; i < 500; ++i) chain += " + 1";
  CHECK(text_of(chain) == "501");
  std::string nested = std::string(30, '(') + "2" + std::string(30, ')');
  CHECK(text_of(nested) == "2");
  ExpressionLimits tight;
  tight.max_depth = 2;
  CHECK(Expression::parse("not(1)", tight).ok());
  CHECK(parse_error("not(not(not(1)))", tight).code == ErrorCode::too_large);
  // A caller asking for more than the hard ceiling still gets a bounded parser.
  ExpressionLimits loose;
  loose.max_depth = 1'000'000;
  loose.max_length = 100'000;
  std::string very_deep = std::string(20'000, '(') + "1" + std::string(20'000, ')');
  CHECK(parse_error(very_deep, loose).code == ErrorCode::too_large);
}

TEST_CASE("evaluation stops after max_steps") {
  ExpressionLimits tight;
  tight.max_steps = 5;
  auto r = try_eval("1 + 2 + 3 + 4 + 5 + 6", MapScope{}, tight);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().domain == ErrorDomain::input);
  CHECK(r.error().code == ErrorCode::too_large);
  CHECK(try_eval("1 + 2", MapScope{}, tight).ok());
  // Repeats count: each instance is a step.
  MapScope s;
  s.set_all("score", std::vector<Value>(200'000, Value(1.0)));
  auto big = try_eval("sum(${score})", s);
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().code == ErrorCode::too_large);
  s.set_all("score", std::vector<Value>(1'000, Value(1.0)));
  CHECK(text_of("sum(${score})", s) == "1000");
}

TEST_CASE("functions refuse to build text past max_text") {
  MapScope s;
  s.set("note", std::string(40'000, 'x'));
  auto r = try_eval("concat(${note}, ${note})", s);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::too_large);
  s.set_all("notes", std::vector<Value>(3, Value(std::string(30'000, 'y'))));
  auto j = try_eval("join(' ', ${notes})", s);
  REQUIRE_FALSE(j.ok());
  CHECK(j.error().code == ErrorCode::too_large);
  ExpressionLimits tight;
  tight.max_text = 4;
  CHECK(try_eval("concat('ab', 'cd')", s, tight).ok());
  CHECK(try_eval("concat('ab', 'cde')", s, tight).error().code == ErrorCode::too_large);
  CHECK(try_eval("format-date('2024-01-01', '%Y%Y')", s, tight).error().code ==
        ErrorCode::too_large);
  // Passing a long answer through is not building text.
  CHECK(to_text(eval("coalesce(${note}, 'x')", s)).size() == 40'000);
}

TEST_CASE("a scope that throws gives an error, not an exception") {
  ThrowingScope bad;
  auto r = try_eval("${a} + 1", bad);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::internal);
  auto c = try_eval(". = 1", bad);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().code == ErrorCode::internal);
}

TEST_CASE("one expression evaluates on several threads at once") {
  auto e = Expression::parse(
      "if(regex(${phone}, '^0[0-9]{10}$'), concat('ok ', ${n} * 2), 'bad')");
  REQUIRE(e.ok());
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      MapScope s;
      s.set("phone", std::string("07123456789")).set("n", static_cast<double>(t));
      for (int i = 0; i < 500; ++i) {
        auto v = e->evaluate(s);
        if (!v.ok() || to_text(v.value()) != "ok " + std::to_string(t * 2)) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(wrong == 0);
}
