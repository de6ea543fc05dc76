// The office's account and device lifecycle as a device lives it, against the real
// hub: a leaver's account disabled while the tablet holds unsent notes (the notes
// arrive, then the tablet erases itself and says so), a device retired or reported
// lost, a password the office reset, and refresh credentials that rotate on every
// use. Faults between the device and the hub (a lost answer, a crash before the
// erase, a receipt that never arrives) must lose nothing a worker wrote.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "doorstep/core/blob_store.h"
#include "doorstep/core/case_notes.h"
#include "doorstep/core/field_reports.h"
#include "fault_transport.h"
#include "hub.h"

using namespace doorstep;
using namespace doorstep::e2e;

namespace {

// The case notes the hub holds, as the office exports them: id -> body.
std::map<std::string, std::string> hub_notes(Hub& hub) {
  auto r = hub.office("GET", "/v1/office/export");
  std::map<std::string, std::string> out;
  std::istringstream lines(r.is_string() ? r.get<std::string>() : r.dump());
  std::string line;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || j.value("type", "") != "case_note") continue;
    const auto& f = j.contains("fields") ? j["fields"] : j;
    out[j["id"].get<std::string>()] = f.value("body", "");
  }
  return out;
}

// This device as GET /v1/office/devices lists it.
nlohmann::json listed_device(Hub& hub, const std::string& device_id) {
  auto list = hub.office("GET", "/v1/office/devices");
  for (const auto& d : list["devices"])
    if (d.value("device_id", "") == device_id) return d;
  FAIL("device " << device_id << " is not listed: " << list.dump());
  return {};
}

// "pending" or "wiped" once the office ended the device; "" before.
std::string wipe_state(Hub& hub, const std::string& device_id) {
  auto d = listed_device(hub, device_id);
  return d.contains("wipe") && d["wipe"].is_string() ? d["wipe"].get<std::string>() : std::string();
}

// A store for user that is not yet enrolled, and a transport to the hub.
struct NewStore {
  test::TempDir dir;
  std::unique_ptr<Store> store;
  std::unique_ptr<client::CurlTransport> transport;
  NewStore(Hub& hub, const std::string& user) {
    auto s = Store::create(dir.path() / "store", user, SecretString(std::string(test::kPin)), test::fast_options());
    REQUIRE(s.ok());
    store = std::move(*s);
    auto t = client::CurlTransport::create(hub.url());
    REQUIRE(t.ok());
    transport = std::move(*t);
  }
  Status enrol(Hub& hub, const std::string& password, const std::string& new_password = "") {
    return client::enrol(*store, *transport, hub.url(), SecretString(password), "a new tablet",
                         SecretString(new_password));
  }
};

// Fails every request whose path starts with prefix, as a network that drops them.
class DropTransport final : public client::Transport {
 public:
  DropTransport(client::Transport& inner, std::string prefix) : inner_(inner), prefix_(std::move(prefix)) {}
  Result<client::HttpResponse> send(const client::HttpRequest& request) override {
    if (request.path.rfind(prefix_, 0) == 0) {
      ++dropped;
      return make_error(ErrorDomain::sync, ErrorCode::unavailable, "cannot reach the server");
    }
    return inner_.send(request);
  }
  int dropped = 0;

 private:
  client::Transport& inner_;
  std::string prefix_;
};

// Forwards every request; for those whose path starts with prefix, the hub's answer
// is lost on the way back (the hub has acted on the request).
class LoseAnswers final : public client::Transport {
 public:
  LoseAnswers(client::Transport& inner, std::string prefix) : inner_(inner), prefix_(std::move(prefix)) {}
  Result<client::HttpResponse> send(const client::HttpRequest& request) override {
    auto r = inner_.send(request);
    if (r && request.path.rfind(prefix_, 0) == 0) {
      ++lost;
      return make_error(ErrorDomain::sync, ErrorCode::unavailable, "cannot reach the server: connection reset");
    }
    return r;
  }
  int lost = 0;

 private:
  client::Transport& inner_;
  std::string prefix_;
};

std::string office_password_login(Hub& hub, const std::string& user, const std::string& password) {
  auto r = hub.raw("POST", "/v1/office/login", nlohmann::json{{"username", user}, {"password", password}}.dump());
  return std::to_string(r.status) + " " + r.body;
}

}  // namespace

