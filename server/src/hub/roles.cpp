#include "hub/roles.h"

#include <nlohmann/json.hpp>

namespace doorstep::server {

std::optional<Role> parse_role(std::string_view t) {
  if (t == "admin") return Role::admin;
  if (t == "manager") return Role::manager;
  if (t == "monitor") return Role::monitor;
  if (t == "auditor") return Role::auditor;
  if (t == "worker") return Role::worker;
  return std::nullopt;
}

const char* role_name(Role r) {
  switch (r) {
    case Role::admin: return "admin";
    case Role::manager: return "manager";
    case Role::monitor: return "monitor";
    case Role::auditor: return "auditor";
    case Role::worker: return "worker";
  }
  return "worker";
}

std::vector<std::string> teams_from_json(const std::string& text) {
  std::vector<std::string> out;
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& t : j)
    if (t.is_string()) out.push_back(t.get<std::string>());
  return out;
}

std::string teams_to_json(const std::vector<std::string>& teams) { return nlohmann::json(teams).dump(); }

}  // namespace doorstep::server
