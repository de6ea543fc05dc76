#include "hub/demo_seed.h"

#include <nlohmann/json.hpp>

#include "doorstep/core/clock.h"
#include "doorstep/core/hlc.h"
#include "hub/accounts.h"
#include "hub/audit_log.h"
#include "hub/office_records.h"

namespace doorstep::server {

using nlohmann::json;

namespace {

constexpr std::int64_t kDayMs = 24ll * 3600 * 1000;
const char* kSeeder = "demo-seed";

struct Worker {
  const char* username;
  const char* team;
  const char* kind;  // the case kind this worker carries
  int cases;
};

const Worker kWorkers[] = {
    {"sam", "children-south", "children", 11},
    {"priya", "children-south", "children", 11},
    {"joe", "reablement-south", "reablement", 11},
    {"ana", "wardens-central", "neighbourhood", 7},
};

// The demo council's office staff, one account per office role (the admin is the
// first start's "office" account).
struct Staff {
  const char* username;
  const char* role;
  std::vector<std::string> teams;
};
const Staff kStaff[] = {
    {"morgan", "manager", {"children-south"}},
    {"fatima", "manager", {"reablement-south", "wardens-central"}},
    {"dev", "monitor", {"children-south", "reablement-south", "wardens-central"}},
    {"alex", "auditor", {}},
};

const char* kFirst[] = {"Maya",  "Tobias", "Lena",   "Oskar", "Ruth",   "Idris", "Freya", "Callum", "Niamh", "Ezra",
                        "Hollie", "Marek", "Yusuf", "Ada",    "Rowan",  "Elsie", "Kofi",  "Beatrix", "Jonah", "Sian"};
const char* kLast[] = {"Ashdown", "Bramley", "Carrow", "Dunmore", "Elstow", "Fenwick", "Garside",
                       "Holloway", "Inchley", "Jessop", "Kettering", "Lowther", "Marchant", "Northam"};
const char* kStreets[] = {"Quarry Lane", "Tannery Row", "Beacon Close", "Wharf Street", "Gasworks Road",
                          "Millpond Court", "Orchard Rise", "Ferry Walk", "Kiln Yard", "Lantern Terrace"};
const char* kDistricts[] = {"Eastmarsh", "Old Wharf", "Kingsmead", "Hollowfield"};
const char* kMarkers[] = {"dog at property", "lone-worker risk: visit in pairs", "key safe at side door",
                          "hard of hearing: knock loudly", "smoker in household", "parking: use the back lane"};

const char* kChildrenTitles[] = {"Child in need plan", "Child protection plan", "Early help assessment",
                                 "Looked-after child review"};
const char* kReablementTitles[] = {"Six-week reablement after hip fracture", "Reablement after stroke",
                                   "Home from hospital: falls prevention", "Reablement after pneumonia"};
const char* kWardenTitles[] = {"Repeated fly-tipping in the lane", "Neighbour dispute: noise",
                               "Abandoned vehicle follow-up", "Graffiti on the underpass"};
const char* kNoteBodies[] = {
    "Visited at home. Spoke with the family; agreed next steps and a date for review.",
    "Phone call to school: attendance improving this half term.",
    "Home visit: mobility better, managing stairs with one rail. Encouraged daily walk.",
    "Met at the community centre. Concerns discussed; referral to be made this week.",
    "Follow-up visit: the situation is calmer. No new concerns raised.",
};
const char* kTaskTitles[] = {"Prompt morning medication", "Walk to the end of the road with frame",
                             "Practise getting in and out of the bath", "Prepare a hot drink safely"};
const char* kReportCategories[] = {"fly_tipping", "graffiti", "abandoned_vehicle", "street_lighting"};

std::string day(std::int64_t today_ms, int offset, const char* time) {
  return format_timestamp(today_ms + offset * kDayMs).substr(0, 10) + "T" + time + ":00.000Z";
}

class Seeder {
 public:
  Seeder(Hub& hub, SqlBackend& db, DemoSeed& out) : hub_(hub), db_(db), out_(out) {
    const std::int64_t now = hub.clock().now_ms();
    today_ = now - now % kDayMs;
  }

  Status run() {
    int n = 0;
    for (const auto& w : kWorkers)
      for (int i = 0; i < w.cases; ++i, ++n) DOORSTEP_TRY(one_case(w, i, n));
    return {};
  }

 private:
  Result<Record> put(const std::string& type, const std::string& id, json fields) {
    return write_office_change(hub_, db_, type, id, fields, kSeeder, OfficeWrite::create);
  }