TEST_CASE("a leaver's account is disabled while the tablet holds two unsent notes: the notes arrive, then the tablet erases itself") {
  Hub hub;
  hub.add_worker("lee");
  hub.add_case("p1", "Dana Whitfield", "c1", "lee");
  Device d(hub, "lee");
  REQUIRE(d.sync().ok());
  const std::string device = d.store().device_id();
  REQUIRE(CaseNotes(d.store()).add({"c1", "home visit: Dana well, school place agreed"}).ok());
  REQUIRE(CaseNotes(d.store()).add({"c1", "phoned the school; start date Monday"}).ok());
  REQUIRE(d.store().outbox()->size() == 2);

  hub.office("POST", "/v1/office/accounts/lee/disable");
  CHECK(wipe_state(hub, device) == "pending");

  auto r = d.sync();
  INFO((r.ok() ? std::string() : r.error().describe()));
  REQUIRE(r.ok());
  CHECK(r->retired);
  CHECK(r->wiped);
  CHECK(r->pushed == 2);
  CHECK(r->applied == 2);
  CHECK(r->unsent_erased == 0);
  CHECK(r->receipt_sent);

  // Both notes are on the hub.
  auto notes = hub_notes(hub);
  int found = 0;
  for (const auto& [id, body] : notes)
    if (body == "home visit: Dana well, school place agreed" || body == "phoned the school; start date Monday") ++found;
  CHECK(found == 2);
  // The tablet holds nothing.
  CHECK(d.store().locked());
  CHECK_FALSE(Store::exists(d.store_dir()));
  CHECK_FALSE(std::filesystem::exists(d.store_dir() / "store.db"));
  CHECK_FALSE(std::filesystem::exists(d.store_dir() / "key-envelope.json"));
  // The receipt arrived: the office sees the device wiped, with the time.
  auto listed = listed_device(hub, device);
  CHECK(wipe_state(hub, device) == "wiped");
  CHECK(listed["wiped_at"].is_string());
  // The access report on Dana shows the leaver's notes arriving from that device, and
  // the audit log the device's own receipt.
  auto report = hub.office("GET", "/v1/office/people/p1/access");
  int from_device = 0;
  for (const auto& e : report["events"])
    if (e.value("actor", "") == "lee" && e.value("record_type", "") == "case_note" && e.value("device", "") == device)
      ++from_device;
  CHECK(from_device >= 2);
  auto log = hub.office("GET", "/v1/office/audit?record_id=" + device);
  bool receipt = false;
  for (const auto& e : log["events"]) receipt = receipt || e.value("action", "") == "wiped";
  CHECK(receipt);
  // The leaver cannot enrol another device or sign in to the office.
  NewStore other(hub, "lee");
  auto st = other.enrol(hub, kWorkerPassword);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code == ErrorCode::account_disabled);
  CHECK_THAT(st.error().message, Catch::Contains("disabled"));
  CHECK_FALSE(other.store->meta("refresh_token")->has_value());
  CHECK(office_password_login(hub, "lee", kWorkerPassword).rfind("200", 0) != 0);
}

TEST_CASE("a retired device hands over its unsent photo before it erases, a draft never finished goes with it") {
  Hub hub;
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  Device d(hub, "sam");
  REQUIRE(d.sync().ok());
  const std::string device = d.store().device_id();
  const std::string photo = (d.dir() / "photo.png").string();
  std::ofstream(photo, std::ios::binary) << std::string("\x89PNG\r\n\x1a\n", 8) << "pixels of a damp wall";
  FieldReportInput report;
  report.category = "home conditions";
  report.case_id = "c1";
  report.photos = {photo};
  auto rep = FieldReports(d.store()).create(report);
  REQUIRE(rep.ok());
  const std::string sha = rep->attachments.at(0).text("sha256");
  REQUIRE(CaseNotes(d.store()).save_draft({"c1", "half a sentence"}).ok());
  hub.office("POST", "/v1/office/devices/" + device + "/retire");

  auto r = d.sync();
  INFO((r.ok() ? std::string() : r.error().describe()));
  REQUIRE(r.ok());
  CHECK(r->retired);
  CHECK(r->blobs_up == 1);
  CHECK(r->rejected == 0);
  CHECK(r->drafts_erased == 1);
  CHECK(r->quarantine_erased == 0);
  CHECK_FALSE(Store::exists(d.store_dir()));
  auto status = hub.office("GET", "/v1/blobs/" + sha + "/status");
  CHECK(status.value("complete", false));
  CHECK(wipe_state(hub, device) == "wiped");
}

