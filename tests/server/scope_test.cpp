// Scope: worker A's device can neither read nor write worker B's case through any
// endpoint — push (create, update, delete, attachments, reports, conflicts), the
// changes feed, blob download, the office API.
#include <catch2/catch.hpp>

#include <set>

#include "server_fixture.h"

using namespace doorstep::server::test;
using nlohmann::json;

namespace {

struct TwoWorkers {
  TestServer s;
  std::string photo = "\x89PNG\r\n\x1a\n priya's photo of the lane";
  std::string photo_sha;
  TwoWorkers() {
    s.add_worker("sam");
    s.add_worker("priya");
    s.add_person("p1", "Dana Whitfield");
    s.add_case("p1", "c1", "sam");
    s.add_person("p2", "Riya Patel");
    s.add_case("p2", "c2", "priya");
    s.add_visit("v2", "c2", "2026-12-01T10:00:00Z");
    photo_sha = sha256_of(photo);
  }
  // priya files a report on her case with a photo.
  void priya_report(TestDevice& priya) {
    auto up = s.call("PUT", "/v1/blobs/" + photo_sha, photo, priya.access_token,
                     {{"X-Blob-Size", std::to_string(photo.size())}, {"Content-Type", "application/octet-stream"}});
    REQUIRE(up.status == 200);
    REQUIRE(up.json["complete"] == true);
    auto r = priya.push(json::array(
        {priya.op("field_report", "fr2", "create",
                  {{"case_id", "c2"}, {"category", "fly_tipping"}, {"priority", "normal"}, {"status", "reported"},
                   {"reporter", "priya"}, {"reported_at", "2026-11-25T09:00:00Z"}}),
         priya.op("attachment", "att2", "create",
                  {{"sha256", photo_sha}, {"owner_type", "field_report"}, {"owner_id", "fr2"}, {"case_id", "c2"},
                   {"media_type", "image/png"}, {"size_bytes", static_cast<std::int64_t>(photo.size())},
                   {"added_at", "2026-11-25T09:00:00Z"}})}));
    REQUIRE(r.status == 200);
    INFO(r.body);
    REQUIRE(r.json["results"][0]["outcome"] == "applied");
    REQUIRE(r.json["results"][1]["outcome"] == "applied");
  }
};

json note(const std::string& case_id, const std::string& author) {
  return {{"case_id", case_id}, {"body", "text"},  {"visibility", "normal"},
          {"author", author},   {"state", "final"}, {"written_at", "2026-11-25T09:00:00Z"}};
}

}  // namespace

TEST_CASE("a worker cannot write into another worker's case through push") {
  TwoWorkers t;
  TestDevice sam(t.s, "sam"), priya(t.s, "priya");
  t.priya_report(priya);
  const auto v2_rev = t.s.office("GET", "/v1/office/visits/v2")["record"]["rev"].get<std::int64_t>();
  auto r = sam.push(json::array({
      sam.op("case_note", "n-x", "create", note("c2", "sam")),
      sam.op("visit", "v-x", "create", {{"case_id", "c2"}, {"planned_start", "2026-12-02T10:00:00Z"}, {"status", "planned"}}),
      sam.op("visit", "v2", "update", {{"purpose", "changed by sam"}}, v2_rev),
      sam.op("visit", "v2", "delete", json::object(), v2_rev),
      sam.op("person", "p2", "update", {{"phone", "000"}}, 1),
      sam.op("case", "c2", "update", {{"title", "mine now"}}, 1),
      sam.op("field_report", "fr2", "update", {{"description", "edited by sam"}}, 1),
      sam.op("field_report", "fr-x", "create",
             {{"case_id", "c2"}, {"category", "graffiti"}, {"priority", "low"}, {"status", "reported"},
              {"reporter", "sam"}, {"reported_at", "2026-11-25T09:00:00Z"}}),
      sam.op("field_report", "fr-y", "create",
             {{"category", "graffiti"}, {"priority", "low"}, {"status", "reported"}, {"reporter", "priya"},
              {"reported_at", "2026-11-25T09:00:00Z"}}),
      sam.op("attachment", "att-x", "create",
             {{"sha256", t.photo_sha}, {"owner_type", "field_report"}, {"owner_id", "fr2"}, {"media_type", "image/png"},
              {"size_bytes", 10}, {"added_at", "2026-11-25T09:00:00Z"}}),
      sam.op("person", "p-new", "create", {{"name", "Made Up"}}),
  }));
  REQUIRE(r.status == 200);
  REQUIRE(r.json["results"].size() == 11);
  for (const auto& res : r.json["results"]) {
    INFO(res.dump());
    CHECK(res["outcome"] == "rejected");
  }
  auto v2 = t.s.office("GET", "/v1/office/visits/v2")["record"];
  CHECK(v2["rev"] == v2_rev);
  CHECK(v2["deleted"] == false);
  CHECK(t.s.office("GET", "/v1/office/cases/c2")["record"]["fields"]["title"].is_null());
  CHECK(t.s.call("GET", "/v1/office/visits/v-x", "", t.s.office_token()).status == 404);
}

