// Office accounts: roles and teams, the lifecycle (disable, enable, reset password,
// change role), office sessions (sign-out, idle and absolute ends, sign-out
// everywhere), the password rules, and the audit of each step.
#include <catch2/catch.hpp>
#include <sodium.h>

#include "server_fixture.h"

using namespace doorstep::server::test;
using nlohmann::json;

namespace {

constexpr std::int64_t kMinute = 60'000;

int status_of(TestServer& s, const std::string& token, const std::string& path = "/v1/office/devices") {
  return s.call("GET", path, "", token).status;
}

json audit_of(TestServer& s, const std::string& record_id) {
  return s.office("GET", "/v1/office/audit?record_id=" + record_id)["events"];
}

bool has_action(const json& events, const std::string& action) {
  for (const auto& e : events)
    if (e["action"] == action) return true;
  return false;
}

}  // namespace

TEST_CASE("office roles: one role an account, teams only for managers and monitors") {
  TestServer s;
  auto m = s.office("POST", "/v1/office/accounts",
                    {{"username", "morgan"}, {"password", kOfficePassword}, {"role", "manager"},
                     {"teams", {"children-south"}}, {"email", "morgan@council.example"}});
  CHECK(m["teams"] == json({"children-south"}));
  CHECK(m["email"] == "morgan@council.example");
  for (const char* role : {"admin", "manager", "monitor", "auditor", "worker"})
    s.office("POST", "/v1/office/accounts",
             {{"username", std::string("x-") + role}, {"password", kOfficePassword}, {"role", role}});
  // Teams belong to managers and monitors; a worker has one team.
  s.office("POST", "/v1/office/accounts",
           {{"username", "w"}, {"password", kOfficePassword}, {"role", "worker"}, {"teams", {"a"}}}, 400);
  s.office("POST", "/v1/office/accounts",
           {{"username", "a"}, {"password", kOfficePassword}, {"role", "auditor"}, {"teams", {"a"}}}, 400);
  s.office("POST", "/v1/office/accounts",
           {{"username", "b"}, {"password", kOfficePassword}, {"role", "admin"}, {"team", "a"}}, 400);
  s.office("POST", "/v1/office/accounts",
           {{"username", "c"}, {"password", kOfficePassword}, {"role", "manager"}, {"teams", "a"}}, 400);
  s.office("POST", "/v1/office/accounts",
           {{"username", "d"}, {"password", kOfficePassword}, {"role", "manager"}, {"email", "not an address"}}, 400);

  auto list = s.office("GET", "/v1/office/accounts")["accounts"];
  std::map<std::string, json> by_name;
  for (const auto& a : list) by_name[a["username"]] = a;
  REQUIRE(by_name.count("morgan"));
  CHECK(by_name["morgan"]["role"] == "manager");
  CHECK(by_name["morgan"]["enabled"] == true);
  CHECK(by_name["morgan"]["devices"] == json::array());
  CHECK(by_name["office"]["role"] == "admin");  // the first start's account
  CHECK(by_name["office"]["last_sign_in"].is_string());
  CHECK(by_name["morgan"]["last_sign_in"].is_null());
}

TEST_CASE("passwords: at least 10 characters, not a common one, not the user name") {
  TestServer s;
  auto refused = [&](const std::string& user, const std::string& password) {
    auto r = s.call_json("POST", "/v1/office/accounts", {{"username", user}, {"password", password}},
                         s.office_token());
    CHECK(r.status == 400);
    return r.json.value("message", std::string());
  };
  CHECK(refused("lee", "nine-char").find("10 characters") != std::string::npos);
  CHECK(refused("lee", "basketball").find("common") != std::string::npos);  // in the shipped list
  CHECK(refused("lee", "QwertyUiop").find("common") != std::string::npos);  // case does not matter
  CHECK(refused("longusername", "LongUserName").find("user name") != std::string::npos);
  s.office("POST", "/v1/office/accounts", {{"username", "lee"}, {"password", "kettle-on-the-hob"}});
}