TEST_CASE("a retired device whose push answer is lost erases nothing, and the next pass sends it once and erases") {
  Hub hub;
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  Device d(hub, "sam");
  REQUIRE(d.sync().ok());
  const std::string device = d.store().device_id();
  REQUIRE(CaseNotes(d.store()).add({"c1", "written before the tablet was replaced"}).ok());
  hub.office("POST", "/v1/office/devices/" + device + "/retire");

  // The hub commits the push, and every answer to it is lost on the way back (the
  // pass tries twice).
  LoseAnswers faulty(d.transport(), "/v1/sync/push");
  auto lost = d.sync_through(faulty);
  CHECK(faulty.lost >= 1);
  REQUIRE_FALSE(lost.ok());
  CHECK(lost.error().code == ErrorCode::unavailable);
  REQUIRE(Store::exists(d.store_dir()));
  CHECK(d.store().outbox()->size() == 1);  // still here: the device does not know it arrived
  CHECK(wipe_state(hub, device) == "pending");

  auto r = d.sync();
  INFO((r.ok() ? std::string() : r.error().describe()));
  REQUIRE(r.ok());
  CHECK(r->retired);
  CHECK(r->pushed == 1);
  CHECK(r->receipt_sent);
  CHECK_FALSE(Store::exists(d.store_dir()));
  int copies = 0;
  for (const auto& [id, body] : hub_notes(hub)) copies += body == "written before the tablet was replaced";
  CHECK(copies == 1);  // exactly once, though pushed twice
  CHECK(wipe_state(hub, device) == "wiped");
}

TEST_CASE("a retired device stopped between its last push and the erase erases on its next pass") {
  Hub hub;
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  Device d(hub, "sam");
  REQUIRE(d.sync().ok());
  const std::string device = d.store().device_id();
  REQUIRE(CaseNotes(d.store()).add({"c1", "sent just before the crash"}).ok());
  hub.office("POST", "/v1/office/devices/" + device + "/retire");

  // The push is answered and applied; then the pass stops before the erase (as a
  // crash or a closed app would stop it).
  client::SyncOptions stop_before_erase;
  stop_before_erase.before_erase = [] {
    return Status(make_error(ErrorDomain::state, ErrorCode::unavailable, "stopped before the erase"));
  };
  auto stopped = d.sync_through(d.transport(), stop_before_erase);
  REQUIRE_FALSE(stopped.ok());
  REQUIRE(Store::exists(d.store_dir()));
  CHECK(d.store().outbox()->empty());
  CHECK(hub_notes(hub).size() == 1);

  d.reopen();  // the app starts again
  auto r = d.sync();
  INFO((r.ok() ? std::string() : r.error().describe()));
  REQUIRE(r.ok());
  CHECK(r->retired);
  CHECK(r->pushed == 0);  // nothing was left to send
  CHECK_FALSE(Store::exists(d.store_dir()));
  CHECK(hub_notes(hub).size() == 1);
  CHECK(wipe_state(hub, device) == "wiped");
}

TEST_CASE("a retired device with no network keeps everything until it can send it") {
  Hub hub;
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  Device d(hub, "sam");
  REQUIRE(d.sync().ok());
  REQUIRE(CaseNotes(d.store()).add({"c1", "written in a basement flat"}).ok());
  hub.office("POST", "/v1/office/devices/" + d.store().device_id() + "/retire");
  DropTransport offline(d.transport(), "/v1/sync/push");
  for (int i = 0; i < 3; ++i) {
    auto r = d.sync_through(offline);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::unavailable);
  }
  REQUIRE(Store::exists(d.store_dir()));
  CHECK(d.store().outbox()->size() == 1);
  CHECK(hub_notes(hub).empty());
  auto r = d.sync();
  REQUIRE(r.ok());
  CHECK(r->retired);
  CHECK(hub_notes(hub).size() == 1);
}

