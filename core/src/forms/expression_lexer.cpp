// Tokens of XLSForm expressions: ${fields}, literals, operators and (hyphenated, optionally
// "jr:"-prefixed) names. Pure functions; safe from any thread.
#include <cstdio>

#include "forms/expression_ast.h"

namespace doorstep::forms {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
// Names (XML NCNames, loosely): a letter, '_' or any non-ASCII byte first, then also
// digits, '.' and '-'. Non-ASCII bytes are taken as letters so that Unicode names work.
bool is_name_start(char c) {
  return is_alpha(c) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool is_name_char(char c) { return is_name_start(c) || is_digit(c) || c == '.' || c == '-'; }

Error lex_error(std::string what, std::size_t column) {
  return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                    what + " at " + std::to_string(column));
}

std::string shown(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", u);
  return std::string("character ") + buf;
}

}  // namespace

Result<std::vector<Token>> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  auto push = [&](Token::Kind k, std::size_t start, std::string text = {}) {
    out.push_back(Token{k, start + 1, std::move(text)});
  };
  while (i < s.size()) {
    char c = s[i];
    std::size_t start = i;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else if (c == '$') {
      if (i + 1 >= s.size() || s[i + 1] != '{') return lex_error("expected '{' after '$'", i + 1);
      i += 2;
      std::size_t name_start = i;
      while (i < s.size() && s[i] != '}') {
        if (!is_name_char(s[i])) return lex_error("bad character in field name", i + 1);
        ++i;
      }
      if (i >= s.size()) return lex_error("unterminated ${", start + 1);
      std::string name(s.substr(name_start, i - name_start));
      if (name.empty() || !is_name_start(name[0])) {
        return lex_error("bad field name", start + 1);
      }
      ++i;  // '}'
      push(Token::Kind::field, start, std::move(name));
    } else if (c == '\'' || c == '"') {
      std::size_t close = s.find(c, i + 1);
      if (close == std::string_view::npos) return lex_error("unterminated string", i + 1);
      push(Token::Kind::string, start, std::string(s.substr(i + 1, close - i - 1)));
      i = close + 1;
    } else if (is_digit(c) || (c == '.' && i + 1 < s.size() && is_digit(s[i + 1]))) {
      while (i < s.size() && is_digit(s[i])) ++i;
      if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && is_digit(s[i])) ++i;
      }
      push(Token::Kind::number, start, std::string(s.substr(start, i - start)));
    } else if (c == '.') {
      bool two = i + 1 < s.size() && s[i + 1] == '.';
      i += two ? 2 : 1;
      push(two ? Token::Kind::dotdot : Token::Kind::dot, start);
    } else if (is_name_start(c)) {
      while (i < s.size() && is_name_char(s[i])) ++i;
      // A prefixed name such as jr:choice-name.
      if (i + 1 < s.size() && s[i] == ':' && is_name_start(s[i + 1])) {
        ++i;
        while (i < s.size() && is_name_char(s[i])) ++i;
      }
      push(Token::Kind::name, start, std::string(s.substr(start, i - start)));
    } else {
      Token::Kind k;
      std::size_t len = 1;
      bool next_eq = i + 1 < s.size() && s[i + 1] == '=';
      switch (c) {
        case '(': k = Token::Kind::lparen; break;
        case ')': k = Token::Kind::rparen; break;
        case ',': k = Token::Kind::comma; break;
        case '=': k = Token::Kind::eq; break;
        case '+': k = Token::Kind::plus; break;
        case '-': k = Token::Kind::minus; break;
        case '*': k = Token::Kind::star; break;
        case '<': k = next_eq ? Token::Kind::le : Token::Kind::lt; len = next_eq ? 2 : 1; break;
        case '>': k = next_eq ? Token::Kind::ge : Token::Kind::gt; len = next_eq ? 2 : 1; break;
        case '!':
          if (!next_eq) return lex_error("unexpected '!'", i + 1);
          k = Token::Kind::ne;
          len = 2;
          break;
        default: return lex_error("unexpected " + shown(c), i + 1);
      }
      i += len;
      push(k, start);
    }
  }
  push(Token::Kind::end, s.size());
  return out;
}

std::string describe(const Token& t) {
  switch (t.kind) {
    case Token::Kind::end: return "end of expression";
    case Token::Kind::number: return "number " + t.text;
    case Token::Kind::string: return "string";
    case Token::Kind::field: return "${" + t.text + "}";
    case Token::Kind::dot: return "'.'";
    case Token::Kind::dotdot: return "'..'";
    case Token::Kind::lparen: return "'('";
    case Token::Kind::rparen: return "')'";
    case Token::Kind::comma: return "','";
    case Token::Kind::name: return "'" + t.text + "'";
    case Token::Kind::eq: return "'='";
    case Token::Kind::ne: return "'!='";
    case Token::Kind::lt: return "'<'";
    case Token::Kind::le: return "'<='";
    case Token::Kind::gt: return "'>'";
    case Token::Kind::ge: return "'>='";
    case Token::Kind::plus: return "'+'";
    case Token::Kind::minus: return "'-'";
    case Token::Kind::star: return "'*'";
  }
  return "token";
}

}  // namespace doorstep::forms