TEST_CASE("disabling a leaver: sessions end at once, sign-in, enrolment and refresh refused, devices retired") {
  TestServer s;
  s.add_worker("sam");
  TestDevice tablet(s, "sam");
  const std::string manager = s.add_office("morgan", "manager", {"children-south"});
  REQUIRE(status_of(s, manager) == 200);

  auto off = s.office("POST", "/v1/office/accounts/morgan/disable");
  CHECK(off["sessions_ended"] == 1);
  CHECK(status_of(s, manager) == 401);  // the very next request
  auto login = s.call_json("POST", "/v1/office/login", {{"username", "morgan"}, {"password", kOfficePassword}});
  CHECK(login.status == 403);
  CHECK(login.error_code() == "account_disabled");
  // A wrong password says nothing about the account being disabled.
  CHECK(s.call_json("POST", "/v1/office/login", {{"username", "morgan"}, {"password", "wrong-password"}}).status ==
        401);

  auto worker_off = s.office("POST", "/v1/office/accounts/sam/disable");
  CHECK(worker_off["devices_retired"] == 1);
  auto enrol = s.call_json("POST", "/v1/enrol",
                           {{"username", "sam"}, {"password", kWorkerPassword}, {"device_id", "new-tablet"}});
  CHECK(enrol.status == 403);
  CHECK(enrol.error_code() == "account_disabled");
  // The retired tablet may still hand over what it holds, and is told to erase itself.
  auto pushed = tablet.push(json::array({tablet.op("person", "p-none", "update", {{"name", "x"}}, 1)}));
  CHECK(pushed.status == 200);
  CHECK(pushed.json["retire"] == true);
  auto changes = s.call("GET", "/v1/sync/changes", "", tablet.access_token);
  CHECK(changes.status == 410);
  CHECK(changes.error_code() == "retired");
  CHECK(changes.json["wipe"] == true);
  auto refreshed = s.call_json("POST", "/v1/token", {{"device_id", tablet.device_id}, {"refresh_token", tablet.refresh_token}});
  CHECK(refreshed.status == 200);  // to push, not to read
  CHECK(refreshed.json["retire"] == true);

  // Enabling lets the person sign in again; the device stays retired.
  s.office("POST", "/v1/office/accounts/morgan/enable");
  CHECK(s.call_json("POST", "/v1/office/login", {{"username", "morgan"}, {"password", kOfficePassword}}).status == 200);
  s.office("POST", "/v1/office/accounts/sam/enable");
  CHECK(s.call("GET", "/v1/sync/changes", "", tablet.access_token).status == 410);

  const auto events = audit_of(s, "morgan");
  CHECK(has_action(events, "disabled"));
  CHECK(has_action(events, "enabled"));
  s.office("POST", "/v1/office/accounts/office/disable", nullptr, 400);  // not one's own
  s.office("POST", "/v1/office/accounts/nobody/disable", nullptr, 404);
}

TEST_CASE("a reset password must be changed before anything else, at the office and at enrolment") {
  TestServer s;
  s.add_office("morgan", "manager", {"children-south"});
  s.add_worker("sam");
  auto reset = s.office("POST", "/v1/office/accounts/morgan/reset-password");
  const std::string once = reset["password"];
  CHECK(once.size() >= 10);
  auto login = s.call_json("POST", "/v1/office/login", {{"username", "morgan"}, {"password", once}});
  REQUIRE(login.status == 200);
  CHECK(login.json["password_change_required"] == true);
  const std::string t = login.json["access_token"];
  auto blocked = s.call("GET", "/v1/office/devices", "", t);
  CHECK(blocked.status == 403);
  CHECK(blocked.error_code() == "password_change_required");
  CHECK(s.call_json("POST", "/v1/office/password", {{"current_password", once}, {"new_password", "short"}}, t).status ==
        400);
  CHECK(s.call_json("POST", "/v1/office/password", {{"current_password", "wrong-one-here"}, {"new_password", "a-new-kettle"}}, t)
            .status == 400);
  CHECK(s.call_json("POST", "/v1/office/password", {{"current_password", once}, {"new_password", "a-new-kettle"}}, t)
            .status == 200);
  CHECK(status_of(s, t) == 200);
  CHECK(s.call_json("POST", "/v1/office/login", {{"username", "morgan"}, {"password", once}}).status == 401);

  // A worker: enrolment asks for a new password, then takes it.
  const std::string worker_once = s.office("POST", "/v1/office/accounts/sam/reset-password")["password"];
  json enrol = {{"username", "sam"}, {"password", worker_once}, {"device_id", "tablet-1"}};
  auto first = s.call_json("POST", "/v1/enrol", enrol);
  CHECK(first.status == 403);
  CHECK(first.error_code() == "password_change_required");
  enrol["new_password"] = "password1";
  CHECK(s.call_json("POST", "/v1/enrol", enrol).status == 400);  // the rules apply
  enrol["new_password"] = "tea-and-biscuits";
  CHECK(s.call_json("POST", "/v1/enrol", enrol).status == 200);
  CHECK(s.call_json("POST", "/v1/enrol",
                    {{"username", "sam"}, {"password", "tea-and-biscuits"}, {"device_id", "tablet-2"}})
            .status == 200);
  CHECK(has_action(audit_of(s, "morgan"), "reset_password"));
}

