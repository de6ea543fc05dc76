// Result<T> and Error: the one error type of Doorstep, and expected outcomes as values.
// Plain value types; safe to move between threads, not to share mutably.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace doorstep {

// Where an error comes from. Callers branch on (domain, code), never on message text.
enum class ErrorDomain { store, crypto, input, state, io, sync, server };

// Codes shared by every domain. Add to the end only; CLI exit codes and the
// wire protocol rely on the numbering.
enum class ErrorCode {
  invalid_argument = 1,  // the caller gave bad input; nothing was changed
  not_found,             // the record, file or user does not exist
  wrong_pin,             // the PIN did not unwrap the key; one failure was counted
  locked_out,            // too many wrong PINs; try again later (message says when)
  erased,                // the store was crypto-erased (too many wrong PINs, or a wipe)
  corrupt,               // a file is damaged or is not what it claims to be
  invalid_transition,    // the record's state does not allow this action
  immutable,             // the record may not change any more (finalised note, submitted form)
  conflict,              // a concurrent change disagreed; see the conflict record
  io_error,              // the operating system refused a read, write or sync
  internal,              // a bug or an impossible state; the message says which
  already_exists,        // creating something that is there already
  too_large,             // input over a documented limit
  unavailable,           // a peer or service could not be reached
  unauthorised,          // credentials missing, expired or refused
  account_disabled,      // the account was disabled by the office; sign-in and enrolment are refused
  password_change_required,  // the password was reset by the office: set a new one before going on
  too_many_attempts,     // too many failed sign-ins; refused without checking (message says when to retry)
};

const char* to_string(ErrorDomain d);
const char* to_string(ErrorCode c);

struct Error {
  ErrorDomain domain = ErrorDomain::store;
  ErrorCode code = ErrorCode::internal;
  std::string message;  // one line, for a person; never contains case content

  // "store/wrong_pin: the PIN is not correct (2 of 10 attempts used)"
  std::string describe() const;
};

inline Error make_error(ErrorDomain d, ErrorCode c, std::string message) {
  return Error{d, c, std::move(message)};
}

// A value or an Error. [[nodiscard]] so an ignored failure is a compile warning.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : e_(std::move(error)) {}

  bool ok() const { return !e_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *e_; }

 private:
  std::optional<Error> e_;
};

using Status = Result<void>;

}  // namespace doorstep

// Early return on failure, for functions that themselves return a Result.
#define DOORSTEP_TRY(expr)                          \
  do {                                              \
    auto doorstep_try_r_ = (expr);                  \
    if (!doorstep_try_r_.ok()) return doorstep_try_r_.error(); \
  } while (0)
