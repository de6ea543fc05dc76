// Every read accountable: office reads and device events in the audit log with actor,
// role and source; the log's query (filters, paging), its CSV export, the "who looked
// at this record" report of a person; who may read them; and the log append-only for
// everyone, admin and the database's own users included.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "doorstep/core/clock.h"
#include "server_fixture.h"

using namespace doorstep::server::test;
using nlohmann::json;

namespace {

// A device's "viewed" event, as the app records opening a person.
// An audit event as a device store writes it with each action (core's Writer: the
// change, its outbox entry and this event in one transaction).
json device_event(const std::string& id, const std::string& at, const std::string& action, const std::string& type,
                  const std::string& record) {
  return {{"type", "audit_event"},
          {"id", id},
          {"rev", 0},
          {"hlc", hlc_now("d")},
          {"deleted", false},
          {"fields",
           {{"at", at}, {"actor", "sam"}, {"device", "d"}, {"action", action}, {"record_type", type},
            {"record_id", record}}}};
}
json viewed_event(const std::string& id, const std::string& at, const std::string& type, const std::string& record) {
  return device_event(id, at, "viewed", type, record);
}

// One person with a case of children-south held by sam; sam's tablet wrote a note
// and attached a photo; a manager of the team, a monitor, an auditor.
struct World {
  TestServer s;
  std::string manager, monitor, auditor;
  std::string photo_sha;
  std::unique_ptr<TestDevice> tablet;

  World() {
    s.add_worker("sam");
    s.add_person("p1", "Dana Whitfield");
    s.add_case("p1", "c1", "sam");
    s.add_person("p2", "Someone Else");  // not Dana: never in her report
    s.add_case("p2", "c2", "sam");
    manager = s.add_office("mo", "manager", {"children-south"});
    monitor = s.add_office("max", "monitor", {"children-south"});
    auditor = s.add_office("ada", "auditor");
    tablet = std::make_unique<TestDevice>(s, "sam");
    auto note = tablet->push(json::array({tablet->op("case_note", "n1", "create",
                                                     {{"case_id", "c1"},
                                                      {"body", "Seen at home."},
                                                      {"visibility", "normal"},
                                                      {"author", "sam"},
                                                      {"state", "final"},
                                                      {"written_at", "2026-11-25T09:00:00Z"}})}),
                             json::array({device_event("tab-n1", doorstep::format_timestamp(doorstep::SystemClock::instance().now_ms()), "created", "case_note", "n1")}));
    REQUIRE(note.json["results"][0]["outcome"] == "applied");
    const std::string photo = "not really a jpeg";
    photo_sha = sha256_of(photo);
    auto up = s.call("PUT", "/v1/blobs/" + photo_sha + "?offset=0", photo, tablet->access_token,
                     {{"X-Blob-Size", std::to_string(photo.size())}, {"Content-Type", "application/octet-stream"}});
    REQUIRE(up.status == 200);
    auto attached = tablet->push(json::array({tablet->op("attachment", "a1", "create",
                                                         {{"sha256", photo_sha},
                                                          {"owner_type", "case"},
                                                          {"owner_id", "c1"},
                                                          {"case_id", "c1"},
                                                          {"media_type", "image/jpeg"},
                                                          {"size_bytes", photo.size()},
                                                          {"added_at", "2026-11-25T09:00:00Z"}})}),
                                 json::array({device_event("tab-a1", doorstep::format_timestamp(doorstep::SystemClock::instance().now_ms()), "created", "attachment", "a1")}));
    REQUIRE(attached.json["results"][0]["outcome"] == "applied");
  }

  Reply get(const std::string& path, const std::string& token) { return s.call("GET", path, "", token); }
  json get_ok(const std::string& path, const std::string& token) {
    auto r = get(path, token);
    INFO("GET " << path << " -> " << r.status << " " << r.body);
    REQUIRE(r.status == 200);
    return r.json;
  }

