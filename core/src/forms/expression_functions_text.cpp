// Logic, text and select_multiple functions of forms expressions. Text is UTF-8; lengths
// and positions count code points. Every function charges steps for the text it scans
// and refuses to build text past max_text.
#include <cmath>

#include "forms/expression_ast.h"

namespace doorstep::forms {
namespace {

// The argument's text, or '.' when the function was called without one.
Result<std::string> text_or_current(Call& c, std::size_t i) {
  if (c.count() <= i) return to_text(c.scope().current());
  FORMS_TRY_ASSIGN(v, c.arg(i));
  return to_text(v);
}

Result<std::string> text_arg(Call& c, std::size_t i) {
  FORMS_TRY_ASSIGN(v, c.arg(i));
  return to_text(v);
}

Result<Value> fn_if(Call& c) {
  FORMS_TRY_ASSIGN(cond, c.arg(0));
  return c.arg(to_boolean(cond) ? 1 : 2);
}

Result<Value> fn_not(Call& c) {
  FORMS_TRY_ASSIGN(v, c.arg(0));
  return Value(!to_boolean(v));
}

Result<Value> fn_true(Call&) { return Value(true); }
Result<Value> fn_false(Call&) { return Value(false); }

Result<Value> fn_boolean(Call& c) {
  FORMS_TRY_ASSIGN(v, c.arg(0));
  return Value(to_boolean(v));
}

Result<Value> fn_boolean_from_string(Call& c) {
  FORMS_TRY_ASSIGN(s, text_arg(c, 0));
  return Value(s == "true" || s == "1");
}

Result<Value> fn_string(Call& c) {
  FORMS_TRY_ASSIGN(s, text_or_current(c, 0));
  return Value(std::move(s));
}

Result<Value> fn_concat(Call& c) {
  std::string out;
  for (std::size_t i = 0; i < c.count(); ++i) {
    FORMS_TRY_ASSIGN(part, text_arg(c, i));
    DOORSTEP_TRY(c.charge(part.size()));
    if (out.size() + part.size() > c.limits().max_text) return c.too_much_text();
    out += part;
  }
  return Value(std::move(out));
}

Result<Value> fn_string_length(Call& c) {
  FORMS_TRY_ASSIGN(s, text_or_current(c, 0));
  DOORSTEP_TRY(c.charge(s.size()));
  return Value(static_cast<double>(utf8_length(s)));
}

enum class Where { anywhere, start, end };
template <Where W>
Result<Value> fn_find(Call& c) {
  FORMS_TRY_ASSIGN(hay, text_arg(c, 0));
  FORMS_TRY_ASSIGN(needle, text_arg(c, 1));
  DOORSTEP_TRY(c.charge(hay.size() + needle.size()));
  std::string_view h = hay;
  if (W == Where::start) return Value(h.substr(0, needle.size()) == needle);
  if (W == Where::end) {
    return Value(h.size() >= needle.size() && h.substr(h.size() - needle.size()) == needle);
  }
  return Value(h.find(needle) != std::string_view::npos);
}

// substr(text, start[, end]): 0-based code points, end exclusive, both clamped.
Result<Value> fn_substr(Call& c) {
  FORMS_TRY_ASSIGN(s, text_arg(c, 0));
  FORMS_TRY_ASSIGN(start_v, c.arg(1));
  DOORSTEP_TRY(c.charge(s.size()));
  double len = static_cast<double>(utf8_length(s));
  double start = std::trunc(arith_number(start_v));
  double end = len;
  if (c.count() > 2) {
    FORMS_TRY_ASSIGN(end_v, c.arg(2));
    end = std::trunc(arith_number(end_v));
  }
  if (std::isnan(start) || std::isnan(end)) return Value(std::string());
  start = std::clamp(start, 0.0, len);
  end = std::clamp(end, 0.0, len);
  if (end <= start) return Value(std::string());
  std::size_t from = utf8_offset(s, static_cast<std::size_t>(start));
  std::size_t to = utf8_offset(s, static_cast<std::size_t>(end));
  return Value(s.substr(from, to - from));
}

template <bool Before>
Result<Value> fn_substring_around(Call& c) {
  FORMS_TRY_ASSIGN(s, text_arg(c, 0));
  FORMS_TRY_ASSIGN(sep, text_arg(c, 1));
  DOORSTEP_TRY(c.charge(s.size() + sep.size()));
  std::size_t at = s.find(sep);
  if (at == std::string::npos) return Value(std::string());
  return Value(Before ? s.substr(0, at) : s.substr(at + sep.size()));
}

Result<Value> fn_normalize_space(Call& c) {
  FORMS_TRY_ASSIGN(s, text_or_current(c, 0));
  DOORSTEP_TRY(c.charge(s.size()));
  std::string out;
  for (std::string_view word : split_selected(s)) {
    if (!out.empty()) out += ' ';
    out += word;
  }
  return Value(std::move(out));
}

Result<Value> fn_selected(Call& c) {
  FORMS_TRY_ASSIGN(list, text_arg(c, 0));
  FORMS_TRY_ASSIGN(choice, text_arg(c, 1));
  DOORSTEP_TRY(c.charge(list.size()));
  auto wanted = split_selected(choice);  // trims; "" and "a b" select nothing
  if (wanted.size() != 1) return Value(false);
  for (std::string_view item : split_selected(list)) {
    if (item == wanted[0]) return Value(true);
  }
  return Value(false);
}

Result<Value> fn_count_selected(Call& c) {
  FORMS_TRY_ASSIGN(list, text_arg(c, 0));
  DOORSTEP_TRY(c.charge(list.size()));
  return Value(static_cast<double>(split_selected(list).size()));
}

// selected-at(list, n): the n-th choice, 0-based; "" when there is none.
Result<Value> fn_selected_at(Call& c) {
  FORMS_TRY_ASSIGN(list, text_arg(c, 0));
  FORMS_TRY_ASSIGN(index_v, c.arg(1));
  DOORSTEP_TRY(c.charge(list.size()));
  double index = std::trunc(arith_number(index_v));
  auto items = split_selected(list);
  if (std::isnan(index) || index < 0 || index >= static_cast<double>(items.size())) {
    return Value(std::string());
  }
  return Value(std::string(items[static_cast<std::size_t>(index)]));
}

// join(separator, values...): a ${field} argument contributes every repeat instance.
Result<Value> fn_join(Call& c) {
  FORMS_TRY_ASSIGN(sep, text_arg(c, 0));
  std::string out;
  bool first = true;
  for (std::size_t i = 1; i < c.count(); ++i) {
    FORMS_TRY_ASSIGN(values, c.values(i));
    for (const Value& v : values) {
      std::string part = to_text(v);
      DOORSTEP_TRY(c.charge(part.size() + sep.size()));
      std::size_t grow = part.size() + (first ? 0 : sep.size());
      if (out.size() + grow > c.limits().max_text) return c.too_much_text();
      if (!first) out += sep;
      out += part;
      first = false;
    }
  }
  return Value(std::move(out));
}

Result<Value> fn_regex(Call& c) {
  FORMS_TRY_ASSIGN(subject, text_arg(c, 0));
  std::shared_ptr<const CompiledRegex> re = c.node().regex;
  if (!re) {  // a pattern computed at evaluation time
    FORMS_TRY_ASSIGN(pattern, text_arg(c, 1));
    DOORSTEP_TRY(c.charge(pattern.size() * 16));
    FORMS_TRY_ASSIGN(compiled, compile_regex(pattern, c.node().kids[1]->column));
    re = std::move(compiled);
  }
  // Every match may use up to PCRE2's match limit, so each call costs 100 steps besides
  // the subject's length: an expression's regex() calls stay bounded together.
  DOORSTEP_TRY(c.charge(subject.size() + 100 * 64));
  FORMS_TRY_ASSIGN(found, regex_search(*re, subject));
  return Value(found);
}

// coalesce(a, b): a unless it is empty, then b (evaluated only then).
Result<Value> fn_coalesce(Call& c) {
  FORMS_TRY_ASSIGN(a, c.arg(0));
  if (!is_empty(a)) return a;
  return c.arg(1);
}

}  // namespace

std::vector<FunctionDef> text_functions() {
  return {
      {"if", 3, 3, false, fn_if},
      {"not", 1, 1, false, fn_not},
      {"true", 0, 0, false, fn_true},
      {"false", 0, 0, false, fn_false},
      {"boolean", 1, 1, false, fn_boolean},
      {"boolean-from-string", 1, 1, false, fn_boolean_from_string},
      {"string", 0, 1, false, fn_string, true},
      {"concat", 0, -1, false, fn_concat},
      {"string-length", 0, 1, false, fn_string_length, true},
      {"contains", 2, 2, false, fn_find<Where::anywhere>},
      {"starts-with", 2, 2, false, fn_find<Where::start>},
      {"ends-with", 2, 2, false, fn_find<Where::end>},
      {"substr", 2, 3, false, fn_substr},
      {"substring-before", 2, 2, false, fn_substring_around<true>},
      {"substring-after", 2, 2, false, fn_substring_around<false>},
      {"normalize-space", 0, 1, false, fn_normalize_space, true},
      {"selected", 2, 2, false, fn_selected},
      {"count-selected", 1, 1, false, fn_count_selected},
      {"selected-at", 2, 2, false, fn_selected_at},
      {"join", 2, -1, false, fn_join},
      {"regex", 2, 2, false, fn_regex},
      {"coalesce", 2, 2, false, fn_coalesce},
  };
}

}  // namespace doorstep::forms