TEST_CASE("office sessions end on sign-out, after 30 idle minutes, after 12 hours, and everywhere at once") {
  TestClock clock;
  ServerOptions o;
  o.clock = &clock;
  TestServer s(o);
  s.add_office("morgan", "manager", {"children-south"});
  s.add_office("fatima", "manager", {"wardens-central"});

  const std::string a = s.sign_in("morgan");
  CHECK(s.call("POST", "/v1/office/logout", "{}", a).status == 200);
  CHECK(status_of(s, a) == 401);

  const std::string idle = s.sign_in("morgan");
  clock.advance(29 * kMinute);
  CHECK(status_of(s, idle) == 200);  // used: the idle time starts again
  clock.advance(29 * kMinute);
  CHECK(status_of(s, idle) == 200);
  clock.advance(31 * kMinute);
  CHECK(status_of(s, idle) == 401);

  const std::string busy = s.sign_in("morgan");
  for (int i = 0; i < 24; ++i) {  // in use every 29 minutes for over 11 hours
    clock.advance(29 * kMinute);
    REQUIRE(status_of(s, busy) == 200);
  }
  clock.advance(29 * kMinute);  // 12 h 5 min since sign-in
  CHECK(status_of(s, busy) == 401);

  const std::string one = s.sign_in("morgan"), two = s.sign_in("morgan");
  const std::string other = s.sign_in("fatima");
  CHECK(s.call("POST", "/v1/office/accounts/morgan/sign-out-everywhere", "{}", other).status == 403);
  auto ended = s.call("POST", "/v1/office/accounts/morgan/sign-out-everywhere", "{}", one);  // oneself
  CHECK(ended.status == 200);
  CHECK(ended.json["sessions_ended"] == 2);
  CHECK(status_of(s, one) == 401);
  CHECK(status_of(s, two) == 401);
  CHECK(status_of(s, other) == 200);
  const std::string three = s.sign_in("morgan");
  const std::string admin = s.sign_in("office");
  CHECK(s.call("POST", "/v1/office/accounts/morgan/sign-out-everywhere", "{}", admin).status == 200);
  CHECK(status_of(s, three) == 401);
}

TEST_CASE("a change of role or teams applies to the next request and is audited") {
  TestServer s;
  s.add_worker("sam");
  s.add_person("p1", "Dana Whitfield");
  s.add_case("p1", "c1", "sam");  // team children-south
  const std::string t = s.add_office("morgan", "manager", {"wardens-central"});
  CHECK(status_of(s, t, "/v1/office/cases/c1") == 403);
  s.office("PUT", "/v1/office/accounts/morgan", {{"teams", {"children-south"}}});
  CHECK(status_of(s, t, "/v1/office/cases/c1") == 200);
  s.office("PUT", "/v1/office/accounts/morgan", {{"role", "auditor"}});
  CHECK(status_of(s, t, "/v1/office/cases/c1") == 403);
  CHECK(status_of(s, t, "/v1/office/audit") == 200);
  auto list = s.office("GET", "/v1/office/accounts")["accounts"];
  for (const auto& a : list)
    if (a["username"] == "morgan") CHECK(a["teams"] == json::array());  // an auditor has none
  s.office("PUT", "/v1/office/accounts/morgan", {{"role", "chief"}}, 400);
  s.office("PUT", "/v1/office/accounts/nobody", {{"role", "admin"}}, 404);
  // A worker with a device in use stays a worker until it is retired.
  TestDevice d(s, "sam");
  s.office("PUT", "/v1/office/accounts/sam", {{"role", "manager"}}, 400);
  CHECK(has_action(audit_of(s, "morgan"), "changed"));
}

TEST_CASE("a password hashed at another Argon2id cost is hashed again at the hub's cost at the next right sign-in") {
  TestServer s;
  s.office("POST", "/v1/office/accounts", {{"username", "morgan"}, {"password", kOfficePassword}, {"role", "admin"}});
  // As a hub with another cost would have left it: 2 passes where this hub uses 1.
  char old_hash[crypto_pwhash_STRBYTES];
  const std::string pw = kOfficePassword;
  REQUIRE(crypto_pwhash_str_alg(old_hash, pw.data(), pw.size(), 2, 8192, crypto_pwhash_ALG_ARGON2ID13) == 0);
  auto hash_now = [&] {
    auto db = s.hub().pool().lease();
    REQUIRE(db.ok());
    auto rows = (*db)->query("SELECT password_hash FROM account WHERE username = 'morgan'");
    REQUIRE(rows.ok());
    return rows->front().text(0);
  };
  {
    auto db = s.hub().pool().lease();
    REQUIRE(db.ok());
    REQUIRE((*db)->exec("UPDATE account SET password_hash = ? WHERE username = 'morgan'", {std::string(old_hash)}).ok());
  }
  const auto opslimit = s.hub().options().password_opslimit;
  const auto memlimit = s.hub().options().password_memlimit;
  REQUIRE(crypto_pwhash_str_needs_rehash(old_hash, opslimit, memlimit) != 0);

  auto login = [&](const std::string& password) {
    return s.call("POST", "/v1/office/login", json{{"username", "morgan"}, {"password", password}}.dump()).status;
  };
  // A wrong password changes nothing.
  CHECK(login("not the password at all") == 401);
  CHECK(hash_now() == old_hash);
  // The right one signs in, and leaves a hash at the hub's cost that still verifies.
  CHECK(login(kOfficePassword) == 200);
  const std::string fresh = hash_now();
  CHECK(fresh != old_hash);
  CHECK(crypto_pwhash_str_needs_rehash(fresh.c_str(), opslimit, memlimit) == 0);
  CHECK(crypto_pwhash_str_verify(fresh.c_str(), pw.data(), pw.size()) == 0);
  CHECK(login(kOfficePassword) == 200);
  CHECK(hash_now() == fresh);  // at the hub's cost now: not made again
}