  // The manager reads the case, the note's person and the photo.
  void manager_reads() {
    get_ok("/v1/office/cases/c1", manager);
    get_ok("/v1/office/people/p1", manager);
    auto blob = get("/v1/blobs/" + photo_sha, manager);
    REQUIRE(blob.status == 200);
  }
};

// Every page of a paged answer, following next.
std::vector<json> walk(World& w, const std::string& path, const std::string& token, int limit) {
  std::vector<json> out;
  std::string cursor;
  for (int pages = 0; pages < 1000; ++pages) {
    const std::string sep = path.find('?') == std::string::npos ? "?" : "&";
    auto page = w.get_ok(path + sep + "limit=" + std::to_string(limit) + (cursor.empty() ? "" : "&cursor=" + cursor),
                         token);
    CHECK(page["events"].size() <= static_cast<std::size_t>(limit));
    for (const auto& e : page["events"]) out.push_back(e);
    if (page["next"].is_null()) break;
    cursor = page["next"].get<std::string>();
  }
  return out;
}

std::vector<std::string> ids(const std::vector<json>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e["id"]);
  return out;
}

// RFC 4180 rows of a CSV text.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      row.push_back(field);
      field.clear();
      rows.push_back(row);
      row.clear();
      ++i;
    } else {
      field += c;
    }
  }
  if (!field.empty() || !row.empty()) rows.push_back(row);  // a last line without CRLF
  return rows;
}

}  // namespace

TEST_CASE("the access report shows every view and change of a person's records, newest first, with who, role and source") {
  World w;
  w.manager_reads();
  // The tablet opened Dana's timeline offline an hour ago, and tells the hub now.
  const std::string offline_at = doorstep::format_timestamp(doorstep::SystemClock::instance().now_ms() - 3'600'000);
  auto pushed = w.tablet->push(json::array(), json::array({viewed_event("tab-view-1", offline_at, "person", "p1")}));
  REQUIRE(pushed.status == 200);
  // Reads of someone else are not Dana's.
  w.get_ok("/v1/office/cases/c2", w.manager);

  auto report = w.get_ok("/v1/office/people/p1/access?limit=1000", w.auditor);
  CHECK(report["person_id"] == "p1");
  CHECK(report["next"].is_null());
  const auto& events = report["events"];
  INFO(events.dump(1));
  // Newest first by when it happened.
  for (std::size_t i = 1; i < events.size(); ++i) CHECK(events[i - 1]["at"] >= events[i]["at"]);
  auto find = [&](const std::string& actor, const std::string& action, const std::string& type,
                  const std::string& id) -> json {
    for (const auto& e : events)
      if (e["actor"] == actor && e["action"] == action && e["record_type"] == type && e["record_id"] == id) return e;
    return nullptr;
  };
  // The manager's reads: the case, the person, the photo (by its sha256), each with
  // the role and the address it came from.
  for (const auto& [type, id] : std::vector<std::pair<std::string, std::string>>{
           {"case", "c1"}, {"person", "p1"}, {"blob", w.photo_sha}}) {
    INFO(type << " " << id);
    auto e = find("mo", "viewed", type, id);
    REQUIRE(e.is_object());
    CHECK(e["role"] == "manager");
    CHECK(e["source"] == "127.0.0.1");
    CHECK(e["device"] == "office");
  }
  // The tablet's view, at the time it happened, under the session's worker.
  auto tab = find("sam", "viewed", "person", "p1");
  REQUIRE(tab.is_object());
  CHECK(tab["id"] == "tab-view-1");
  CHECK(tab["at"] == offline_at);
  CHECK(tab["role"] == "worker");
  CHECK(tab["device"] == w.tablet->device_id);
  CHECK(tab["source"] == "127.0.0.1");
  CHECK(tab["received_at"] > tab["at"]);
  // The oldest thing in the report is the offline view (the records were made after it
  // only in the hub's order, not in time): the report is in the order things happened.
  CHECK(events.back()["id"] == "tab-view-1");
  // Changes: the office made the person and the case, the tablet the note and the photo.
  CHECK(find("office", "created", "person", "p1").is_object());
  CHECK(find("office", "created", "case", "c1").is_object());
  auto note = find("sam", "created", "case_note", "n1");
  REQUIRE(note.is_object());
  CHECK(note["role"] == "worker");
  CHECK(note["device"] == w.tablet->device_id);
  CHECK(find("sam", "created", "attachment", "a1").is_object());
  // Nothing of the other person.
  for (const auto& e : events) {
    CHECK(e["record_id"] != "c2");
    CHECK(e["record_id"] != "p2");
  }

  // Looking at the report is itself in the log.
  auto looked = w.get_ok("/v1/office/audit?actor=ada&record_type=access_report", w.auditor)["events"];
  REQUIRE(looked.size() == 1);
  CHECK(looked[0]["record_id"] == "p1");
  CHECK(looked[0]["role"] == "auditor");
  CHECK(looked[0]["action"] == "viewed");

  // Dates: the day of the offline view and before, or after it.
  const std::string day = offline_at.substr(0, 10);
  auto until = w.get_ok("/v1/office/people/p1/access?to=" + day, w.auditor)["events"];
  bool has_tab = false;
  for (const auto& e : until) {
    CHECK(e["at"].get<std::string>().substr(0, 10) <= day);
    has_tab |= e["id"] == "tab-view-1";
  }
  CHECK(has_tab);
  auto after = w.get_ok("/v1/office/people/p1/access?from=" + events[0]["at"].get<std::string>(), w.auditor)["events"];
  REQUIRE_FALSE(after.empty());
  for (const auto& e : after) CHECK(e["at"] >= events[0]["at"]);
  auto none = w.get_ok("/v1/office/people/p1/access?to=2020-01-01", w.auditor)["events"];
  CHECK(none.empty());
  CHECK(w.get("/v1/office/people/p1/access?from=yesterday", w.auditor).status == 400);
  CHECK(w.get("/v1/office/people/nobody/access", w.auditor).status == 404);
  // The admin may read it too.
  CHECK(w.get("/v1/office/people/p1/access", w.s.office_token()).status == 200);

  // Paging: two at a time, the same events in the same order, none twice.
  auto paged = walk(w, "/v1/office/people/p1/access", w.auditor, 2);
  auto whole = std::vector<json>(events.begin(), events.end());
  CHECK(ids(paged) == ids(whole));
}

