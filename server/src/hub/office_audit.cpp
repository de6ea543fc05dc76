#include "hub/office_audit.h"

#include "doorstep/core/hlc.h"
#include "hub/audit_log.h"

namespace doorstep::server {

Status audit_office(Hub& hub, const OfficeCaller& caller, const std::string& action, const std::string& record_type,
                    const std::string& record_id, const std::string& detail) {
  auto db = hub.pool().lease();
  if (!db) return db.error();
  const std::string now = hub.hlc().timestamp();
  auto a = append_audit(**db, {new_uuid(), now, caller.user, "office", action, record_type, record_id,
                               detail.substr(0, 500), now, role_name(caller.role), caller.source});
  if (!a) return a.error();
  return {};
}

}  // namespace doorstep::server
