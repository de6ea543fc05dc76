// The office API for signing in and for accounts (docs/api.md, "Office accounts"):
//   POST /v1/office/login                              {"username", "password", "cookie"?}
//   POST /v1/office/logout
//   GET  /v1/office/session                            who is signed in, the CSRF token
//   POST /v1/office/password                           {"current_password", "new_password"}
//   GET  /v1/office/accounts[?after=NAME&limit=N]      (admin) a page, by user name
//   GET  /v1/office/accounts/{name}                    (admin) one account, with its devices
//   POST /v1/office/accounts                           (admin) {"username", "password", "role", "team"?, "teams"?, "email"?}
//   PUT  /v1/office/accounts/{name}                    (admin) {"role"?, "team"?, "teams"?, "email"?}
//   POST /v1/office/accounts/{name}/disable|enable     (admin)
//   POST /v1/office/accounts/{name}/reset-password     (admin) -> {"password": one-time}
//   POST /v1/office/accounts/{name}/sign-out-everywhere  (admin, or the account itself)
#include "doorstep/core/hlc.h"
#include "http/auth.h"
#include "http/browser_session.h"
#include "http/json_io.h"
#include "http/routes.h"
#include "http/sign_in_guard.h"
#include "hub/accounts.h"
#include "hub/devices.h"
#include "hub/office_audit.h"
#include "hub/office_sessions.h"

namespace doorstep::server::http {

using nlohmann::json;

namespace {

constexpr int kAccountsPage = 100;  // the most accounts one answer lists
constexpr std::initializer_list<Role> kOfficeRoles = {Role::admin, Role::manager, Role::monitor, Role::auditor};

// "teams": a list of team names; absent -> nullopt.
Result<std::optional<std::vector<std::string>>> optional_teams(const json& j) {
  if (!j.contains("teams") || j["teams"].is_null()) return std::optional<std::vector<std::string>>();
  if (!j["teams"].is_array())
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "\"teams\" must be a list of team names");
  std::vector<std::string> out;
  for (const auto& t : j["teams"]) {
    if (!t.is_string() || t.get<std::string>().size() > 64)
      return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "\"teams\" must be a list of team names");
    out.push_back(t.get<std::string>());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

json device_summary(const DeviceInfo& d) {
  return {{"device_id", d.device_id},
          {"name", d.name},
          {"last_seen", d.last_seen},
          {"wipe", d.wipe.empty() ? json(nullptr) : json(d.wiped_at.empty() ? "pending" : "wiped")}};
}

json account_json(const Account& a, const std::vector<DeviceInfo>* devices = nullptr) {
  json j = {{"username", a.username},
            {"role", a.role},
            {"teams", a.teams},
            {"enabled", a.enabled},
            {"password_change_required", a.must_change_password},
            {"created_at", a.created_at},
            {"last_sign_in", a.last_sign_in.empty() ? json(nullptr) : json(a.last_sign_in)}};
  if (a.role == "worker") j["team"] = a.team;
  if (!a.email.empty()) j["email"] = a.email;
  if (devices) {
    json list = json::array();
    for (const auto& d : *devices)
      if (d.worker == a.username) list.push_back(device_summary(d));
    j["devices"] = list;
  }
  return j;
}

// A browser's sign-in ("cookie": true) sets the session cookie; it is refused unless
// the page that sent it is the hub's own: JSON (which a form of another site cannot
// send without the hub's leave) and, where the browser says, from this origin.
bool cookie_sign_in_allowed(const httplib::Request& req, httplib::Response& res) {
  const std::string type = req.get_header_value("Content-Type");
  const std::string site = req.get_header_value("Sec-Fetch-Site");
  if (type.rfind("application/json", 0) != 0 || (!site.empty() && site != "same-origin")) {
    send_error(res, 403, "forbidden", "a sign-in with a session cookie comes from the hub's own console pages");
    return false;
  }
  return true;
}

// The account named in the path, audited as `action` by an admin.
template <typename Act>
void account_action(Hub& hub, const httplib::Request& req, httplib::Response& res, const char* action, Act act) {
  auto who = require_office(hub, req, res, {Role::admin});
  if (!who) return;
  const std::string name = req.matches[1];
  auto out = act(*who, name);
  if (!out) return send_error(res, out.error());
  if (auto a = audit_office(hub, *who, action, "account", name); !a.ok()) return send_error(res, a.error());
  send_json(res, 200, *out);
}

}  // namespace

json sign_in_json(const OfficeSignIn& s, Hub& hub) {
  return {{"access_token", s.token},
          {"access_expires_in", s.expires_in},
          {"idle_timeout", s.idle_timeout},
          {"password_change_required", s.password_change_required},
          {"csrf_token", s.csrf},
          {"server_hlc", hub.hlc().tick()}};
}

void add_office_account_routes(Router& r, Hub& hub) {
  r.post("/v1/office/login", "/v1/office/login", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto j = read_object(req, res);
    if (!j) return;
    auto user = required_text(*j, "username", 64);
    if (!user) return send_error(res, user.error());
    auto pass = required_text(*j, "password", 1024);
    if (!pass) return send_error(res, pass.error());
    const bool cookie = j->contains("cookie") && (*j)["cookie"] == true;
    if (cookie && !cookie_sign_in_allowed(req, res)) return;
    auto guard = SignInGuard::enter(hub, req, res, *user);
    if (!guard) return;
    auto out = OfficeSessions(hub).sign_in(*user, *pass, req.remote_addr);
    if (!out) return guard->refuse(res, out.error());
    guard->succeeded();
    json body = sign_in_json(*out, hub);
    if (cookie) {
      // The page never holds the token: the cookie carries it, out of the script's reach.
      set_session_cookie(req, res, out->token, out->expires_in);
      body.erase("access_token");
    }
    send_json(res, 200, body);
  });