TEST_CASE("the audit log: filters, paging stable while events arrive, every event with role and source") {
  World w;
  w.manager_reads();
  auto r = w.tablet->push(json::array(), json::array({viewed_event("tab-view-2", "2026-01-15T09:00:00.000Z", "person", "p1")}));
  REQUIRE(r.status == 200);

  auto mine = w.get_ok("/v1/office/audit?actor=mo&limit=1000", w.auditor)["events"];
  REQUIRE(mine.size() >= 4);  // signed in, case, person, blob
  for (const auto& e : mine) {
    CHECK(e["actor"] == "mo");
    CHECK(e["role"] == "manager");
    CHECK(e["source"] == "127.0.0.1");
  }
  // Newest stored first.
  for (std::size_t i = 1; i < mine.size(); ++i) CHECK(mine[i - 1]["received_at"] >= mine[i]["received_at"]);

  auto blobs = w.get_ok("/v1/office/audit?record_type=blob&action=viewed", w.auditor)["events"];
  REQUIRE(blobs.size() == 1);
  CHECK(blobs[0]["record_id"] == w.photo_sha);
  CHECK(blobs[0]["actor"] == "mo");
  auto by_record = w.get_ok("/v1/office/audit?record_id=c1&action=viewed", w.auditor)["events"];
  REQUIRE(by_record.size() == 1);
  CHECK(by_record[0]["record_type"] == "case");

  // Dates are on when it happened: the tablet's January view alone.
  auto january = w.get_ok("/v1/office/audit?from=2026-01-15&to=2026-01-15", w.auditor)["events"];
  REQUIRE(january.size() == 1);
  CHECK(january[0]["id"] == "tab-view-2");
  CHECK(w.get_ok("/v1/office/audit?from=2026-01-15T09:00:00.001Z&to=2026-01-31", w.auditor)["events"].empty());
  CHECK(w.get_ok("/v1/office/audit?from=2026-01-15T10:00:00%2B01:00&to=2026-01-15T09:00:00Z", w.auditor)["events"]
            .size() == 1);  // 10:00 at +01:00 is 09:00 UTC; to is inclusive

  for (const char* bad : {"limit=0", "limit=1001", "limit=x", "cursor=nonsense", "from=soon", "to=2026-13-01",
                          "actor=" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}) {
    INFO(bad);
    auto refused = w.get(std::string("/v1/office/audit?") + bad, w.auditor);
    CHECK(refused.status == 400);
    CHECK(refused.error_code() == "invalid_argument");
  }

  // The whole log at once, then walked three at a time while every page request adds
  // an event of its own reading: the walk sees the log as it was when it began (and
  // the first look's own event, stored before the walk began), each event once.
  auto all = w.get_ok("/v1/office/audit?limit=1000", w.auditor)["events"];
  REQUIRE(all.size() > 10);
  auto paged = walk(w, "/v1/office/audit", w.auditor, 3);
  REQUIRE(paged.size() == all.size() + 1);
  CHECK(paged[0]["actor"] == "ada");
  CHECK(paged[0]["record_type"] == "audit");
  CHECK(paged[0]["record_id"] == "log");
  std::vector<json> rest(paged.begin() + 1, paged.end());
  CHECK(ids(rest) == ids(std::vector<json>(all.begin(), all.end())));
  const auto unique = ids(paged);
  CHECK(std::set<std::string>(unique.begin(), unique.end()).size() == paged.size());
  // And every read of the log is in it, with the auditor's role and address.
  auto reads = w.get_ok("/v1/office/audit?actor=ada&record_type=audit&limit=1000", w.auditor)["events"];
  CHECK(reads.size() >= 2 + paged.size() / 3);
  for (const auto& e : reads) {
    CHECK(e["role"] == "auditor");
    CHECK(e["source"] == "127.0.0.1");
    CHECK(e["action"] == "viewed");
  }
}

