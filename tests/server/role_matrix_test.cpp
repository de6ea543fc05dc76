// The role matrix of docs/api.md ("Roles"), endpoint by endpoint: every office
// endpoint asked as every role — admin, a manager of the record's team, a manager of
// another team, a monitor, an auditor, and a worker's device — and the answer checked.
// "in" means the role check let the request through (any answer but 401 and 403).
#include <catch2/catch.hpp>

#include "server_fixture.h"

using namespace doorstep::server::test;
using nlohmann::json;

namespace {

enum Who { kAdmin, kManager, kOtherManager, kMonitor, kAuditor, kWorker, kWho };
const char* kWhoNames[kWho] = {"admin", "manager", "other team's manager", "monitor", "auditor", "worker device"};

struct Row {
  std::string method, path;
  json body;
  std::array<const char*, kWho> expect;  // "200", "403", "in", ...
};

bool matches(const char* expect, int status) {
  if (std::string(expect) == "in") return status != 401 && status != 403 && status != 0;
  return std::to_string(status) == expect;
}

}  // namespace

TEST_CASE("every office endpoint answers every role as the matrix in docs/api.md says") {
  TestServer s;
  s.add_worker("sam");  // children-south
  s.add_worker("target", "children-south");
  s.add_person("p1", "Dana Whitfield");
  s.add_case("p1", "c1", "sam");
  s.add_visit("v1", "c1", "2026-12-01T10:00:00Z");
  s.office("POST", "/v1/office/tasks", {{"id", "t1"}, {"fields", {{"case_id", "c1"}, {"title", "Shopping"}}}});
  TestDevice worker(s, "sam");
  TestDevice to_retire(s, "sam"), to_lose(s, "sam");
  std::array<std::string, kWho> token;
  token[kAdmin] = s.office_token();
  token[kManager] = s.add_office("morgan", "manager", {"children-south"});
  token[kOtherManager] = s.add_office("fatima", "manager", {"wardens-central"});
  token[kMonitor] = s.add_office("dev", "monitor", {"children-south"});
  token[kAuditor] = s.add_office("alex", "auditor");
  token[kWorker] = worker.access_token;

  const json new_case = {{"fields", {{"person_id", "p1"}, {"kind", "children"}, {"team", "children-south"}}}};
  const json new_visit = {{"fields", {{"case_id", "c1"}, {"planned_start", "2026-12-02T10:00:00Z"}}}};
  const json new_account = {{"username", "x"}, {"password", "short"}};  // refused by the rules, past the role check
  const std::string retire = "/v1/office/devices/" + to_retire.device_id;
  const std::string lose = "/v1/office/devices/" + to_lose.device_id;
  const std::string blob = "/v1/blobs/" + std::string(64, 'a');
  //                                                            admin  manager other  monitor auditor worker
  const std::vector<Row> rows = {
      {"GET", "/v1/office/accounts", nullptr, {"200", "403", "403", "403", "403", "403"}},
      {"GET", "/v1/office/accounts/target", nullptr, {"200", "403", "403", "403", "403", "403"}},
      {"GET", "/v1/office/session", nullptr, {"200", "200", "200", "200", "200", "403"}},
      {"GET", "/v1/office/sign-in-methods", nullptr, {"200", "200", "200", "200", "200", "200"}},
      {"POST", "/v1/office/accounts", new_account, {"400", "403", "403", "403", "403", "403"}},
      {"PUT", "/v1/office/accounts/target", {{"email", "t@council.example"}}, {"200", "403", "403", "403", "403", "403"}},
      {"POST", "/v1/office/accounts/target/reset-password", json::object(), {"200", "403", "403", "403", "403", "403"}},
      {"POST", "/v1/office/accounts/target/disable", json::object(), {"200", "403", "403", "403", "403", "403"}},
      {"POST", "/v1/office/accounts/target/enable", json::object(), {"200", "403", "403", "403", "403", "403"}},
      {"POST", "/v1/office/accounts/target/sign-out-everywhere", json::object(), {"200", "403", "403", "403", "403", "403"}},
      {"GET", "/v1/office/people/p1", nullptr, {"200", "200", "403", "403", "403", "403"}},
      {"PUT", "/v1/office/people/p1", {{"fields", {{"phone", "01632 960000"}}}}, {"200", "200", "403", "403", "403", "403"}},
      {"POST", "/v1/office/people", {{"fields", {{"name", "New Person"}}}}, {"200", "200", "200", "403", "403", "403"}},
      {"GET", "/v1/office/cases/c1", nullptr, {"200", "200", "403", "403", "403", "403"}},
      {"POST", "/v1/office/cases", new_case, {"200", "200", "403", "403", "403", "403"}},
      {"PUT", "/v1/office/cases/c1", {{"fields", {{"title", "Child in need"}}}}, {"200", "200", "403", "403", "403", "403"}},
      {"POST", "/v1/office/cases/c1/allocate", {{"worker", "sam"}}, {"200", "200", "403", "403", "403", "403"}},
      {"GET", "/v1/office/visits/v1", nullptr, {"200", "200", "403", "403", "403", "403"}},
      {"POST", "/v1/office/visits", new_visit, {"200", "200", "403", "403", "403", "403"}},
      {"PUT", "/v1/office/visits/v1", {{"fields", {{"purpose", "review"}}}}, {"200", "200", "403", "403", "403", "403"}},
      {"GET", "/v1/office/tasks/t1", nullptr, {"200", "200", "403", "403", "403", "403"}},
      {"PUT", "/v1/office/tasks/t1", {{"fields", {{"title", "Shopping list"}}}}, {"200", "200", "403", "403", "403", "403"}},
      {"GET", "/v1/office/field-reports/none", nullptr, {"404", "404", "404", "403", "403", "403"}},
      {"POST", "/v1/office/forms", json::object(), {"400", "403", "403", "403", "403", "403"}},
      {"GET", "/v1/office/forms", nullptr, {"200", "200", "200", "403", "403", "403"}},
      {"GET", "/v1/office/forms/none-v1", nullptr, {"404", "404", "404", "403", "403", "403"}},
      {"GET", "/v1/office/form-submissions?case_id=c1", nullptr, {"200", "200", "403", "403", "403", "403"}},
      {"GET", "/v1/office/form-submissions/none", nullptr, {"404", "404", "404", "403", "403", "403"}},
      {"GET", "/v1/office/conflicts", nullptr, {"200", "200", "200", "403", "403", "403"}},
      {"POST", "/v1/office/conflicts/none/resolve", {{"resolution", "kept"}}, {"404", "404", "404", "403", "403", "403"}},
      {"GET", "/v1/office/devices", nullptr, {"200", "200", "200", "403", "403", "403"}},
      {"POST", retire + "/retire", json::object(), {"200", "200", "403", "403", "403", "403"}},
      {"POST", lose + "/lost", json::object(), {"200", "200", "403", "403", "403", "403"}},
      {"GET", "/v1/office/audit", nullptr, {"200", "403", "403", "403", "200", "403"}},
      {"GET", "/v1/office/audit.csv", nullptr, {"200", "403", "403", "403", "200", "403"}},
      {"GET", "/v1/office/people/p1/access", nullptr, {"200", "403", "403", "403", "200", "403"}},
      {"GET", "/v1/office/export", nullptr, {"200", "403", "403", "403", "403", "403"}},
      {"GET", blob, nullptr, {"404", "404", "404", "403", "403", "404"}},
      {"GET", blob + "/status", nullptr, {"in", "in", "in", "403", "403", "in"}},
      {"POST", "/v1/office/password", {{"current_password", "not-it-at-all"}, {"new_password", "a-new-kettle"}},
       {"400", "400", "400", "400", "400", "403"}},
      {"POST", "/v1/office/logout", json::object(), {"200", "200", "200", "200", "200", "403"}},  // last: ends them
  };
  int checked = 0;
  for (const auto& row : rows) {
    for (int who = kWorker; who >= 0; --who) {  // the admin last, so its changes do not get in the way
      auto r = s.call(row.method, row.path, row.body.is_null() ? "" : row.body.dump(), token[who]);
      INFO(row.method << " " << row.path << " as " << kWhoNames[who] << " -> " << r.status << " " << r.body);
      CHECK(matches(row.expect[who], r.status));
      ++checked;
    }
  }
  CHECK(checked == static_cast<int>(rows.size()) * kWho);
}