TEST_CASE("in one push, each operation is judged by its own case: the worker's applied, another's refused") {
  // A push remembers what it read about the worker's cases; every answer must stay
  // with its own case.
  TwoWorkers t;
  TestDevice sam(t.s, "sam");
  json ops = json::array();
  for (int i = 0; i < 6; ++i) {
    const std::string c = i % 2 == 0 ? "c1" : "c2";
    ops.push_back(sam.op("case_note", "n" + std::to_string(i), "create", note(c, "sam")));
  }
  ops.push_back(sam.op("person", "p1", "update", {{"phone", "01632 960001"}}, 1));
  ops.push_back(sam.op("person", "p2", "update", {{"phone", "000"}}, 1));
  auto r = sam.push(ops);
  REQUIRE(r.status == 200);
  REQUIRE(r.json["results"].size() == 8);
  for (int i = 0; i < 6; ++i) {
    INFO(r.json["results"][i].dump());
    CHECK(r.json["results"][i]["outcome"] == (i % 2 == 0 ? "applied" : "rejected"));
  }
  CHECK(r.json["results"][6]["outcome"] != "rejected");
  CHECK(r.json["results"][7]["outcome"] == "rejected");
  CHECK(t.s.office("GET", "/v1/office/people/p1")["record"]["fields"]["phone"] == "01632 960001");
  CHECK(t.s.office("GET", "/v1/office/people/p2")["record"]["fields"]["phone"].is_null());
}

TEST_CASE("a worker's changes feed holds nothing of another worker's case") {
  TwoWorkers t;
  TestDevice sam(t.s, "sam"), priya(t.s, "priya");
  t.priya_report(priya);
  // A conflict on priya's visit, between her two devices.
  TestDevice priya2(t.s, "priya");
  const auto base = t.s.office("GET", "/v1/office/visits/v2")["record"]["rev"].get<std::int64_t>();
  priya.push(json::array({priya.op("visit", "v2", "update", {{"purpose", "one"}}, base)}));
  priya2.push(json::array({priya2.op("visit", "v2", "update", {{"purpose", "two"}}, base)}));
  REQUIRE(t.s.office("GET", "/v1/office/conflicts")["conflicts"].size() == 1);

  for (const auto& e : sam.pull_all()) {
    const std::string text = e.dump();
    INFO(text);
    CHECK(text.find("\"c2\"") == std::string::npos);
    CHECK(text.find("\"p2\"") == std::string::npos);
    CHECK(text.find("Riya") == std::string::npos);
  }
  std::set<std::string> priya_types;
  for (const auto& e : priya.pull_all()) priya_types.insert(e["record"]["type"].get<std::string>());
  CHECK(priya_types == std::set<std::string>{"person", "case", "visit", "field_report", "attachment", "conflict"});
}

TEST_CASE("a worker cannot resolve another worker's conflict") {
  TwoWorkers t;
  TestDevice sam(t.s, "sam"), priya(t.s, "priya"), priya2(t.s, "priya");
  const auto base = t.s.office("GET", "/v1/office/visits/v2")["record"]["rev"].get<std::int64_t>();
  priya.push(json::array({priya.op("visit", "v2", "update", {{"purpose", "one"}}, base)}));
  priya2.push(json::array({priya2.op("visit", "v2", "update", {{"purpose", "two"}}, base)}));
  auto conflicts = t.s.office("GET", "/v1/office/conflicts")["conflicts"];
  REQUIRE(conflicts.size() == 1);
  const std::string id = conflicts[0]["id"];
  auto r = sam.push(json::array({sam.op("conflict", id, "update", {{"resolution", "kept"}, {"resolved_by", "sam"}},
                                        conflicts[0]["rev"].get<std::int64_t>())}));
  CHECK(r.json["results"][0]["outcome"] == "rejected");
  CHECK(t.s.office("GET", "/v1/office/conflicts?open=1")["conflicts"].size() == 1);
}

TEST_CASE("a worker cannot download another worker's attachment, its owner can") {
  TwoWorkers t;
  TestDevice sam(t.s, "sam"), priya(t.s, "priya");
  t.priya_report(priya);
  auto theirs = t.s.call("GET", "/v1/blobs/" + t.photo_sha, "", sam.access_token);
  CHECK(theirs.status == 404);
  CHECK(theirs.body.find("photo") == std::string::npos);
  CHECK(t.s.call("GET", "/v1/blobs/" + t.photo_sha, "", sam.access_token, {{"Range", "bytes=0-3"}}).status == 404);
  auto mine = t.s.call("GET", "/v1/blobs/" + t.photo_sha, "", priya.access_token);
  CHECK(mine.status == 200);
  CHECK(mine.body == t.photo);
  auto office = t.s.call("GET", "/v1/blobs/" + t.photo_sha, "", t.s.office_token());
  CHECK(office.status == 200);

}

TEST_CASE("a worker's token opens no office endpoint") {
  TwoWorkers t;
  TestDevice sam(t.s, "sam");
  const std::vector<std::pair<std::string, std::string>> endpoints = {
      {"GET", "/v1/office/cases/c2"},        {"PUT", "/v1/office/cases/c2"},
      {"POST", "/v1/office/cases"},          {"POST", "/v1/office/cases/c2/allocate"},
      {"POST", "/v1/office/people"},         {"PUT", "/v1/office/visits/v2"},
      {"POST", "/v1/office/tasks"},          {"PUT", "/v1/office/field-reports/x"},
      {"GET", "/v1/office/conflicts"},       {"POST", "/v1/office/conflicts/x/resolve"},
      {"GET", "/v1/office/devices"},         {"POST", "/v1/office/devices/x/revoke"},
      {"GET", "/v1/office/audit"},           {"GET", "/v1/office/export"},
      {"POST", "/v1/office/accounts"},
  };
  for (const auto& [method, path] : endpoints) {
    auto r = t.s.call(method, path, R"({"fields": {"worker": "sam"}, "worker": "sam"})", sam.access_token);
    INFO(method << " " << path << " " << r.body);
    CHECK(r.status == 403);
    CHECK(r.error_code() == "forbidden");
  }
  CHECK(t.s.office("GET", "/v1/office/cases/c2")["record"]["fields"]["worker"] == "priya");
}