TEST_CASE("the audit log as CSV: a header, RFC 4180 quoting, no formula a spreadsheet would run, itself audited") {
  World w;
  // A device names whatever record it likes: the CSV must make it harmless.
  const std::string formula = "=HYPERLINK(\"http://x.invalid\",\"click\")";
  const std::string sum = "-2+3,\"quoted\"\r\nnext line";
  auto r = w.tablet->push(json::array(), json::array({viewed_event("hostile-1", "2026-01-15T09:00:00.000Z", "person", formula),
                                                      viewed_event("hostile-2", "2026-01-15T09:00:01.000Z", "@SUM(A1)", sum)}));
  REQUIRE(r.status == 200);

  auto csv = w.get("/v1/office/audit.csv?actor=sam", w.auditor);
  REQUIRE(csv.status == 200);
  CHECK(csv.headers.find("Content-Type")->second.rfind("text/csv", 0) == 0);
  CHECK(csv.body.find("\r\n") != std::string::npos);
  auto rows = parse_csv(csv.body);
  REQUIRE(rows.size() >= 3);
  CHECK(rows[0] == std::vector<std::string>{"id", "at", "received_at", "actor", "role", "source", "device", "action",
                                            "record_type", "record_id", "detail"});
  std::map<std::string, std::vector<std::string>> by_id;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    REQUIRE(rows[i].size() == 11);
    CHECK(rows[i][3] == "sam");  // the filter holds
    by_id[rows[i][0]] = rows[i];
  }
  REQUIRE(by_id.count("hostile-1"));
  REQUIRE(by_id.count("hostile-2"));
  CHECK(by_id["hostile-1"][9] == "'" + formula);
  CHECK(by_id["hostile-2"][8] == "'@SUM(A1)");
  CHECK(by_id["hostile-2"][9] == "'" + sum);
  CHECK(by_id["hostile-2"][4] == "worker");
  // The quoting as written: quotes doubled inside a quoted field.
  CHECK(csv.body.find("\"'-2+3,\"\"quoted\"\"\r\nnext line\"") != std::string::npos);
  // No cell starts with a formula character.
  for (const auto& row : rows)
    for (const auto& cell : row)
      if (!cell.empty()) CHECK(std::string("=+-@").find(cell[0]) == std::string::npos);

  // Every event, not one page: more than the CSV's page of 500.
  for (int i = 0; i < 3; ++i) {
    json batch = json::array();
    for (int j = 0; j < 200; ++j)
      batch.push_back(viewed_event("bulk-" + std::to_string(i) + "-" + std::to_string(j), "2026-01-16T09:00:00.000Z",
                                   "person", "p1"));
    REQUIRE(w.tablet->push(json::array(), batch).status == 200);
  }
  auto bulk = parse_csv(w.get("/v1/office/audit.csv?actor=sam&from=2026-01-16&to=2026-01-16", w.auditor).body);
  CHECK(bulk.size() == 601);  // the header and 600 events

  // Exporting is audited, with what was asked for.
  auto exported = w.get_ok("/v1/office/audit?action=exported&record_type=audit", w.auditor)["events"];
  REQUIRE(exported.size() == 2);
  CHECK(exported[0]["actor"] == "ada");
  CHECK(exported[0]["role"] == "auditor");
  CHECK(exported[0]["source"] == "127.0.0.1");
  CHECK(exported[0]["detail"] == "actor=sam&from=2026-01-16&to=2026-01-16");
  CHECK(w.get("/v1/office/audit.csv?from=never", w.auditor).status == 400);
}