TEST_CASE("an erase receipt that never arrives leaves the erase standing and the office sees it pending") {
  Hub hub;
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  Device d(hub, "sam");
  REQUIRE(d.sync().ok());
  const std::string device = d.store().device_id();
  REQUIRE(CaseNotes(d.store()).add({"c1", "the last note"}).ok());
  hub.office("POST", "/v1/office/devices/" + device + "/retire");
  DropTransport no_receipt(d.transport(), "/v1/devices/wiped");
  auto r = d.sync_through(no_receipt);
  INFO((r.ok() ? std::string() : r.error().describe()));
  REQUIRE(r.ok());
  CHECK(r->retired);
  CHECK(r->wiped);
  CHECK_FALSE(r->receipt_sent);
  CHECK(no_receipt.dropped == 3);  // asked a few times
  CHECK_FALSE(Store::exists(d.store_dir()));
  CHECK(hub_notes(hub).size() == 1);
  CHECK(wipe_state(hub, device) == "pending");
}

TEST_CASE("a lost device is erased at once and its unsent notes are not accepted") {
  Hub hub;
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  Device d(hub, "sam");
  // One engine for both passes, as the app keeps one: it still holds its access token.
  client::SyncEngine engine(d.store(), d.transport());
  REQUIRE(engine.sync_once().ok());
  const std::string device = d.store().device_id();
  REQUIRE(CaseNotes(d.store()).add({"c1", "written after the tablet was stolen"}).ok());
  hub.office("POST", "/v1/office/devices/" + device + "/lost");
  CHECK(wipe_state(hub, device) == "pending");

  auto r = engine.sync_once();
  INFO((r.ok() ? std::string() : r.error().describe()));
  REQUIRE(r.ok());
  CHECK(r->wiped);
  CHECK_FALSE(r->retired);
  CHECK(r->pushed == 0);
  CHECK(r->unsent_erased == 1);
  CHECK(d.store().locked());
  CHECK_FALSE(Store::exists(d.store_dir()));
  CHECK(hub_notes(hub).empty());
  CHECK(r->receipt_sent);
  auto listed = listed_device(hub, device);
  CHECK(wipe_state(hub, device) == "wiped");
  CHECK(listed["wiped_at"].is_string());
}

TEST_CASE("a lost device's first pass of a run is erased and signs its receipt with its refresh credential") {
  Hub hub;
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  Device d(hub, "sam");
  REQUIRE(d.sync().ok());
  const std::string device = d.store().device_id();
  REQUIRE(CaseNotes(d.store()).add({"c1", "never to be sent"}).ok());
  hub.office("POST", "/v1/office/devices/" + device + "/lost");
  // A new engine (a CLI run, an app start) asks for a token first: the hub refuses a
  // lost device one, so the receipt carries the refresh credential instead.
  auto r = d.sync();
  REQUIRE(r.ok());
  CHECK(r->wiped);
  CHECK(r->unsent_erased == 1);
  CHECK_FALSE(Store::exists(d.store_dir()));
  CHECK(hub_notes(hub).empty());
  CHECK(r->receipt_sent);
  CHECK(wipe_state(hub, device) == "wiped");
}

TEST_CASE("a password the office reset is changed at enrolment") {
  Hub hub;
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  const std::string one_time = hub.office("POST", "/v1/office/accounts/sam/reset-password")["password"];
  REQUIRE_FALSE(one_time.empty());

  NewStore s(hub, "sam");
  auto first = s.enrol(hub, one_time);
  REQUIRE_FALSE(first.ok());
  CHECK(first.error().code == ErrorCode::password_change_required);
  CHECK_FALSE(first.error().message.empty());
  CHECK_FALSE(s.store->meta("refresh_token")->has_value());

  // A new password the hub's rules refuse: the reason comes back, nothing is enrolled.
  for (const std::string weak : {"short", "basketball", "qwertyuiop"}) {
    auto refused = s.enrol(hub, one_time, weak);
    INFO(weak);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().domain == ErrorDomain::input);
    CHECK(refused.error().code == ErrorCode::invalid_argument);
    CHECK_FALSE(refused.error().message.empty());
  }
  CHECK_FALSE(s.store->meta("refresh_token")->has_value());

  const std::string chosen = "lantern-orchard-cobble-42";
  auto done = s.enrol(hub, one_time, chosen);
  INFO((done.ok() ? std::string() : done.error().describe()));
  REQUIRE(done.ok());
  client::SyncEngine engine(*s.store, *s.transport);
  auto r = engine.sync_once();
  REQUIRE(r.ok());
  CHECK(s.store->get("case", "c1")->has_value());

  // The one-time password is spent; the chosen one enrols with no further question.
  NewStore again(hub, "sam");
  auto spent = again.enrol(hub, one_time);
  REQUIRE_FALSE(spent.ok());
  CHECK(spent.error().code == ErrorCode::unauthorised);
  NewStore third(hub, "sam");
  CHECK(third.enrol(hub, chosen).ok());
}