  r.get("/v1/office/session", "/v1/office/session", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto who = require_office(hub, req, res, kOfficeRoles, true);
    if (!who) return;
    send_json(res, 200,
              {{"username", who->user},
               {"role", role_name(who->role)},
               {"teams", who->teams},
               {"password_change_required", who->must_change_password},
               {"idle_timeout", hub.options().session_idle_s},
               {"csrf_token", who->csrf}});
  });

  r.post("/v1/office/logout", "/v1/office/logout", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto who = require_office(hub, req, res, kOfficeRoles, true);
    if (!who) return;
    if (auto st = OfficeSessions(hub).end(who->session_id); !st.ok()) return send_error(res, st.error());
    if (auto a = audit_office(hub, *who, "signed_out", "account", who->user); !a.ok()) return send_error(res, a.error());
    set_session_cookie(req, res, "", 0);  // a browser forgets the ended session too
    send_json(res, 200, {{"signed_out", true}});
  });

  r.post("/v1/office/password", "/v1/office/password", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto who = require_office(hub, req, res, kOfficeRoles, true);
    if (!who) return;
    auto j = read_object(req, res);
    if (!j) return;
    auto current = required_text(*j, "current_password", 1024);
    if (!current) return send_error(res, current.error());
    auto next = required_text(*j, "new_password", 1024);
    if (!next) return send_error(res, next.error());
    Accounts accounts(hub);
    auto checked = accounts.verify(who->user, *current);
    if (!checked) return send_error(res, 400, "invalid_argument", "the current password is not correct");
    if (*current == *next) return send_error(res, 400, "invalid_argument", "the new password must differ from the current one");
    if (auto st = accounts.set_password(who->user, *next); !st.ok()) return send_error(res, st.error());
    if (auto a = audit_office(hub, *who, "changed_password", "account", who->user); !a.ok())
      return send_error(res, a.error());
    send_json(res, 200, {{"changed", true}});
  });

  r.get("/v1/office/accounts", "/v1/office/accounts", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto who = require_office(hub, req, res, {Role::admin});
    if (!who) return;
    int limit = kAccountsPage;
    if (req.has_param("limit")) {
      const std::string l = req.get_param_value("limit");
      if (l.empty() || l.size() > 3 || l.find_first_not_of("0123456789") != std::string::npos || std::stoi(l) < 1 ||
          std::stoi(l) > kAccountsPage)
        return send_error(res, 400, "invalid_argument", "limit is a number from 1 to 100");
      limit = std::stoi(l);
    }
    const std::string after = req.get_param_value("after");
    auto accounts = Accounts(hub).list(after, limit + 1);
    if (!accounts) return send_error(res, accounts.error());
    const bool more = static_cast<int>(accounts->size()) > limit;
    if (more) accounts->pop_back();
    auto devices = Devices(hub).list();
    if (!devices) return send_error(res, devices.error());
    if (auto a = audit_view(hub, *who, "list", "accounts"); !a.ok()) return send_error(res, a.error());
    json list = json::array();
    for (const auto& a : *accounts) list.push_back(account_json(a, &*devices));
    send_json(res, 200, {{"accounts", list}, {"next", more ? json(accounts->back().username) : json(nullptr)}});
  });

  r.post("/v1/office/accounts", "/v1/office/accounts", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto who = require_office(hub, req, res, {Role::admin});
    if (!who) return;
    auto j = read_object(req, res);
    if (!j) return;
    NewAccount a;
    auto user = required_text(*j, "username", 64);
    if (!user) return send_error(res, user.error());
    auto pass = required_text(*j, "password", 1024);
    if (!pass) return send_error(res, pass.error());
    auto team = optional_text(*j, "team", 64);
    if (!team) return send_error(res, team.error());
    auto role = optional_text(*j, "role", 16);
    if (!role) return send_error(res, role.error());
    auto email = optional_text(*j, "email", 254);
    if (!email) return send_error(res, email.error());
    auto teams = optional_teams(*j);
    if (!teams) return send_error(res, teams.error());
    a.username = *user;
    a.password = *pass;
    a.team = *team;
    a.role = role->empty() ? "worker" : *role;
    a.email = *email;
    if (*teams) a.teams = **teams;
    auto out = Accounts(hub).create(a);
    if (!out) return send_error(res, out.error());
    if (auto au = audit_office(hub, *who, "created", "account", out->username, out->role); !au.ok())
      return send_error(res, au.error());
    send_json(res, 200, account_json(*out));
  });

  const std::string account = std::string("/v1/office/accounts/") + kIdPattern;
  r.get(account, "/v1/office/accounts/{name}", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto who = require_office(hub, req, res, {Role::admin});
    if (!who) return;
    const std::string name = req.matches[1];
    auto found = Accounts(hub).find(name);
    if (!found) return send_error(res, found.error());
    if (!*found) return send_error(res, 404, "not_found", "no such account");
    auto devices = Devices(hub).list();
    if (!devices) return send_error(res, devices.error());
    if (auto a = audit_view(hub, *who, "account", name); !a.ok()) return send_error(res, a.error());
    send_json(res, 200, account_json(**found, &*devices));
  });
  r.put(account, "/v1/office/accounts/{name}", [&hub](const httplib::Request& req, httplib::Response& res) {
    account_action(hub, req, res, "changed", [&](const OfficeCaller&, const std::string& name) -> Result<json> {
      auto j = parse_body(req);
      if (!j) return j.error();
      if (!j->is_object())
        return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "the body must be a JSON object");
      AccountChange c;
      for (const char* key : {"role", "team", "email"}) {
        if (!j->contains(key)) continue;
        auto v = optional_text(*j, key, 254);
        if (!v) return v.error();
        if (std::string(key) == "role") c.role = *v;
        if (std::string(key) == "team") c.team = *v;
        if (std::string(key) == "email") c.email = *v;
      }
      auto teams = optional_teams(*j);
      if (!teams) return teams.error();
      c.teams = *teams;
      auto out = Accounts(hub).change(name, c);
      if (!out) return out.error();
      return account_json(*out);
    });
  });

  r.post(account + "/disable", "/v1/office/accounts/{name}/disable",
         [&hub](const httplib::Request& req, httplib::Response& res) {
           account_action(hub, req, res, "disabled", [&](const OfficeCaller& who, const std::string& name) -> Result<json> {
             if (name == who.user) return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                                                     "you cannot disable your own account");
             auto changed = Accounts(hub).set_enabled(name, false);
             if (!changed) return changed.error();
             auto ended = OfficeSessions(hub).end_all(name);
             if (!ended) return ended.error();
             auto retired = Devices(hub).retire_all(name, who.user, role_name(who.role), who.source);
             if (!retired) return retired.error();
             return json{{"username", name}, {"enabled", false}, {"sessions_ended", *ended},
                         {"devices_retired", *retired}};
           });
         });

  r.post(account + "/enable", "/v1/office/accounts/{name}/enable",
         [&hub](const httplib::Request& req, httplib::Response& res) {
           account_action(hub, req, res, "enabled", [&](const OfficeCaller&, const std::string& name) -> Result<json> {
             auto changed = Accounts(hub).set_enabled(name, true);
             if (!changed) return changed.error();
             return json{{"username", name}, {"enabled", true}};
           });
         });

  r.post(account + "/reset-password", "/v1/office/accounts/{name}/reset-password",
         [&hub](const httplib::Request& req, httplib::Response& res) {
           account_action(hub, req, res, "reset_password",
                          [&](const OfficeCaller&, const std::string& name) -> Result<json> {
                            auto once = Accounts(hub).reset_password(name);
                            if (!once) return once.error();
                            auto ended = OfficeSessions(hub).end_all(name);
                            if (!ended) return ended.error();
                            return json{{"username", name}, {"password", *once}, {"password_change_required", true}};
                          });
         });

  r.post(account + "/sign-out-everywhere", "/v1/office/accounts/{name}/sign-out-everywhere",
         [&hub](const httplib::Request& req, httplib::Response& res) {
           auto who = require_office(hub, req, res, kOfficeRoles, true);
           if (!who) return;
           const std::string name = req.matches[1];
           if (who->role != Role::admin && name != who->user)
             return send_error(res, 403, "forbidden", "only an admin signs out someone else");
           auto found = Accounts(hub).find(name);
           if (!found) return send_error(res, found.error());
           if (!*found) return send_error(res, 404, "not_found", "no such account");
           auto ended = OfficeSessions(hub).end_all(name);
           if (!ended) return send_error(res, ended.error());
           if (auto a = audit_office(hub, *who, "signed_out_everywhere", "account", name); !a.ok())
             return send_error(res, a.error());
           send_json(res, 200, {{"username", name}, {"sessions_ended", *ended}});
         });
}

}  // namespace doorstep::server::http