  Status one_case(const Worker& w, int i, int n) {
    const std::string person = "demo-person-" + std::to_string(n + 1);
    const std::string case_id = "demo-case-" + std::to_string(n + 1);
    const bool child = std::string(w.kind) == "children";
    const int birth_year = child ? 2010 + n % 14 : std::string(w.kind) == "reablement" ? 1934 + n % 25 : 1960 + n % 40;
    json markers = json::array();
    if (n % 3 == 0) markers.push_back(kMarkers[n % 6]);
    if (n % 7 == 0) markers.push_back(kMarkers[(n + 2) % 6]);
    json p = {{"name", std::string(kFirst[n % 20]) + " " + kLast[(n * 5) % 14]},
              {"date_of_birth", std::to_string(birth_year) + "-0" + std::to_string(1 + n % 9) + "-1" + std::to_string(n % 10)},
              {"address", std::to_string(2 + n * 3 % 90) + " " + kStreets[n % 10] + ", " + kDistricts[n % 4]},
              {"markers", markers}};
    if (n % 2 == 0) p["phone"] = "01632 96" + std::to_string(1000 + n * 37 % 9000);
    auto made_person = put("person", person, p);
    if (!made_person) return made_person.error();
    ++out_.people;

    const char* title = child ? kChildrenTitles[i % 4]
                        : std::string(w.kind) == "reablement" ? kReablementTitles[i % 4]
                                                               : kWardenTitles[i % 4];
    json c = {{"person_id", person}, {"kind", w.kind},   {"title", title},
              {"status", "open"},    {"team", w.team},   {"worker", w.username},
              {"opened_at", day(today_, -30 - 11 * i, "09:00")}};
    if (child) c["visit_interval_days"] = i % 2 == 0 ? 10 : 20;
    auto made = put("case", case_id, c);
    if (!made) return made.error();
    ++out_.cases;

    // Visits: one a few days ago (completed), one coming up, for most cases.
    const int past = -1 - (n % 6), next = n % 8;
    json v1 = {{"case_id", case_id},     {"planned_start", day(today_, past, "10:00")},
               {"planned_end", day(today_, past, "11:00")}, {"purpose", child ? "statutory visit" : "home visit"},
               {"status", "completed"},  {"checked_in_at", day(today_, past, "10:02")},
               {"checked_out_at", day(today_, past, "10:55")}, {"outcome", "Seen at home; plan reviewed."}};
    auto a = put("visit", case_id + "-visit-1", v1);
    if (!a) return a.error();
    json v2 = {{"case_id", case_id}, {"planned_start", day(today_, next, n % 2 ? "14:00" : "09:30")},
               {"purpose", child ? "statutory visit" : "review visit"}, {"status", "planned"}};
    auto b = put("visit", case_id + "-visit-2", v2);
    if (!b) return b.error();
    out_.visits += 2;

    // Note history: two final notes by the worker.
    for (int k = 0; k < 2; ++k) {
      const std::string at = day(today_, past - 7 * k, "16:30");
      json note = {{"case_id", case_id},   {"body", kNoteBodies[(n + k) % 5]},
                   {"category", k == 0 ? "visit" : "contact"}, {"visibility", "normal"},
                   {"author", w.username}, {"state", "final"}, {"written_at", at}, {"finalised_at", at}};
      auto r = put("case_note", case_id + "-note-" + std::to_string(k + 1), note);
      if (!r) return r.error();
      ++out_.notes;
    }
    if (std::string(w.kind) == "reablement")
      for (int k = 0; k < 2; ++k) {
        json t = {{"case_id", case_id}, {"title", kTaskTitles[(n + k) % 4]}, {"schedule", k == 0 ? "daily 08:00" : "daily"}};
        auto r = put("task", case_id + "-task-" + std::to_string(k + 1), t);
        if (!r) return r.error();
        ++out_.tasks;
      }
    if (std::string(w.kind) == "neighbourhood" && i < 3) {
      json fr = {{"case_id", case_id},       {"category", kReportCategories[i % 4]},
                 {"description", "Reported on patrol; photographed and logged."},
                 {"lat", 51.45 + 0.001 * n}, {"lon", -2.59 - 0.001 * n},
                 {"accuracy_m", 8.0},        {"address", std::string(kStreets[n % 10]) + ", " + kDistricts[n % 4]},
                 {"priority", i == 0 ? "high" : "normal"}, {"status", "reported"},
                 {"reporter", w.username},   {"reported_at", day(today_, past, "13:15")}};
      auto r = put("field_report", case_id + "-report-1", fr);
      if (!r) return r.error();
      ++out_.reports;
    }
    return {};
  }

  Hub& hub_;
  SqlBackend& db_;
  DemoSeed& out_;
  std::int64_t today_;
};

}  // namespace

Result<DemoSeed> seed_demo(Hub& hub, const std::string& password) {
  DemoSeed out;
  {
    auto db = hub.pool().lease();
    if (!db) return db.error();
    auto rows = (*db)->query("SELECT (SELECT count(*) FROM record), (SELECT count(*) FROM account WHERE role = 'worker')");
    if (!rows) return rows.error();
    if (rows->front().integer(0) > 0 || rows->front().integer(1) > 0) return out;
  }
  out.generated_passwords = password.empty();
  for (const auto& w : kWorkers) {
    DemoWorker dw{w.username, w.team, password.empty() ? random_password() : password};
    NewAccount a;
    a.username = dw.username;
    a.password = dw.password;
    a.team = dw.team;
    auto made = Accounts(hub).create(a, false);
    if (!made) return made.error();
    out.workers.push_back(std::move(dw));
  }
  for (const auto& st : kStaff) {
    DemoWorker dw{st.username, "", password.empty() ? random_password() : password, st.role, st.teams};
    NewAccount a;
    a.username = dw.username;
    a.password = dw.password;
    a.role = dw.role;
    a.teams = dw.teams;
    a.email = std::string(st.username) + "@demo-council.example";
    auto made = Accounts(hub).create(a, false);
    if (!made) return made.error();
    out.workers.push_back(std::move(dw));
  }
  auto lease = hub.pool().lease();
  if (!lease) return lease.error();
  Transaction tx(**lease);
  DOORSTEP_TRY(tx.begin(TxMode::write));
  Seeder seeder(hub, **lease, out);
  DOORSTEP_TRY(seeder.run());
  const std::string now = hub.hlc().timestamp();
  auto a = append_audit(**lease, {new_uuid(), now, kSeeder, "server", "seeded", "record", "*", "demo council", now});
  if (!a) return a.error();
  DOORSTEP_TRY(tx.commit());
  out.seeded = true;
  return out;
}

}  // namespace doorstep::server
