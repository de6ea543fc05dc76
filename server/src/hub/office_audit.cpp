#include "hub/office_audit.h"

#include "doorstep/core/hlc.h"
#include "hub/audit_log.h"

namespace doorstep::server {

namespace {

// Whatever stopped the event (a refusal by the database reads as bad input), the
// caller is told the server failed, and the read is refused: a busy hub is "try
// again", anything else an internal error whose detail goes to the log.
Error not_recorded(const Error& e) {
  if (e.code == ErrorCode::unavailable) return e;
  return make_error(ErrorDomain::server, ErrorCode::internal, "the audit log could not record an office action: " +
                                                                  e.describe());
}

}  // namespace

Status audit_office(Hub& hub, const OfficeCaller& caller, const std::string& action, const std::string& record_type,
                    const std::string& record_id, const std::string& detail) {
  auto db = hub.pool().lease();
  if (!db) return not_recorded(db.error());
  const std::string now = hub.hlc().timestamp();
  auto a = append_audit(**db, {new_uuid(), now, caller.user, "office", action, record_type, record_id,
                               detail.substr(0, 500), now, role_name(caller.role), caller.source});
  if (!a) return not_recorded(a.error());
  return {};
}

}  // namespace doorstep::server