TEST_CASE("the audit routes are for admin and auditor, the auditor reads no record") {
  World w;
  for (const std::string& token : {w.manager, w.monitor}) {
    for (const char* path : {"/v1/office/audit", "/v1/office/audit.csv", "/v1/office/people/p1/access"}) {
      INFO(path);
      auto r = w.get(path, token);
      CHECK(r.status == 403);
      CHECK(r.error_code() == "forbidden");
    }
  }
  CHECK(w.get("/v1/office/audit", w.tablet->access_token).status == 403);
  CHECK(w.get("/v1/office/audit", "").status == 401);
  for (const std::string path :
       {std::string("/v1/office/people/p1"), std::string("/v1/office/cases/c1"), std::string("/v1/office/visits/v1"),
        std::string("/v1/office/tasks/t1"), std::string("/v1/office/field-reports/f1"),
        std::string("/v1/office/form-submissions?case_id=c1"), std::string("/v1/office/form-submissions/s1"),
        std::string("/v1/office/conflicts"), std::string("/v1/office/devices"), std::string("/v1/office/accounts"),
        std::string("/v1/office/export"), "/v1/blobs/" + w.photo_sha, "/v1/blobs/" + w.photo_sha + "/status"}) {
    INFO(path);
    auto r = w.get(path, w.auditor);
    CHECK(r.status == 403);
  }
  CHECK(w.get("/v1/office/audit", w.auditor).status == 200);
  CHECK(w.get("/v1/office/audit", w.s.office_token()).status == 200);
}

TEST_CASE("every office read and list is audited with role and source, the export too") {
  World w;
  const std::string admin = w.s.office_token();
  w.s.office("POST", "/v1/office/visits",
             {{"id", "v1"}, {"fields", {{"case_id", "c1"}, {"planned_start", "2026-12-01T10:00:00Z"}}}});
  w.s.office("POST", "/v1/office/tasks", {{"id", "t1"}, {"fields", {{"case_id", "c1"}, {"title", "Call GP"}}}});
  struct Read {
    std::string path, type, id;
  };
  const std::vector<Read> reads = {
      {"/v1/office/people/p1", "person", "p1"},
      {"/v1/office/cases/c1", "case", "c1"},
      {"/v1/office/visits/v1", "visit", "v1"},
      {"/v1/office/tasks/t1", "task", "t1"},
      {"/v1/blobs/" + w.photo_sha, "blob", w.photo_sha},
      {"/v1/blobs/" + w.photo_sha + "/status", "blob", w.photo_sha},
      {"/v1/office/form-submissions?case_id=c1", "list", "form-submissions"},
      {"/v1/office/conflicts", "list", "conflicts"},
      {"/v1/office/devices", "list", "devices"},
      {"/v1/office/accounts", "list", "accounts"},
      {"/v1/office/export", "record", "*"},
  };
  for (const auto& read : reads) {
    INFO(read.path);
    auto before = w.get_ok("/v1/office/audit?actor=office&record_type=" + read.type + "&record_id=" + read.id +
                               "&limit=1000",
                           admin)["events"]
                      .size();
    REQUIRE(w.get(read.path, admin).status == 200);
    auto after = w.get_ok("/v1/office/audit?actor=office&record_type=" + read.type + "&record_id=" + read.id, admin)
                     ["events"];
    REQUIRE(after.size() == before + 1);
    CHECK((after[0]["action"] == "viewed" || after[0]["action"] == "exported"));
    CHECK(after[0]["role"] == "admin");
    CHECK(after[0]["source"] == "127.0.0.1");
  }
}

