// Roles of hub accounts and what each may reach (docs/api.md, "Roles" has the whole
// matrix of endpoint x role).
//   admin    accounts, devices, forms, settings; everything, every team
//   manager  the teams they manage: people, cases, allocation and handover, visits,
//            conflicts, field-report triage, safety alerts, devices of their workers
//   monitor  safety duty for the teams they watch; no notes, no forms
//   auditor  the audit log and its export; reads nothing else
//   worker   devices only (sync); never the office API
// One account has one role; managers and monitors have a list of teams.
// Pure functions: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace doorstep::server {

enum class Role { admin, manager, monitor, auditor, worker };

// nullopt for anything else ("office", the old single office role, is not accepted
// here: migration 3 made those accounts admin).
std::optional<Role> parse_role(std::string_view text);
const char* role_name(Role role);
inline bool is_office_role(Role r) { return r != Role::worker; }
// Whether the role keeps a list of teams (manager, monitor).
inline bool has_teams(Role r) { return r == Role::manager || r == Role::monitor; }

// Teams as stored in account.teams: a JSON array of names. Unreadable text reads as
// no teams (a damaged row grants nothing).
std::vector<std::string> teams_from_json(const std::string& text);
std::string teams_to_json(const std::vector<std::string>& teams);

}  // namespace doorstep::server
