// Forms end to end: the office publishes a form on the real doorstep-server, a worker's
// device receives it, fills it in and syncs; the hub checks every submission with the
// same forms engine. What must hold: a broken form never reaches a worker; a visit
// recorded on a form reaches the office with what it saved into the person's record;
// a submission the hub refuses stays on the device in the quarantine with the hub's
// reasons; a form begun before a new version was published is still accepted; and a
// photo answered on a form reaches the office and the worker's other device byte for
// byte, while a submission naming a picture the hub never received is quarantined.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "doorstep/core/case_forms.h"
#include "doorstep/core/blob_store.h"
#include "doorstep/core/forms/form_records.h"
#include "doorstep/core/forms/picture_answer.h"
#include "hub.h"

using namespace doorstep;
using namespace doorstep::e2e;
using nlohmann::json;

namespace {

constexpr std::int64_t kDayMs = 24ll * 3600 * 1000;

json demo_form(const std::string& name) {
  std::ifstream in(std::string(DOORSTEP_FORMS_DIR) + "/" + name + ".json");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

std::string day(int offset) {
  return format_timestamp(SystemClock::instance().now_ms() + offset * kDayMs).substr(0, 10);
}

// A statutory visit today, complete and correct.
json good_visit() {
  return {{"visit_date", day(0)},          {"child_seen", "yes"},       {"seen_alone", "yes"},
          {"bedroom_seen", "yes"},         {"any_concerns", "no"},      {"visit_minutes", 40},
          {"home_address", "3 Kiln Yard, Eastmarsh"}, {"family_phone", "01632 960123"},
          {"next_visit_date", day(7)},     {"declaration", true}};
}

void must_sync(Device& d) {
  auto r = d.sync();
  INFO((r.ok() ? std::string() : r.error().describe()));
  REQUIRE(r.ok());
}

struct Council {
  Hub hub;
  Council() {
    hub.add_worker("sam");
    hub.add_case("p1", "Dana Whitfield", "c1", "sam");
    hub.office("PUT", "/v1/office/people/p1", {{"fields", {{"address", "14 Orchard Row"}}}});
  }
};

OpenForm start(CaseForms& forms, const std::string& form_id) {
  auto f = forms.start("c1", form_id);
  INFO((f.ok() ? std::string() : f.error().describe()));
  REQUIRE(f.ok());
  return std::move(*f);
}

void fill(OpenForm& f, const json& answers) {
  auto st = fill_answers(f.session, answers);
  INFO((st.ok() ? std::string() : st.error().describe()));
  REQUIRE(st.ok());
}

}  // namespace

TEST_CASE("a form definition with problems is refused with every problem, and never published") {
  Council c;
  json broken = demo_form("statutory_visit_child");
  broken["survey"][1]["relevant"] = "${no_such_question} = 'yes'";  // row 3
  broken["survey"][2].erase("label");                               // row 4
  auto r = c.hub.office("POST", "/v1/office/forms", broken, 400);
  CHECK(r["error"] == "invalid_argument");
  REQUIRE(r["problems"].size() == 2);
  CHECK(r["problems"][0] == json{{"sheet", "survey"}, {"row", 3}, {"column", "relevant"},
                                 {"message", "${no_such_question} is not a question in this form"}});
  CHECK(r["problems"][1]["row"] == 4);
  CHECK(r["problems"][1]["column"] == "label");
  CHECK(c.hub.office("GET", "/v1/office/forms")["forms"].empty());

  // Not JSON the loader reads at all: one problem, still nothing published.
  auto odd = c.hub.office("POST", "/v1/office/forms", json::array({1, 2}), 400);
  CHECK_FALSE(odd["problems"].empty());

  // Versions only go up, and a published version never changes.
  c.hub.office("POST", "/v1/office/forms", demo_form("statutory_visit_child"));
  json changed = demo_form("statutory_visit_child");
  changed["settings"]["title"] = "Statutory visit, retitled";
  auto same_version = c.hub.office("POST", "/v1/office/forms", changed, 409);
  CHECK(same_version["message"].get<std::string>().find("publish version 2") != std::string::npos);
  auto again = c.hub.office("POST", "/v1/office/forms", demo_form("statutory_visit_child"));
  CHECK(again["published"] == false);

  // A device that received nothing broken has exactly the one good form.
  Device d(c.hub, "sam");
  must_sync(d);
  auto forms = CaseForms(d.store()).available();
  REQUIRE(forms->size() == 1);
  CHECK((*forms)[0].form_id == "statutory_visit_child");
}

TEST_CASE("a statutory visit filled in on the device reaches the office with the address it saved") {
  Council c;
  auto published = c.hub.office("POST", "/v1/office/forms", demo_form("statutory_visit_child"));
  CHECK(published["published"] == true);
  CHECK(published["record"]["id"] == "statutory_visit_child-v1");

  Device d(c.hub, "sam");
  must_sync(d);
  CaseForms forms(d.store());
  auto open = start(forms, "statutory_visit_child");
  CHECK(open.session.state("home_address")->value == forms::Value(std::string("14 Orchard Row")));
  fill(open, good_visit());
  auto out = forms.submit(open.draft.id, open.session);
  REQUIRE(out.ok());
  INFO(forms::describe_problems(out->problems));
  REQUIRE(out->ok());
  const std::string id = out->submission->id;

  auto r = d.sync();
  REQUIRE(r.ok());
  CHECK(r->rejected == 0);
  CHECK(d.store().outbox()->empty());
  CHECK(d.store().list("quarantine")->empty());

  auto sub = c.hub.office("GET", "/v1/office/form-submissions/" + id)["record"];
  CHECK(sub["fields"]["case_id"] == "c1");
  CHECK(sub["fields"]["form_version"] == 1);
  CHECK(sub["fields"]["submitted_by"] == "sam");
  auto answers = json::parse(sub["fields"]["answers"].get<std::string>());
  CHECK(answers["visit_minutes"] == 40);
  CHECK(answers["child_seen"] == "yes");
  auto listed = c.hub.office("GET", "/v1/office/form-submissions?case_id=c1");
  CHECK(listed["submissions"].size() == 1);
  // Data captured once: the person's record on the hub carries what the form saved.
  auto person = c.hub.office("GET", "/v1/office/people/p1")["record"];
  CHECK(person["fields"]["address"] == "3 Kiln Yard, Eastmarsh");
  CHECK(person["fields"]["phone"] == "01632 960123");

  // A second device of the same worker receives the submission on the case.
  Device other(c.hub, "sam");
  must_sync(other);
  CHECK(CaseForms(other.store()).submissions("c1")->size() == 1);
}

TEST_CASE("a submission the hub finds invalid lands in the device's quarantine with the hub's reasons") {
  Council c;
  c.hub.office("POST", "/v1/office/forms", demo_form("statutory_visit_child"));
  Device d(c.hub, "sam");
  must_sync(d);

  // Written through the store's lower API, as a damaged or tampered device might:
  // the device's own check never saw these answers.
  json answers = good_visit();
  answers.erase("home_address");                     // required
  answers["visit_minutes"] = 900;                    // constraint: 1 to 600
  answers["next_visit_date"] = day(90);              // constraint: within 6 weeks
  answers.erase("family_phone");
  const std::string id = new_uuid();
  REQUIRE(d.store()
              .write([&](Writer& w) -> Status {
                auto r = w.change("form_submission", id,
                                  {{"case_id", std::string("c1")},
                                   {"form_id", std::string("statutory_visit_child")},
                                   {"form_version", std::int64_t{1}},
                                   {"answers", answers.dump()},
                                   {"submitted_at", format_timestamp(d.store().clock().now_ms())},
                                   {"submitted_by", std::string("sam")}},
                                  "submitted");
                if (!r) return r.error();
                return {};
              })
              .ok());
  // And one for a version the office never published.
  const std::string unknown = new_uuid();
  REQUIRE(d.store()
              .write([&](Writer& w) -> Status {
                auto r = w.change("form_submission", unknown,
                                  {{"case_id", std::string("c1")},
                                   {"form_id", std::string("statutory_visit_child")},
                                   {"form_version", std::int64_t{7}},
                                   {"answers", good_visit().dump()},
                                   {"submitted_at", format_timestamp(d.store().clock().now_ms())},
                                   {"submitted_by", std::string("sam")}},
                                  "submitted");
                if (!r) return r.error();
                return {};
              })
              .ok());

  auto r = d.sync();
  REQUIRE(r.ok());
  CHECK(r->rejected == 2);
  CHECK(d.store().outbox()->empty());
  auto q = d.store().list("quarantine");
  REQUIRE(q->size() == 2);
  std::map<std::string, std::string> reasons;
  for (const auto& e : *q) reasons[e.text("record_id")] = e.text("reason");
  const std::string& why = reasons[id];
  CHECK(why.rfind("the form has problems: ", 0) == 0);
  CHECK(why.find("visit_minutes: Enter between 1 and 600 minutes.") != std::string::npos);
  CHECK(why.find("next_visit_date: The next visit must be within 6 weeks and not in the past.") != std::string::npos);
  CHECK(why.find("home_address: This question needs an answer.") != std::string::npos);
  CHECK(reasons[unknown] == "the form statutory_visit_child version 7 is not published on this hub");
  // The worker's answers are still on the device; nothing reached the office.
  CHECK(d.store().get("form_submission", id)->has_value());
  CHECK(c.hub.office("GET", "/v1/office/form-submissions?case_id=c1")["submissions"].empty());
  c.hub.office("GET", "/v1/office/form-submissions/" + id, nullptr, 404);
}

TEST_CASE("a form begun on version 1 is submitted as version 1 after version 2 is published, and accepted") {
  Council c;
  c.hub.office("POST", "/v1/office/forms", demo_form("statutory_visit_child"));
  Device d(c.hub, "sam");
  must_sync(d);
  std::string draft_id;
  {
    CaseForms forms(d.store());
    auto open = start(forms, "statutory_visit_child");
    fill(open, good_visit());
    REQUIRE(forms.save(open.draft.id, open.session).ok());
    draft_id = open.draft.id;
  }

  // Version 2 asks one more required question; the worker's draft does not have it.
  json v2 = demo_form("statutory_visit_child");
  v2["settings"]["version"] = 2;
  v2["survey"].insert(v2["survey"].begin() + 1,
                      json{{"type", "text"}, {"name", "school"}, {"label", "Which school?"}, {"required", "yes"}});
  c.hub.office("POST", "/v1/office/forms", v2);
  json old = demo_form("statutory_visit_child");
  c.hub.office("POST", "/v1/office/forms", old);  // republishing version 1 unchanged: harmless
  old["settings"]["version"] = 0;
  c.hub.office("POST", "/v1/office/forms", old, 400);  // a version below 1 is a problem
  must_sync(d);
  d.reopen();  // as after the app was closed and opened again

  CaseForms forms(d.store());
  CHECK((*forms.available())[0].version == 2);
  auto resumed = forms.resume(draft_id);
  REQUIRE(resumed.ok());
  CHECK(resumed->draft.version == 1);
  CHECK(resumed->draft.latest_version == 2);
  auto out = forms.submit(draft_id, resumed->session);
  REQUIRE(out.ok());
  INFO(forms::describe_problems(out->problems));
  REQUIRE(out->ok());
  auto r = d.sync();
  REQUIRE(r.ok());
  CHECK(r->rejected == 0);
  CHECK(d.store().list("quarantine")->empty());
  auto sub = c.hub.office("GET", "/v1/office/form-submissions/" + out->submission->id)["record"];
  CHECK(sub["fields"]["form_version"] == 1);
  auto published = c.hub.office("GET", "/v1/office/forms")["forms"];
  REQUIRE(published.size() == 2);
  CHECK(published[1]["version"] == 2);

  // The same answers as version 2 are refused by the hub: its new question is unanswered.
  auto fresh = start(forms, "statutory_visit_child");
  fill(fresh, good_visit());
  auto refused = forms.submit(fresh.draft.id, fresh.session);
  REQUIRE(refused.ok());
  REQUIRE_FALSE(refused->ok());
  CHECK(refused->problems[0].path == "school");
}

TEST_CASE("a device cannot publish or change a form definition") {
  Council c;
  c.hub.office("POST", "/v1/office/forms", demo_form("statutory_visit_child"));
  Device d(c.hub, "sam");
  must_sync(d);
  auto def = d.store().get("form_definition", "statutory_visit_child-v1");
  REQUIRE(def->has_value());
  REQUIRE(d.store()
              .write([&](Writer& w) -> Status {
                auto r = w.change("form_definition", "statutory_visit_child-v1", {{"title", std::string("Mine now")}},
                                  "changed");
                if (!r) return r.error();
                auto n = w.change("form_definition", "my_form-v1",
                                  {{"form_id", std::string("my_form")}, {"version", std::int64_t{1}},
                                   {"title", std::string("Mine")}, {"definition", std::string("{}")}},
                                  "created");
                if (!n) return n.error();
                return {};
              })
              .ok());
  auto r = d.sync();
  REQUIRE(r.ok());
  CHECK(r->rejected == 2);
  auto q = d.store().list("quarantine");
  REQUIRE(q->size() == 2);
  for (const auto& e : *q) CHECK(e.text("reason") == "forms are published by the office, not a device");
  auto on_hub = c.hub.office("GET", "/v1/office/forms/statutory_visit_child-v1")["record"];
  CHECK(on_hub["fields"]["title"] == "Statutory visit (child)");
  c.hub.office("GET", "/v1/office/forms/my_form-v1", nullptr, 404);
}

namespace {

// A home check with a photo and a signature.
const json kHomeCheck = {
    {"settings", {{"form_id", "home_check"}, {"version", 1}, {"title", "Home check"}}},
    {"survey",
     {{{"type", "image"}, {"name", "photo"}, {"label", "Photo of the kitchen"}, {"required", "yes"}},
      {{"type", "signature"}, {"name", "signature"}, {"label", "Signature of the parent"}}}}};

// PNG-signed bytes with recognisable content, `size` bytes long.
std::string png(const std::string& marker, std::size_t size) {
  std::string s("\x89PNG\r\n\x1a\n", 8);
  while (s.size() < size) s += marker + " pixel " + std::to_string(s.size()) + ";";
  s.resize(size);
  return s;
}

std::string blob_bytes(Store& store, const std::string& sha) {
  std::string out;
  auto st = store.blobs().read(sha, [&](const std::string& chunk) -> Status {
    out += chunk;
    return {};
  });
  INFO((st.ok() ? std::string() : st.error().describe()));
  REQUIRE(st.ok());
  return out;
}

Record write_submission(Device& d, const json& answers) {
  Record made;
  REQUIRE(d.store()
              .write([&](Writer& w) -> Status {
                auto r = w.change("form_submission", new_uuid(),
                                  {{"case_id", std::string("c1")},
                                   {"form_id", std::string("home_check")},
                                   {"form_version", std::int64_t{1}},
                                   {"answers", answers.dump()},
                                   {"submitted_at", format_timestamp(d.store().clock().now_ms())},
                                   {"submitted_by", std::string("sam")}},
                                  "submitted");
                if (!r) return r.error();
                made = std::move(*r);
                return {};
              })
              .ok());
  return made;
}

}  // namespace

TEST_CASE("a photo answered on a form arrives intact on the worker's other device and at the office") {
  Council c;
  c.hub.office("POST", "/v1/office/forms", kHomeCheck);
  Device d(c.hub, "sam");
  must_sync(d);
  CaseForms forms(d.store());
  auto open = start(forms, "home_check");
  const std::string photo = png("KITCHEN", 1536 * 1024 + 77);  // more than one 1 MiB upload piece
  const std::string signature = png("SIGNED", 2048);
  REQUIRE(forms.attach_picture(open.session, "photo", photo).ok());
  REQUIRE(forms.attach_picture(open.session, "signature", signature).ok());
  auto out = forms.submit(open.draft.id, open.session);
  REQUIRE(out.ok());
  INFO(forms::describe_problems(out->problems));
  REQUIRE(out->ok());
  const auto photo_ref = *forms::parse_picture_ref(json::parse(out->submission->text("answers"))["photo"].get<std::string>());

  auto r = d.sync();
  REQUIRE(r.ok());
  CHECK(r->rejected == 0);
  CHECK(r->blobs_up == 2);
  CHECK(d.store().outbox()->empty());
  CHECK(d.store().list("quarantine")->empty());

  // The office reads the submission and the photo it names.
  auto sub = c.hub.office("GET", "/v1/office/form-submissions/" + out->submission->id)["record"];
  CHECK(json::parse(sub["fields"]["answers"].get<std::string>())["photo"] == photo_ref.text());
  auto at_office = c.hub.office("GET", "/v1/blobs/" + photo_ref.sha256);
  REQUIRE(at_office.is_string());
  CHECK(at_office.get<std::string>() == photo);

  // The worker's tablet receives the submission, its attachments and the bytes.
  Device other(c.hub, "sam");
  auto ro = other.sync();
  REQUIRE(ro.ok());
  CHECK(ro->blobs_down == 2);
  CHECK(CaseForms(other.store()).submissions("c1")->size() == 1);
  auto attachments = other.store().list("attachment", "owner_id", out->submission->id);
  REQUIRE(attachments.ok());
  CHECK(attachments->size() == 2);
  CHECK(blob_bytes(other.store(), photo_ref.sha256) == photo);
  const auto sig_ref = *forms::parse_picture_ref(json::parse(out->submission->text("answers"))["signature"].get<std::string>());
  CHECK(blob_bytes(other.store(), sig_ref.sha256) == signature);
}

TEST_CASE("a submission naming a picture the hub does not hold lands in the quarantine, the question named") {
  Council c;
  c.hub.office("POST", "/v1/office/forms", kHomeCheck);
  Device d(c.hub, "sam");
  must_sync(d);

  // A device whose picture left its blob store after submitting: the attachment's
  // operation goes (there is nothing to upload), the submission is refused.
  CaseForms forms(d.store());
  auto open = start(forms, "home_check");
  REQUIRE(forms.attach_picture(open.session, "photo", png("GONE", 4000)).ok());
  auto out = forms.submit(open.draft.id, open.session);
  REQUIRE(out.ok());
  REQUIRE(out->ok());
  const auto gone = *forms::parse_picture_ref(json::parse(out->submission->text("answers"))["photo"].get<std::string>());
  REQUIRE(d.store().blobs().remove(gone.sha256).ok());
  // Written through the store's lower API: a reference to bytes never stored anywhere,
  // and a file name where a picture belongs.
  const std::string never = std::string(64, 'e');
  const Record dangling = write_submission(d, {{"photo", "sha256:" + never + " image/jpeg 5000"}});
  const Record file_name = write_submission(d, {{"photo", "kitchen.jpg"}});

  auto r = d.sync();
  REQUIRE(r.ok());
  CHECK(r->rejected == 3);
  CHECK(d.store().outbox()->empty());
  std::map<std::string, std::string> reasons;
  auto q = d.store().list("quarantine");
  REQUIRE(q.ok());
  for (const auto& e : *q) reasons[e.text("record_id")] = e.text("reason");
  REQUIRE(reasons.size() == 3);
  CHECK(reasons[out->submission->id] ==
        "the form has problems: photo: the picture " + gone.sha256.substr(0, 12) + " was not uploaded to this hub");
  CHECK(reasons[dangling.id] == "the form has problems: photo: the picture eeeeeeeeeeee was not uploaded to this hub");
  CHECK(reasons[file_name.id] ==
        "the form has problems: photo: Attach a photo; this answer does not name a stored picture.; "
        "photo: This question needs an answer.");
  CHECK(c.hub.office("GET", "/v1/office/form-submissions?case_id=c1")["submissions"].empty());
}

namespace {

// A multipart/form-data body of named parts, each sent as a file, and its media type.
std::pair<std::string, std::string> multipart(const std::vector<std::pair<std::string, std::string>>& parts) {
  const std::string b = "doorstep-test-boundary-7f3a";
  std::string body;
  for (const auto& [name, content] : parts)
    body += "--" + b + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + name +
            ".csv\"\r\nContent-Type: text/csv\r\n\r\n" + content + "\r\n";
  body += "--" + b + "--\r\n";
  return {body, "multipart/form-data; boundary=" + b};
}

std::string office_token(Hub& hub) {
  auto r = hub.raw("POST", "/v1/office/login", json{{"username", "office"}, {"password", kOfficePassword}}.dump());
  REQUIRE(r.status == 200);
  return json::parse(r.body)["access_token"].get<std::string>();
}

json publish_sheets(Hub& hub, const std::vector<std::pair<std::string, std::string>>& parts, int status) {
  auto [body, type] = multipart(parts);
  auto r = hub.raw("POST", "/v1/office/forms", body, office_token(hub), {{"Content-Type", type}});
  INFO(r.body);
  REQUIRE(r.status == status);
  return json::parse(r.body);
}

const char* kAgeSurvey =
    "type,name,label::English (en),label::Cymraeg (cy),hint,colour\n"
    "integer,age,Age of the child,Oed y plentyn,In whole years,blue\n"
    "text,nursery,Which nursery?,Pa feithrinfa?,,\n";
const char* kAgeSettings = "form_id,version,form_title\nchild_age_check,1,Child age check\n";

}  // namespace

TEST_CASE("a form published as CSV sheets, through the API and through forms publish, reaches the device") {
  Council c;
  auto out = publish_sheets(c.hub, {{"survey", kAgeSurvey}, {"settings", kAgeSettings}}, 200);
  CHECK(out["record"]["id"] == "child_age_check-v1");
  // What the hub read but does not use comes back with its cell, not silently.
  bool colour = false, welsh = false;
  for (const auto& w : out["warnings"]) {
    colour |= w["column"] == "colour" && w["sheet"] == "survey";
    welsh |= w["column"] == "label::Cymraeg (cy)";
  }
  CHECK(colour);
  CHECK(welsh);
  // A sheet with a problem: every one with sheet, row and column; nothing published.
  auto bad = publish_sheets(c.hub, {{"survey", "type,name,label\ninteger,n,\ntext,t,T\n"}, {"settings", kAgeSettings}}, 400);
  REQUIRE(bad["problems"].size() == 1);
  CHECK(bad["problems"][0] == json{{"sheet", "survey"}, {"row", 2}, {"column", "label"}, {"message", "'n' needs a label"}});

  // The same sheets as a folder, published from the command line as version 2.
  test::TempDir dir;
  const auto folder = dir / "child_age_check";
  std::filesystem::create_directories(folder);
  std::ofstream(folder / "survey.csv") << kAgeSurvey;
  std::ofstream(folder / "settings.csv") << "form_id,version,form_title\nchild_age_check,2,Child age check\n";
  c.hub.stop();  // the data directory is the serving hub's while it runs
  auto cli = c.hub.command({"forms", "publish", folder.string()});
  INFO(cli.output);
  CHECK(cli.status == 0);
  CHECK(cli.output.find("published child_age_check-v2") != std::string::npos);
  CHECK(cli.output.find("warning: survey row 1, colour") != std::string::npos);
  auto refused = c.hub.command({"forms", "publish", (dir / "nothing_here").string()});
  CHECK(refused.status == 1);
  c.hub.start();

  Device d(c.hub, "sam");
  must_sync(d);
  CaseForms forms(d.store());
  auto list = forms.available();
  REQUIRE(list->size() == 1);
  CHECK((*list)[0].version == 2);
  auto open = start(forms, "child_age_check");
  CHECK(open.session.definition().find("age")->label == "Age of the child");  // the first language
}

TEST_CASE("skip logic and constraints in bind:: columns hold on the device, and a repeat_count is refused") {
  // The form of the report: a question for under-fives and an impossible age, both in
  // pyxform's bind:: columns, which Doorstep once dropped without a word.
  Council c;
  const char* survey =
      "type,name,label,bind::relevant,bind::constraint,bind::jr:constraintMsg\n"
      "integer,age,Age of the child,,. < 19,A child is under 19\n"
      "text,nursery,Which nursery?,${age} < 5,,\n";
  publish_sheets(c.hub, {{"survey", survey}, {"settings", kAgeSettings}}, 200);
  const char* counted =
      "type,name,label,repeat_count\n"
      "begin_repeat,kids,Children,3\n"
      "text,kid,Name,\n"
      "end_repeat,,,\n";
  auto refused = publish_sheets(c.hub, {{"survey", counted}, {"form_id", "counted"}}, 400);
  REQUIRE(refused["problems"].size() == 1);
  CHECK(refused["problems"][0]["row"] == 2);
  CHECK(refused["problems"][0]["column"] == "repeat_count");

  Device d(c.hub, "sam");
  must_sync(d);
  CaseForms forms(d.store());
  auto open = start(forms, "child_age_check");
  fill(open, {{"age", 10}});
  CHECK_FALSE(open.session.state("nursery")->relevant);  // not asked of a ten-year-old
  fill(open, {{"age", 3}});
  CHECK(open.session.state("nursery")->relevant);
  fill(open, {{"age", 40}});
  CHECK(open.session.state("age")->problem == "A child is under 19");
  fill(open, {{"age", 3}, {"nursery", "Little Acorns"}});
  auto out = forms.submit(open.draft.id, open.session);
  REQUIRE(out.ok());
  REQUIRE(out->ok());
  auto r = d.sync();
  REQUIRE(r.ok());
  CHECK(r->rejected == 0);  // the hub checks it with the same logic and accepts it
}