TEST_CASE("a read whose audit event cannot be written is refused") {
  World w;
  // The database refuses every new audit row (as a full disk or a lost connection would).
  {
    auto db = w.s.hub().pool().lease();
    REQUIRE(db.ok());
    if (w.s.backend() == "sqlite") {
      REQUIRE((*db)->exec("CREATE TRIGGER audit_refuse BEFORE INSERT ON audit"
                          " BEGIN SELECT RAISE(ABORT, 'no room'); END")
                  .ok());
    } else {
      REQUIRE((*db)->exec("CREATE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS"
                          " $$ BEGIN RAISE EXCEPTION 'no room'; END $$")
                  .ok());
      REQUIRE((*db)->exec("CREATE TRIGGER audit_refuse BEFORE INSERT ON audit FOR EACH ROW"
                          " EXECUTE FUNCTION audit_refuse()")
                  .ok());
    }
  }
  for (const std::string path : {std::string("/v1/office/people/p1"), std::string("/v1/office/cases/c1"),
                                 "/v1/blobs/" + w.photo_sha, std::string("/v1/office/audit"),
                                 std::string("/v1/office/people/p1/access")}) {
    INFO(path);
    auto r = w.get(path, w.s.office_token());
    CHECK(r.status == 500);
    CHECK(r.error_code() == "internal");
    CHECK(r.body.find("Dana") == std::string::npos);
    CHECK(r.body.find("not really a jpeg") == std::string::npos);
  }
}

TEST_CASE("the audit log is append-only for everyone: no endpoint changes it, the database refuses it") {
  World w;
  w.manager_reads();
  const std::string admin = w.s.office_token();
  auto before = w.get_ok("/v1/office/audit?limit=1000", admin)["events"];
  REQUIRE(before.size() > 5);
  const std::string id = before.back()["id"];
  // No route writes the log: every method on the log's paths is unknown to the hub.
  for (const char* method : {"POST", "PUT", "DELETE"}) {
    for (const std::string path : {std::string("/v1/office/audit"), "/v1/office/audit/" + id,
                                   std::string("/v1/office/audit.csv"), std::string("/v1/office/people/p1/access")}) {
      INFO(method << " " << path);
      auto r = w.s.call(method, path, json({{"id", id}, {"action", "nothing"}}).dump(), admin);
      CHECK((r.status == 404 || r.status == 405));
    }
  }
  auto after = w.get_ok("/v1/office/audit?limit=1000", admin)["events"];
  // The same events (and the first look's own), unchanged.
  REQUIRE(after.size() == before.size() + 1);
  CHECK(json(std::vector<json>(after.begin() + 1, after.end())) == before);

  // A device cannot overwrite an event either: a second event with a stored id is a no-op.
  json forged = viewed_event(id, "2026-01-15T09:00:00.000Z", "person", "p2");
  REQUIRE(w.tablet->push(json::array(), json::array({forged})).status == 200);
  auto kept = w.get_ok("/v1/office/audit?record_id=" + before.back()["record_id"].get<std::string>() + "&limit=1000",
                       admin)["events"];
  bool same = false;
  for (const auto& e : kept) same |= e == before.back();
  CHECK(same);

  // Straight to the database, as the hub's own connection: refused on both engines.
  auto db = w.s.hub().pool().lease();
  REQUIRE(db.ok());
  auto upd = (*db)->exec("UPDATE audit SET actor = 'nobody' WHERE id = ?", {id});
  REQUIRE_FALSE(upd.ok());
  CHECK(upd.error().message.find("append-only") != std::string::npos);
  auto del = (*db)->exec("DELETE FROM audit WHERE id = ?", {id});
  REQUIRE_FALSE(del.ok());
  CHECK(del.error().message.find("append-only") != std::string::npos);
  auto all = (*db)->exec("DELETE FROM audit");
  CHECK_FALSE(all.ok());
  auto count = (*db)->query("SELECT count(*) FROM audit WHERE id = ? AND actor = ?", {id, before.back()["actor"].get<std::string>()});
  REQUIRE(count.ok());
  CHECK(count->front().integer(0) == 1);
}