TEST_CASE("a disabled account cannot enrol, and says so") {
  Hub hub;
  hub.add_worker("sam");
  hub.office("POST", "/v1/office/accounts/sam/disable");
  NewStore s(hub, "sam");
  auto st = s.enrol(hub, kWorkerPassword);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code == ErrorCode::account_disabled);
  CHECK_THAT(st.error().message, Catch::Contains("disabled"));
  hub.office("POST", "/v1/office/accounts/sam/enable");
  NewStore after(hub, "sam");
  CHECK(after.enrol(hub, kWorkerPassword).ok());
}

TEST_CASE("refresh credentials rotate: the old one stops working and the device keeps syncing across refreshes") {
  Hub::Options o;
  o.access_ttl = "1";
  Hub hub(o);
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  Device d(hub, "sam");
  const std::string enrolled = **d.store().meta("refresh_token");
  REQUIRE(d.sync().ok());
  std::set<std::string> seen{enrolled};
  for (int i = 0; i < 4; ++i) {
    REQUIRE(CaseNotes(d.store()).add({"c1", "note " + std::to_string(i)}).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the access token has expired
    auto r = d.sync();
    INFO("pass " << i << ": " << (r.ok() ? std::string() : r.error().describe()));
    REQUIRE(r.ok());
    CHECK(r->applied == 1);
    const std::string now = **d.store().meta("refresh_token");
    CHECK(seen.insert(now).second);  // a new credential every time
  }
  CHECK(hub_notes(hub).size() == 4);
  // The credential from enrolment, long since replaced, opens nothing.
  auto old = hub.raw("POST", "/v1/token",
                     nlohmann::json{{"device_id", d.store().device_id()}, {"refresh_token", enrolled}}.dump());
  CHECK(old.status == 401);
}

TEST_CASE("a token answer lost on the way is asked for again at once, and the device carries on") {
  Hub hub;
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  Device d(hub, "sam");
  REQUIRE(d.sync().ok());
  const std::string before = **d.store().meta("refresh_token");
  // The hub replaces the credential, but its answer is lost: the device still holds
  // the one it sent, which the hub honours again only shortly after. It asks again
  // in the same pass.
  FaultTransport faulty(d.transport());
  faulty.arm(FaultTransport::Fault::lose_response, "/v1/token");
  REQUIRE(CaseNotes(d.store()).add({"c1", "while the signal came and went"}).ok());
  auto r = d.sync_through(faulty);
  INFO((r.ok() ? std::string() : r.error().describe()));
  REQUIRE(r.ok());
  CHECK(faulty.faults_injected() == 1);
  CHECK(r->applied == 1);
  CHECK(**d.store().meta("refresh_token") != before);
  REQUIRE(d.sync().ok());  // and the credential it got then works too
}

TEST_CASE("a token answer lost twice leaves the device able to refresh on its next pass") {
  Hub hub;
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  Device d(hub, "sam");
  REQUIRE(d.sync().ok());
  const std::string before = **d.store().meta("refresh_token");
  LoseAnswers faulty(d.transport(), "/v1/token");
  REQUIRE(CaseNotes(d.store()).add({"c1", "written in a lift"}).ok());
  auto lost = d.sync_through(faulty);
  REQUIRE_FALSE(lost.ok());
  CHECK(lost.error().code == ErrorCode::unavailable);
  CHECK(faulty.lost == 3);
  CHECK(**d.store().meta("refresh_token") == before);
  CHECK(d.store().outbox()->size() == 1);
  auto r = d.sync();  // within the hub's grace for the credential it still holds
  INFO((r.ok() ? std::string() : r.error().describe()));
  REQUIRE(r.ok());
  CHECK(r->applied == 1);
  CHECK(**d.store().meta("refresh_token") != before);
}
