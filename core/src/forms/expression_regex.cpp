// regex() for forms expressions, on PCRE2 (never std::regex: it recurses per character and
// backtracks without limit). Patterns are UTF-8; matching is bounded by match, depth and
// heap limits, so a hostile pattern or answer gives input/too_large instead of a hang.
// A compiled pattern is immutable and may be matched from several threads at once.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "forms/expression_ast.h"

namespace doorstep::forms {

// Limits of one regex() match; the evaluator also charges steps per call (see functions).
inline constexpr std::uint32_t kMatchLimit = 100'000;  // PCRE2 match() calls
inline constexpr std::uint32_t kDepthLimit = 5'000;    // nested backtracking frames
inline constexpr std::uint32_t kHeapLimitKiB = 4'096;  // backtracking memory
inline constexpr std::uint32_t kParensNestLimit = 64;

struct CompiledRegex {
  pcre2_code* code = nullptr;
  ~CompiledRegex() { pcre2_code_free(code); }
};

namespace {

struct CompileContext {
  pcre2_compile_context* ctx = pcre2_compile_context_create(nullptr);
  CompileContext() { pcre2_set_parens_nest_limit(ctx, kParensNestLimit); }
  ~CompileContext() { pcre2_compile_context_free(ctx); }
};

struct MatchContext {
  pcre2_match_context* ctx = pcre2_match_context_create(nullptr);
  MatchContext() {
    pcre2_set_match_limit(ctx, kMatchLimit);
    pcre2_set_depth_limit(ctx, kDepthLimit);
    pcre2_set_heap_limit(ctx, kHeapLimitKiB);
  }
  ~MatchContext() { pcre2_match_context_free(ctx); }
};

// Contexts are only read while compiling and matching, so one of each serves every thread.
const CompileContext& compile_context() {
  static const CompileContext c;
  return c;
}
const MatchContext& match_context() {
  static const MatchContext m;
  return m;
}

std::string pcre2_message(int code) {
  PCRE2_UCHAR buf[256];
  int n = pcre2_get_error_message(code, buf, sizeof buf);
  if (n < 0) return "error " + std::to_string(code);
  return std::string(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

}  // namespace

Result<std::shared_ptr<const CompiledRegex>> compile_regex(std::string_view pattern,
                                                           std::size_t column) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  // UTF: patterns and answers are UTF-8. MATCH_INVALID_UTF: an answer with broken UTF-8
  // still matches byte-wise instead of failing. NEVER_BACKSLASH_C: \C can split a character.
  pcre2_code* code = pcre2_compile(
      reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
      PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_NEVER_BACKSLASH_C, &error, &offset,
      compile_context().ctx);
  if (code == nullptr) {
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                      "bad regex pattern at " + std::to_string(column) + ": " +
                          pcre2_message(error) + " (pattern offset " + std::to_string(offset) +
                          ")");
  }
  auto re = std::make_shared<CompiledRegex>();
  re->code = code;
  return std::shared_ptr<const CompiledRegex>(std::move(re));
}

Result<bool> regex_search(const CompiledRegex& re, std::string_view subject) {
  pcre2_match_data* md = pcre2_match_data_create(1, nullptr);
  if (md == nullptr) {
    return make_error(ErrorDomain::input, ErrorCode::internal, "regex: out of memory");
  }
  int rc = pcre2_match(re.code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0,
                       0, md, match_context().ctx);
  pcre2_match_data_free(md);
  if (rc >= 0) return true;
  if (rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL) return false;
  if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
      rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_NOMEMORY) {
    return make_error(ErrorDomain::input, ErrorCode::too_large,
                      "regex needs more than its matching limits: " + pcre2_message(rc));
  }
  return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                    "regex failed: " + pcre2_message(rc));
}

}  // namespace doorstep::forms
