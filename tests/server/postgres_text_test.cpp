// The PostgreSQL backend's text functions, without a server: `?` to `$n` outside
// literals and comments, bytea's hex form, SQLSTATE to Error.
#include <catch2/catch.hpp>

#include "storage/postgres_text.h"

using namespace doorstep;
using namespace doorstep::server::pg;

namespace {

std::string rewritten(std::string_view sql, int want_count) {
  auto r = rewrite_placeholders(sql);
  INFO(sql);
  REQUIRE(r.ok());
  CHECK(r->count == want_count);
  return r->sql;
}

}  // namespace

TEST_CASE("placeholders are numbered in order, outside literals, identifiers and comments") {
  CHECK(rewritten("SELECT a FROM t WHERE b = ? AND c IN (?, ?)", 3) == "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)");
  CHECK(rewritten("SELECT 'a?b', ? FROM t", 1) == "SELECT 'a?b', $1 FROM t");
  CHECK(rewritten("SELECT 'it''s ?', ?", 1) == "SELECT 'it''s ?', $1");
  CHECK(rewritten("SELECT E'\\'?', ?", 1) == "SELECT E'\\'?', $1");
  CHECK(rewritten("SELECT \"odd?name\" FROM t WHERE x = ?", 1) == "SELECT \"odd?name\" FROM t WHERE x = $1");
  CHECK(rewritten("SELECT ? -- why?\n, ?", 2) == "SELECT $1 -- why?\n, $2");
  CHECK(rewritten("SELECT /* a ? /* nested ? */ still ? */ ?", 1) == "SELECT /* a ? /* nested ? */ still ? */ $1");
  CHECK(rewritten("SELECT $$ what? $$, $tag$ ? $tag$, ?", 1) == "SELECT $$ what? $$, $tag$ ? $tag$, $1");
  CHECK(rewritten("SELECT 'é?' || ?", 1) == "SELECT 'é?' || $1");
  CHECK(rewritten("SELECT 1", 0) == "SELECT 1");
  // The case expression of the changes feed, parameters after literals.
  CHECK(rewritten("(CASE r.type WHEN 'person' THEN 0 ELSE 4 END) > ?", 1) ==
        "(CASE r.type WHEN 'person' THEN 0 ELSE 4 END) > $1");
}

TEST_CASE("unterminated literals and comments are refused") {
  for (const char* sql : {"SELECT 'open", "SELECT \"open", "SELECT /* open", "SELECT $x$ open"}) {
    auto r = rewrite_placeholders(sql);
    INFO(sql);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::internal);
  }
}

TEST_CASE("bytea's hex form decodes to the bytes, zero bytes included") {
  auto b = decode_bytea_hex("\\x00ff10Ab");
  REQUIRE(b.ok());
  CHECK(*b == std::string("\x00\xff\x10\xab", 4));
  auto empty = decode_bytea_hex("\\x");
  REQUIRE(empty.ok());
  CHECK(empty->empty());
  CHECK_FALSE(decode_bytea_hex("\\x0").ok());
  CHECK_FALSE(decode_bytea_hex("\\xzz").ok());
  CHECK_FALSE(decode_bytea_hex("\\000").ok());  // escape form: not ours
}

TEST_CASE("SQLSTATEs map to the hub's error codes, and data errors drop the message") {
  auto unique = error_for_sqlstate("23505", "duplicate key value violates unique constraint \"t_pkey\"", "database");
  CHECK(unique.domain == ErrorDomain::store);
  CHECK(unique.code == ErrorCode::invalid_argument);
  CHECK(unique.message.find("t_pkey") != std::string::npos);
  CHECK(error_for_sqlstate("23503", "violates foreign key", "database").code == ErrorCode::invalid_argument);
  auto data = error_for_sqlstate("22P02", "invalid input syntax for type bigint: \"secret-value\"", "database");
  CHECK(data.code == ErrorCode::invalid_argument);
  CHECK(data.message.find("secret-value") == std::string::npos);
  for (const char* s : {"40001", "40P01", "08006", "08003", "57P01", "55P03", "53300", "57014"})
    CHECK(error_for_sqlstate(s, "m", "database").code == ErrorCode::unavailable);
  CHECK(error_for_sqlstate("53100", "disk full", "database").code == ErrorCode::io_error);
  CHECK(error_for_sqlstate("54000", "row too big", "database").code == ErrorCode::too_large);
  CHECK(error_for_sqlstate("42703", "column \"nope\" does not exist", "database").code == ErrorCode::internal);
  CHECK(error_for_sqlstate("", "no state", "database").code == ErrorCode::internal);
}
