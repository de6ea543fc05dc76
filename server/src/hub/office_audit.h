// Office actions in the audit log with who, in which role and from where: every
// office read of a record ("viewed"), each list request (one "viewed" event naming the
// query), and office actions that have no record write of their own. A read whose
// event cannot be written is refused (the caller gets the error): no read goes
// unrecorded. Thread-safe.
#pragma once

#include <string>

#include "doorstep/core/result.h"
#include "hub/hub.h"
#include "hub/office_sessions.h"

namespace doorstep::server {

// record_type: a record type, or "list" (record_id names the list, detail the query),
// "account", "device", "audit", "export".
Status audit_office(Hub& hub, const OfficeCaller& caller, const std::string& action, const std::string& record_type,
                    const std::string& record_id, const std::string& detail = "");
inline Status audit_view(Hub& hub, const OfficeCaller& caller, const std::string& record_type,
                         const std::string& record_id, const std::string& detail = "") {
  return audit_office(hub, caller, "viewed", record_type, record_id, detail);
}

}  // namespace doorstep::server
