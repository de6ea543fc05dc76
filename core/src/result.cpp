#include "doorstep/core/result.h"

namespace doorstep {

const char* to_string(ErrorDomain d) {
  switch (d) {
    case ErrorDomain::store: return "store";
    case ErrorDomain::crypto: return "crypto";
    case ErrorDomain::input: return "input";
    case ErrorDomain::state: return "state";
    case ErrorDomain::io: return "io";
    case ErrorDomain::sync: return "sync";
    case ErrorDomain::server: return "server";
  }
  return "unknown";
}

const char* to_string(ErrorCode c) {
  switch (c) {
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::wrong_pin: return "wrong_pin";
    case ErrorCode::locked_out: return "locked_out";
    case ErrorCode::erased: return "erased";
    case ErrorCode::corrupt: return "corrupt";
    case ErrorCode::invalid_transition: return "invalid_transition";
    case ErrorCode::immutable: return "immutable";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::io_error: return "io_error";
    case ErrorCode::internal: return "internal";
    case ErrorCode::already_exists: return "already_exists";
    case ErrorCode::too_large: return "too_large";
    case ErrorCode::unavailable: return "unavailable";
    case ErrorCode::unauthorised: return "unauthorised";
    case ErrorCode::account_disabled: return "account_disabled";
    case ErrorCode::password_change_required: return "password_change_required";
    case ErrorCode::too_many_attempts: return "too_many_attempts";
  }
  return "unknown";
}

std::string Error::describe() const {
  return std::string(to_string(domain)) + "/" + to_string(code) + ": " + message;
}

}  // namespace doorstep