TEST_CASE("a manager cannot hand a case to a worker, or move it to a team, outside their teams") {
  TestServer s;
  s.add_worker("sam", "children-south");
  s.add_worker("priya", "children-south");
  s.add_worker("ana", "wardens-central");
  s.add_person("p1", "Dana Whitfield");
  s.add_case("p1", "c1", "sam");
  const std::string m = s.add_office("morgan", "manager", {"children-south"});
  auto to_ana = s.call_json("POST", "/v1/office/cases/c1/allocate", {{"worker", "ana"}}, m);
  CHECK(to_ana.status == 403);
  auto moved = s.call_json("POST", "/v1/office/cases/c1/allocate", {{"worker", "sam"}, {"team", "wardens-central"}}, m);
  CHECK(moved.status == 403);
  CHECK(s.call_json("PUT", "/v1/office/cases/c1", {{"fields", {{"team", "wardens-central"}}}}, m).status == 403);
  CHECK(s.call_json("POST", "/v1/office/cases",
                    {{"fields", {{"person_id", "p1"}, {"kind", "children"}, {"team", "wardens-central"}}}}, m)
            .status == 403);
  CHECK(s.call_json("POST", "/v1/office/cases", {{"fields", {{"person_id", "p1"}, {"kind", "children"}}}}, m).status ==
        400);  // a manager's new case names one of their teams
  CHECK(s.office("GET", "/v1/office/cases/c1")["record"]["fields"]["worker"] == "sam");  // nothing moved
  auto to_priya = s.call_json("POST", "/v1/office/cases/c1/allocate", {{"worker", "priya"}}, m);
  CHECK(to_priya.status == 200);
  CHECK(to_priya.json["record"]["fields"]["worker"] == "priya");
}
