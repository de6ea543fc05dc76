#include "storage/postgres_text.h"

namespace doorstep::server::pg {

namespace {

Error bug(const std::string& what) { return make_error(ErrorDomain::store, ErrorCode::internal, what); }

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<Placeholders> rewrite_placeholders(std::string_view sql) {
  Placeholders out;
  out.sql.reserve(sql.size() + 16);
  const std::size_t n = sql.size();
  std::size_t i = 0;
  // Copies sql[i, end) and moves i there.
  auto copy_to = [&](std::size_t end) {
    out.sql.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < n) {
    const char c = sql[i];
    if (c == '?') {
      out.sql += '$';
      out.sql += std::to_string(++out.count);
      ++i;
    } else if (c == '\'') {
      // E'…' allows backslash escapes; standard strings only double the quote.
      const bool escapes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !ident_char(sql[i - 2]));
      std::size_t j = i + 1;
      for (;;) {
        if (j >= n) return bug("unterminated string literal in SQL");
        if (escapes && sql[j] == '\\') {
          j += 2;
          continue;
        }
        if (sql[j] == '\'') {
          if (j + 1 < n && sql[j + 1] == '\'') {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      copy_to(j + 1);
    } else if (c == '"') {
      std::size_t j = i + 1;
      for (;;) {
        if (j >= n) return bug("unterminated quoted identifier in SQL");
        if (sql[j] == '"') {
          if (j + 1 < n && sql[j + 1] == '"') {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      copy_to(j + 1);
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      const auto end = sql.find('\n', i);
      copy_to(end == std::string_view::npos ? n : end);
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      // PostgreSQL's block comments nest.
      int depth = 0;
      std::size_t j = i;
      do {
        if (j + 1 >= n) return bug("unterminated comment in SQL");
        if (sql[j] == '/' && sql[j + 1] == '*') {
          ++depth;
          j += 2;
        } else if (sql[j] == '*' && sql[j + 1] == '/') {
          --depth;
          j += 2;
        } else {
          ++j;
        }
      } while (depth > 0);
      copy_to(j);
    } else if (c == '$' && (i == 0 || !ident_char(sql[i - 1]))) {
      // A dollar quote $tag$…$tag$ (tag: empty or an identifier not starting with a
      // digit); "$1" is a positional parameter, left as it is.
      std::size_t j = i + 1;
      while (j < n && ident_char(sql[j]) && sql[j] != '$') ++j;
      const bool tag_ok = j < n && sql[j] == '$' && (j == i + 1 || !(sql[i + 1] >= '0' && sql[i + 1] <= '9'));
      if (!tag_ok) {
        copy_to(i + 1);
        continue;
      }
      const std::string_view tag = sql.substr(i, j - i + 1);
      const auto close = sql.find(tag, j + 1);
      if (close == std::string_view::npos) return bug("unterminated dollar-quoted string in SQL");
      copy_to(close + tag.size());
    } else {
      out.sql += c;
      ++i;
    }
  }
  return out;
}

Result<std::string> decode_bytea_hex(std::string_view text) {
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x' || text.size() % 2 != 0)
    return bug("bytea is not in hex form (set bytea_output = 'hex')");
  std::string out;
  out.resize((text.size() - 2) / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_value(text[2 + 2 * i]), lo = hex_value(text[3 + 2 * i]);
    if (hi < 0 || lo < 0) return bug("bytea holds a character that is not hex");
    out[i] = static_cast<char>((hi << 4) | lo);
  }
  return out;
}

Error error_for_sqlstate(std::string_view sqlstate, std::string_view primary, std::string_view what) {
  const std::string state(sqlstate);
  const std::string cls = state.substr(0, 2);
  std::string msg = std::string(what) + ": " + std::string(primary);
  if (!state.empty()) msg += " (SQLSTATE " + state + ")";
  if (cls == "23") return make_error(ErrorDomain::store, ErrorCode::invalid_argument, msg);
  if (cls == "22")
    return make_error(ErrorDomain::store, ErrorCode::invalid_argument,
                      std::string(what) + ": a value does not fit its column (SQLSTATE " + state + ")");
  if (state == "40001" || state == "40P01" || cls == "08" || state == "57P01" || state == "57P02" ||
      state == "57P03" || state == "55P03" || state == "57014" || state == "53300")
    return make_error(ErrorDomain::store, ErrorCode::unavailable, msg);
  if (state == "53100") return make_error(ErrorDomain::io, ErrorCode::io_error, msg);
  if (state == "54000") return make_error(ErrorDomain::store, ErrorCode::too_large, msg);
  return make_error(ErrorDomain::store, ErrorCode::internal, msg);
}

}  // namespace doorstep::server::pg
