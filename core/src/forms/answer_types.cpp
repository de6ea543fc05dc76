// Answer types: checking and canonical forms.
#include "forms/answer_types.h"

#include <cmath>
#include <set>

#include "doorstep/core/clock.h"
#include "doorstep/core/forms/picture_answer.h"

namespace doorstep::forms {
namespace {

Error wrong(std::string message) {
  return make_error(ErrorDomain::input, ErrorCode::invalid_argument, std::move(message));
}

std::vector<std::string> split_ws(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (i < s.size()) {
    while (i < s.size() && ws(s[i])) ++i;
    std::size_t b = i;
    while (i < s.size() && !ws(s[i])) ++i;
    if (i > b) out.emplace_back(s.substr(b, i - b));
  }
  return out;
}

bool two_digits(std::string_view s, std::size_t at, int max) {
  if (at + 2 > s.size()) return false;
  if (s[at] < '0' || s[at] > '9' || s[at + 1] < '0' || s[at + 1] > '9') return false;
  return (s[at] - '0') * 10 + (s[at + 1] - '0') <= max;
}

// HH:MM[:SS[.fff]][Z|+HH:MM|-HH:MM]
bool valid_time(std::string_view s) {
  if (!two_digits(s, 0, 23) || s.size() < 5 || s[2] != ':' || !two_digits(s, 3, 59)) return false;
  std::size_t p = 5;
  if (p < s.size() && s[p] == ':') {
    if (!two_digits(s, p + 1, 59)) return false;
    p += 3;
    if (p < s.size() && s[p] == '.') {
      std::size_t q = p + 1;
      while (q < s.size() && s[q] >= '0' && s[q] <= '9') ++q;
      if (q == p + 1 || q - p > 4) return false;
      p = q;
    }
  }
  if (p == s.size()) return true;
  if (s[p] == 'Z') return p + 1 == s.size();
  if ((s[p] == '+' || s[p] == '-') && s.size() == p + 6 && s[p + 3] == ':')
    return two_digits(s, p + 1, 14) && two_digits(s, p + 4, 59);
  return false;
}

Result<Value> as_number(const Value& v, bool whole) {
  const char* msg = whole ? "Enter a whole number." : "Enter a number.";
  if (std::holds_alternative<bool>(v)) return wrong(msg);
  auto n = to_number(v);
  if (!n || !std::isfinite(*n)) return wrong(msg);
  if (whole && (std::floor(*n) != *n || std::fabs(*n) > 9007199254740991.0)) return wrong(msg);
  return Value(*n + 0.0);  // +0.0 turns -0 into 0
}

}  // namespace

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n;
    std::uint32_t cp;
    if (c < 0x80) { ++i; continue; }
    if ((c >> 5) == 0x6) { n = 1; cp = c & 0x1F; }
    else if ((c >> 4) == 0xE) { n = 2; cp = c & 0x0F; }
    else if ((c >> 3) == 0x1E) { n = 3; cp = c & 0x07; }
    else return false;
    if (i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d >> 6) != 0x2) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

Result<Value> canonical_answer(const FormDefinition& def, const Question& q, const Value& v) {
  if (is_empty(v)) return Value{};
  std::string text = to_text(v);
  if (text.size() > kMaxAnswerBytes)
    return wrong("The answer is longer than " + std::to_string(kMaxAnswerBytes) + " characters.");
  if (!valid_utf8(text)) return wrong("The answer is not valid text.");
  switch (q.type) {
    case QuestionType::integer: return as_number(v, true);
    case QuestionType::decimal: return as_number(v, false);
    case QuestionType::date:
      if (text.size() != 10 || !parse_timestamp(text)) return wrong("Enter a date as YYYY-MM-DD.");
      return Value(text);
    case QuestionType::time:
      if (!valid_time(text)) return wrong("Enter a time as HH:MM or HH:MM:SS.");
      return Value(text);
    case QuestionType::datetime:
      if (text.size() < 16 || text[10] != 'T' || !parse_timestamp(text))
        return wrong("Enter a date and time as YYYY-MM-DDTHH:MM.");
      return Value(text);
    case QuestionType::geopoint: {
      auto parts = split_ws(text);
      const char* msg = "Enter a location as latitude and longitude, optionally altitude and accuracy.";
      if (parts.size() < 2 || parts.size() > 4) return wrong(msg);
      std::string out;
      for (std::size_t i = 0; i < parts.size(); ++i) {
        auto n = to_number(Value(parts[i]));
        if (!n || !std::isfinite(*n)) return wrong(msg);
        if (i == 0 && std::fabs(*n) > 90) return wrong("Latitude must be between -90 and 90.");
        if (i == 1 && std::fabs(*n) > 180) return wrong("Longitude must be between -180 and 180.");
        if (i == 3 && *n < 0) return wrong("Accuracy cannot be negative.");
        if (i) out += ' ';
        out += parts[i];
      }
      return Value(out);
    }
    case QuestionType::select_one:
    case QuestionType::select_multiple: {
      const ChoiceList* list = def.choice_list(q.list_name);
      auto names = split_ws(text);
      if (q.type == QuestionType::select_one && names.size() != 1)
        return wrong("Choose one of the options.");
      std::string out;
      std::set<std::string> seen;
      for (const auto& n : names) {
        if (!list || list->find(n) < 0) return wrong("'" + n + "' is not one of the options.");
        if (!seen.insert(n).second) continue;
        if (!out.empty()) out += ' ';
        out += n;
      }
      return Value(out);
    }
    case QuestionType::acknowledge:
      if (std::holds_alternative<bool>(v)) return std::get<bool>(v) ? Value(std::string("OK")) : Value{};
      if (text == "OK" || text == "ok" || text == "yes" || text == "true" || text == "1")
        return Value(std::string("OK"));
      return wrong("Acknowledge with OK.");
    case QuestionType::image:
    case QuestionType::signature:
      // A picture in the blob store, never a bare file name (forms/picture_answer.h).
      if (!parse_picture_ref(text))
        return wrong(q.type == QuestionType::image ? "Attach a photo; this answer does not name a stored picture."
                                                   : "Sign again; this answer does not name a stored signature.");
      return Value(text);
    case QuestionType::text:
    case QuestionType::calculate:
      return Value(text);
    case QuestionType::note:
    case QuestionType::group:
    case QuestionType::repeat:
      return wrong("This item takes no answer.");
  }
  return wrong("This item takes no answer.");
}

}  // namespace doorstep::forms
