// The text-level parts of the PostgreSQL backend, kept apart so tests can reach them
// without a server: `?` placeholders to `$n`, bytea's hex output form, and which
// SQLSTATE becomes which Error. Pure functions: thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "doorstep/core/result.h"

namespace doorstep::server::pg {

// Rewrites each `?` outside string literals ('…', E'…', $tag$…$tag$), quoted
// identifiers ("…") and comments (-- …, /* … */) to $1, $2, … in order, and counts
// them. An unterminated literal, identifier or comment is store/internal: the SQL is
// ours, so that is a bug.
struct Placeholders {
  std::string sql;
  int count = 0;
};
Result<Placeholders> rewrite_placeholders(std::string_view sql);

// Decodes bytea in its text output form ("\x" then two hex digits a byte, the
// default bytea_output). Anything else is store/internal.
Result<std::string> decode_bytea_hex(std::string_view text);

// The Error for a failed statement. sqlstate: five characters (or empty when libpq
// gave none); primary: PostgreSQL's primary message, which never holds a bound
// value for the classes whose message is kept (the DETAIL line, which can, is
// never read). Mapping:
//   class 23 (integrity: unique, foreign key, not null, check)   store/invalid_argument
//   class 22 (data: bad encoding, out of range; the message may quote the value,
//             so only the SQLSTATE is kept)                       store/invalid_argument
//   40001 serialization failure, 40P01 deadlock, class 08 connection, 57P01-57P03
//   shutdown, 55P03 lock timeout, 57014 cancelled, 53300 too many connections
//                                                                 store/unavailable
//   53100 disk full                                               io/io_error
//   54000 program limit (a row or value too large)                store/too_large
//   anything else                                                 store/internal
Error error_for_sqlstate(std::string_view sqlstate, std::string_view primary, std::string_view what);

}  // namespace doorstep::server::pg
