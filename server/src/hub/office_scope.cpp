#include "hub/office_scope.h"

#include <algorithm>

#include "hub/record_rows.h"

namespace doorstep::server {

namespace {

std::string text_field(const Record& r, const char* name) {
  auto it = r.fields.find(name);
  if (it == r.fields.end()) return "";
  if (auto* s = std::get_if<std::string>(&it->second)) return *s;
  return "";
}

Result<std::vector<std::string>> case_team(SqlBackend& db, const std::string& case_id) {
  auto c = load_record(db, "case", case_id);
  if (!c) return c.error();
  std::vector<std::string> out;
  if (*c) {
    const std::string team = text_field((*c)->state.record, "team");
    if (!team.empty()) out.push_back(team);
  }
  return out;
}

}  // namespace

Result<std::string> worker_team(SqlBackend& db, const std::string& worker) {
  auto rows = db.query("SELECT team FROM account WHERE username = ?", {worker});
  if (!rows) return rows.error();
  return rows->empty() ? std::string() : rows->front().text(0);
}

Result<std::vector<std::string>> state_teams(SqlBackend& db, const Record& r) {
  if (r.type == "case") {
    const std::string team = text_field(r, "team");
    return team.empty() ? std::vector<std::string>{} : std::vector<std::string>{team};
  }
  if (r.type == "person") {
    auto rows = db.query("SELECT type, id FROM record WHERE type = 'case' AND person_id = ?", {r.id});
    if (!rows) return rows.error();
    std::vector<std::string> out;
    for (const auto& row : *rows) {
      auto t = case_team(db, row.text(1));
      if (!t) return t.error();
      for (auto& team : *t)
        if (std::find(out.begin(), out.end(), team) == out.end()) out.push_back(team);
    }
    return out;
  }
  const std::string case_id = text_field(r, "case_id");
  if (!case_id.empty()) return case_team(db, case_id);
  if (r.type == "conflict") {
    // A conflict about a person (no case): the person's teams.
    const std::string record_type = text_field(r, "record_type");
    const std::string record_id = text_field(r, "record_id");
    if (!record_type.empty() && record_type != "conflict") {
      auto t = record_teams(db, record_type, record_id);
      if (!t) return t.error();
      return *t ? **t : std::vector<std::string>{};
    }
  }
  if (r.type == "field_report") {
    auto team = worker_team(db, text_field(r, "reporter"));
    if (!team) return team.error();
    return team->empty() ? std::vector<std::string>{} : std::vector<std::string>{*team};
  }
  if (r.type == "attachment" || r.type == "form_submission") {
    // Owned by a field report without a case.
    const std::string owner_type = text_field(r, "owner_type");
    const std::string owner_id = text_field(r, "owner_id");
    if (owner_type == "field_report") {
      auto t = record_teams(db, owner_type, owner_id);
      if (!t) return t.error();
      return *t ? **t : std::vector<std::string>{};
    }
  }
  return std::vector<std::string>{};
}

Result<std::optional<std::vector<std::string>>> record_teams(SqlBackend& db, const std::string& type,
                                                             const std::string& id) {
  auto found = load_record(db, type, id);
  if (!found) return found.error();
  if (!*found) return std::optional<std::vector<std::string>>();
  auto t = state_teams(db, (*found)->state.record);
  if (!t) return t.error();
  return std::optional<std::vector<std::string>>(std::move(*t));
}

bool covers_any(const OfficeCaller& caller, const std::vector<std::string>& teams, bool allow_teamless) {
  if (caller.role == Role::admin) return true;
  if (!has_teams(caller.role)) return false;
  if (teams.empty()) return allow_teamless;
  return std::any_of(teams.begin(), teams.end(), [&](const std::string& t) { return caller.covers_team(t); });
}

}  // namespace doorstep::server
