// Office scope: which records an office caller may reach by team.
//   admin             every record
//   manager, monitor  records whose team they cover (hub/office_sessions.h)
//   auditor           none
// A record's teams: a case, its `team`; a person, the teams of the person's cases (a
// person with no case yet belongs to no team and any manager may reach them, so a
// manager can add a person and then open their case); a record of a case, that case's
// team; a field report without a case, the team of the worker who wrote it.
// Functions take the caller's connection; stateless: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "doorstep/core/record.h"
#include "hub/office_sessions.h"
#include "storage/sql_backend.h"

namespace doorstep::server {

// nullopt when the record does not exist.
Result<std::optional<std::vector<std::string>>> record_teams(SqlBackend& db, const std::string& type,
                                                             const std::string& id);
// The teams of a record state (not necessarily stored yet).
Result<std::vector<std::string>> state_teams(SqlBackend& db, const Record& record);
// A worker account's team; "" when the account is unknown or has none.
Result<std::string> worker_team(SqlBackend& db, const std::string& worker);

// Whether the caller covers any of teams (admin always; a manager or monitor also an
// empty list when allow_teamless).
bool covers_any(const OfficeCaller& caller, const std::vector<std::string>& teams, bool allow_teamless = false);

}  // namespace doorstep::server
