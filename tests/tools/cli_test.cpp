// The doorstep CLI as support staff and scripts use it: the real binary, a real
// encrypted store, secrets from the environment, JSON on stdout, one-line failures.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "doorstep/core/clock.h"
#include "temp_store.h"

namespace {

using doorstep::test::TempDir;

struct Run {
  int code = -1;
  std::string out, err;
  nlohmann::json json() const {
    auto j = nlohmann::json::parse(out, nullptr, false);
    INFO("stdout: " << out << "\nstderr: " << err);
    REQUIRE_FALSE(j.is_discarded());
    return j;
  }
};

std::string drain(int fd) {
  std::string s;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<std::size_t>(n));
  return s;
}

// Runs the CLI with args, the given PIN in DOORSTEP_PIN (unset if empty) and input on stdin.
Run cli(const std::vector<std::string>& args, const std::string& pin = "2468", const std::string& input = "",
        const std::vector<std::string>& extra_env = {}) {
  signal(SIGPIPE, SIG_IGN);  // the CLI may stop reading early (a 10 MB note); that is its right
  int in[2], out[2], err[2];
  REQUIRE(pipe(in) == 0);
  REQUIRE(pipe(out) == 0);
  REQUIRE(pipe(err) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) close(fd);
    int devnull = open("/dev/null", O_RDWR);
    (void)devnull;
    setsid();  // no controlling terminal: a missing secret must fail, not prompt
    if (pin.empty()) unsetenv("DOORSTEP_PIN");
    else setenv("DOORSTEP_PIN", pin.c_str(), 1);
    for (const auto& e : extra_env) putenv(strdup(e.c_str()));
    std::vector<char*> argv{const_cast<char*>(DOORSTEP_CLI)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(DOORSTEP_CLI, argv.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  std::thread writer([&] {
    std::size_t off = 0;
    while (off < input.size()) {
      ssize_t n = ::write(in[1], input.data() + off, input.size() - off);
      if (n <= 0) break;
      off += static_cast<std::size_t>(n);
    }
    close(in[1]);
  });
  std::string err_text;
  std::thread err_reader([&] { err_text = drain(err[0]); });
  Run r;
  r.out = drain(out[0]);
  err_reader.join();
  writer.join();
  r.err = err_text;
  close(out[0]);
  close(err[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

std::vector<std::string> with_store(const TempDir& d, std::vector<std::string> rest) {
  rest.insert(rest.begin(), {"--store", d.path().string()});
  return rest;
}

void write_file(const std::filesystem::path& p, const std::string& content) {
  std::ofstream(p, std::ios::binary) << content;
}

const char* kSample = R"({"people":[{"id":"p1","name":"Dana Whitfield","address":"14 Orchard Row","markers":["dog at property"]}],
 "cases":[{"id":"c1","person_id":"p1","kind":"children","title":"Child in need","visit_interval_days":10}],
 "visits":[{"id":"v1","case_id":"c1","planned_start":"2026-11-25T10:00:00Z","purpose":"statutory visit"}],
 "tasks":[{"id":"t1","case_id":"c1","title":"Check smoke alarm"}]})";

// A store for "alex" with the sample caseload loaded.
void prepare(const TempDir& d) {
  auto init = cli(with_store(d, {"init", "--user", "alex"}));
  INFO(init.err);
  REQUIRE(init.code == 0);
  write_file(d / "sample.json", kSample);
  auto load = cli(with_store(d, {"load", (d / "sample.json").string()}));
  INFO(load.err);
  REQUIRE(load.code == 0);
}

bool one_line(const std::string& s) { return !s.empty() && s.find('\n') == s.size() - 1; }

}  // namespace

TEST_CASE("a worker's day through the CLI: caseload, note, visit, timeline, status") {
  TempDir d;
  prepare(d);
  auto cl = cli(with_store(d, {"caseload", "--json"}));
  REQUIRE(cl.code == 0);
  auto j = cl.json();
  REQUIRE(j["count"] == 1);
  CHECK(j["cases"][0]["person_name"] == "Dana Whitfield");
  CHECK(j["cases"][0]["markers"][0] == "dog at property");

  auto note = cli(with_store(d, {"--json", "note", "add", "--case", "c1"}), "2468", "Seen in the kitchen.\n");
  REQUIRE(note.code == 0);
  CHECK(note.json()["body"] == "Seen in the kitchen.");
  CHECK(note.json()["state"] == "final");

  auto draft = cli(with_store(d, {"--json", "note", "add", "--case", "c1", "--draft"}), "2468", "half written");
  REQUIRE(draft.code == 0);
  CHECK(draft.json()["state"] == "draft");

  REQUIRE(cli(with_store(d, {"visit", "check-in", "--id", "v1", "--expected-end", "2099-01-01T00:00Z"})).code == 0);
  REQUIRE(cli(with_store(d, {"visit", "check-out", "--id", "v1", "--outcome", "All well"})).code == 0);
  REQUIRE(cli(with_store(d, {"task", "complete", "--id", "t1"})).code == 0);

  auto tl = cli(with_store(d, {"timeline", "--person", "p1", "--json"}));
  REQUIRE(tl.code == 0);
  auto t = tl.json();
  CHECK(t["markers"][0] == "dog at property");
  // The final note, the draft, the visit and the task completion: four entries.
  CHECK(t["entries"].size() == 4);

  auto st = cli(with_store(d, {"status", "--json"}));
  REQUIRE(st.code == 0);
  auto s = st.json();
  // note create, check-in, check-out, task completion: the draft is not queued.
  CHECK(s["pending_operations"] == 4);
  CHECK(s["drafts"] == 1);
  CHECK(s["quarantined"] == 0);
  CHECK(s["store_format"]["format"] == "sqlcipher3");
  CHECK(s["store_format"]["cipher_page_size"] == 1024);

  auto found = cli(with_store(d, {"caseload", "--search", "kitch", "--json"}));
  CHECK(found.json()["count"] == 1);
  auto none = cli(with_store(d, {"caseload", "--search", "nothing-like-this", "--json"}));
  CHECK(none.json()["count"] == 0);
}

TEST_CASE("failures exit non-zero with one line saying why, and change nothing") {
  TempDir d;
  prepare(d);
  auto wrong = cli(with_store(d, {"status"}), "0000");
  CHECK(wrong.code == 3);
  CHECK(one_line(wrong.err));
  CHECK(wrong.err.find("PIN is not correct") != std::string::npos);

  auto no_pin = cli(with_store(d, {"status"}), "");
  CHECK(no_pin.code == 1);
  CHECK(no_pin.err.find("DOORSTEP_PIN") != std::string::npos);

  auto bad_case = cli(with_store(d, {"note", "add", "--case", "nope"}), "2468", "text");
  CHECK(bad_case.code == 1);
  CHECK(one_line(bad_case.err));

  auto bad_transition = cli(with_store(d, {"visit", "check-out", "--id", "v1", "--outcome", "x"}));
  CHECK(bad_transition.code == 1);
  CHECK(bad_transition.err.find("planned") != std::string::npos);

  auto usage = cli({"caseload"});
  CHECK(usage.code == 2);
  auto pin_arg = cli(with_store(d, {"status", "--pin", "2468"}));
  CHECK(pin_arg.code == 2);  // there is no way to give a PIN as an argument

  auto json_err = cli(with_store(d, {"--json", "note", "add", "--case", "nope"}), "2468", "x");
  CHECK(json_err.json()["error"]["code"] == "not_found");

  auto st = cli(with_store(d, {"status", "--json"}));
  CHECK(st.json()["pending_operations"] == 0);
}

TEST_CASE("hostile note text: empty, invalid UTF-8, 10 MB, SQL metacharacters") {
  TempDir d;
  prepare(d);
  CHECK(cli(with_store(d, {"note", "add", "--case", "c1"}), "2468", "").code == 1);
  auto bad_utf8 = cli(with_store(d, {"note", "add", "--case", "c1"}), "2468", "caf\xc3(");
  CHECK(bad_utf8.code == 1);
  CHECK(bad_utf8.err.find("UTF-8") != std::string::npos);
  auto huge = cli(with_store(d, {"note", "add", "--case", "c1"}), "2468", std::string(10 << 20, 'a'));
  CHECK(huge.code == 1);
  CHECK(huge.err.find("limit") != std::string::npos);
  const std::string sql = "'); DROP TABLE case_note; -- \" % _ \\";
  auto ok = cli(with_store(d, {"--json", "note", "add", "--case", "c1"}), "2468", sql);
  REQUIRE(ok.code == 0);
  CHECK(ok.json()["body"] == sql);
  auto st = cli(with_store(d, {"status", "--json"}));
  CHECK(st.json()["pending_operations"] == 1);
}

TEST_CASE("reports with photos, attachments exported byte-identical, non-photos refused") {
  TempDir d;
  prepare(d);
  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + "pixels-of-fly-tipping";
  write_file(d / "photo.png", png);
  write_file(d / "notes.txt", "not a photo");
  write_file(d / "empty.jpg", "");
  auto r = cli(with_store(d, {"--json", "report", "add", "--category", "fly-tipping", "--lat", "51.46", "--lon",
                              "-2.59", "--photo", (d / "photo.png").string()}));
  REQUIRE(r.code == 0);
  auto rep = r.json();
  REQUIRE(rep["attachments"].size() == 1);
  const std::string att = rep["attachments"][0]["id"];
  auto ex = cli(with_store(d, {"attachment", "export", "--id", att, "--out", (d / "back.png").string()}));
  REQUIRE(ex.code == 0);
  CHECK(doorstep::test::read_all(d / "back.png") == png);

  auto text = cli(with_store(d, {"report", "add", "--category", "graffiti", "--photo", (d / "notes.txt").string()}));
  CHECK(text.code == 1);
  CHECK(text.err.find("not a photo") != std::string::npos);
  auto empty = cli(with_store(d, {"report", "add", "--category", "graffiti", "--photo", (d / "empty.jpg").string()}));
  CHECK(empty.code == 1);
  CHECK(empty.err.find("empty") != std::string::npos);
  auto list = cli(with_store(d, {"report", "list", "--json"}));
  CHECK(list.json()["reports"].size() == 1);  // the refused reports left nothing behind
}

TEST_CASE("PIN change: the new PIN works, the old does not") {
  TempDir d;
  prepare(d);
  auto ch = cli(with_store(d, {"pin", "change"}), "2468", "", {"DOORSTEP_NEW_PIN=97531"});
  REQUIRE(ch.code == 0);
  CHECK(cli(with_store(d, {"status"}), "2468").code == 3);
  CHECK(cli(with_store(d, {"status"}), "97531").code == 0);
  auto cl = cli(with_store(d, {"caseload", "--json"}), "97531");
  CHECK(cl.json()["count"] == 1);
}

TEST_CASE("wipe erases the store, and several users on one tablet need --user") {
  TempDir d;
  prepare(d);
  REQUIRE(cli(with_store(d, {"init", "--user", "blessing"}), "1357").code == 0);
  auto which = cli(with_store(d, {"status"}));
  CHECK(which.code == 1);
  CHECK(which.err.find("--user") != std::string::npos);
  CHECK(cli(with_store(d, {"--user", "blessing", "status"}), "1357").code == 0);

  auto w = cli(with_store(d, {"--user", "alex", "wipe"}));
  REQUIRE(w.code == 0);
  CHECK_FALSE(std::filesystem::exists(d / "users" / "alex"));
  CHECK(cli(with_store(d, {"--user", "alex", "status"})).code == 1);
  // The other worker's store is untouched.
  CHECK(cli(with_store(d, {"status"}), "1357").code == 0);
}

namespace {

std::string demo_form_text(const std::string& name) {
  return doorstep::test::read_all(std::filesystem::path(DOORSTEP_FORMS_DIR) / (name + ".json"));
}

std::string today_plus(int days) {
  const std::int64_t ms = doorstep::SystemClock::instance().now_ms() + days * 24ll * 3600 * 1000;
  return doorstep::format_timestamp(ms).substr(0, 10);
}

}  // namespace

TEST_CASE("a statutory visit form through the CLI: list, start, answer, show, submit, drafts") {
  TempDir d;
  prepare(d);
  write_file(d / "forms.json", "{\"forms\": [" + demo_form_text("statutory_visit_child") + ", " +
                                   demo_form_text("reablement_review") + ", " + demo_form_text("warden_inspection") + "]}");
  auto loaded = cli(with_store(d, {"--json", "load", (d / "forms.json").string()}));
  INFO(loaded.err);
  REQUIRE(loaded.code == 0);
  CHECK(loaded.json()["forms"] == 3);

  auto list = cli(with_store(d, {"form", "list", "--json"}));
  REQUIRE(list.code == 0);
  auto forms = list.json()["forms"];
  REQUIRE(forms.size() == 3);
  CHECK(forms[1] == nlohmann::json{{"form_id", "statutory_visit_child"}, {"version", 1}, {"title", "Statutory visit (child)"}});

  auto start = cli(with_store(d, {"form", "start", "--case", "c1", "statutory_visit_child"}));
  INFO(start.err);
  REQUIRE(start.code == 0);
  const std::string id = start.out.substr(0, start.out.find('\n'));  // the human output is the draft's id
  auto drafts = cli(with_store(d, {"form", "drafts", "--json"}));
  REQUIRE(drafts.json()["drafts"].size() == 1);
  CHECK(drafts.json()["drafts"][0]["id"] == id);
  CHECK(drafts.json()["drafts"][0]["case_id"] == "c1");

  // A wrong type is refused, naming the question, and saves nothing.
  write_file(d / "bad.json", R"({"child_seen": "yes", "visit_minutes": "forty"})");
  auto bad = cli(with_store(d, {"form", "answer", id, "--file", (d / "bad.json").string()}));
  CHECK(bad.code == 1);
  CHECK(one_line(bad.err));
  CHECK(bad.err.find("visit_minutes") != std::string::npos);

  write_file(d / "first.json",
             "{\"visit_date\": \"" + today_plus(0) + "\", \"child_seen\": \"yes\", \"seen_alone\": \"yes\"}");
  auto first = cli(with_store(d, {"--json", "form", "answer", id, "--file", (d / "first.json").string()}));
  INFO(first.err);
  REQUIRE(first.code == 0);
  CHECK_FALSE(first.json()["problems"].empty());  // still to answer: not an error while filling in

  auto show = cli(with_store(d, {"form", "show", id, "--json"}));
  REQUIRE(show.code == 0);
  std::map<std::string, nlohmann::json> q;
  const auto shown = show.json();
  for (const auto& e : shown["questions"]) q[e["path"]] = e;
  CHECK(q["home_address"]["value"] == "14 Orchard Row");  // prefilled from the person
  CHECK(q["home_address"]["save_to"] == "person.address");
  CHECK(q["seen_alone"]["value"] == "yes");
  CHECK(q["seen_alone"]["relevant"] == true);
  CHECK(q["not_seen_reason"]["relevant"] == false);
  CHECK(q["visit"]["type"] == "begin_group");
  auto human = cli(with_store(d, {"form", "show", id}));
  CHECK(human.out.find("The visit") != std::string::npos);
  CHECK(human.out.find("(not asked)") != std::string::npos);

  // Submitting with problems exits non-zero, lists them and changes nothing.
  auto early = cli(with_store(d, {"--json", "form", "submit", id}));
  CHECK(early.code == 1);
  CHECK(one_line(early.err));
  CHECK(early.err.find("declaration") != std::string::npos);
  auto problems = early.json()["problems"];
  CHECK(std::any_of(problems.begin(), problems.end(), [](const auto& p) { return p["path"] == "bedroom_seen"; }));
  CHECK(cli(with_store(d, {"status", "--json"})).json()["pending_operations"] == 0);

  write_file(d / "rest.json", "{\"bedroom_seen\": \"yes\", \"any_concerns\": \"no\", \"visit_minutes\": 35, "
                              "\"home_address\": \"3 Kiln Yard\", \"next_visit_date\": \"" +
                                  today_plus(10) + "\", \"declaration\": true}");
  REQUIRE(cli(with_store(d, {"form", "answer", id, "--file", (d / "rest.json").string()})).code == 0);
  auto submit = cli(with_store(d, {"--json", "form", "submit", id}));
  INFO(submit.err);
  REQUIRE(submit.code == 0);
  auto s = submit.json();
  CHECK(s["submission"]["type"] == "form_submission");
  CHECK(s["submission"]["form_version"] == 1);
  CHECK(nlohmann::json::parse(s["submission"]["answers"].get<std::string>())["visit_minutes"] == 35);
  REQUIRE(s["saved_to"].size() == 1);
  CHECK(s["saved_to"][0]["address"] == "3 Kiln Yard");

  auto st = cli(with_store(d, {"status", "--json"})).json();
  CHECK(st["pending_operations"] == 2);  // the submission and the person's new address
  CHECK(st["drafts"] == 0);
  CHECK(cli(with_store(d, {"form", "drafts", "--json"})).json()["drafts"].empty());
  auto tl = cli(with_store(d, {"timeline", "--person", "p1", "--json"})).json();
  CHECK(std::any_of(tl["entries"].begin(), tl["entries"].end(), [](const auto& e) { return e["kind"] == "form"; }));
  auto gone = cli(with_store(d, {"form", "show", id}));
  CHECK(gone.code == 1);
  CHECK(gone.err.find("no form draft") != std::string::npos);
}

TEST_CASE("a photo on a form through the CLI: form answer --picture puts it in the store, a bad file changes nothing") {
  TempDir d;
  prepare(d);
  write_file(d / "forms.json",
             R"({"forms": [{"settings": {"form_id": "home_check", "version": 1, "title": "Home check"},
                            "survey": [{"type": "image", "name": "photo", "label": "Photo", "required": "yes"},
                                       {"type": "text", "name": "comment", "label": "Comment"}]}]})");
  REQUIRE(cli(with_store(d, {"load", (d / "forms.json").string()})).code == 0);
  auto start = cli(with_store(d, {"form", "start", "--case", "c1", "home_check"}));
  REQUIRE(start.code == 0);
  const std::string id = start.out.substr(0, start.out.find('\n'));
  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + "CANARY-form-photo-6611";
  write_file(d / "kitchen.png", png);
  write_file(d / "notes.jpg", "not a picture");
  write_file(d / "empty.jpg", "");
  auto blob_files = [&] {
    std::size_t n = 0;
    if (std::filesystem::exists(d / "users"))
      for (const auto& f : doorstep::test::files_under(d.path()))
        n += f.parent_path().filename() == "blobs" ? 1 : 0;
    return n;
  };

  // Each bad picture: exit 1, one line naming the question, the draft and the blob store as they were.
  write_file(d / "comment.json", R"({"comment": "kept only if all is well"})");
  for (const std::string& bad : {(d / "missing.jpg").string(), (d / "notes.jpg").string(), (d / "empty.jpg").string()}) {
    auto r = cli(with_store(d, {"form", "answer", id, "--file", (d / "comment.json").string(), "--picture",
                                "photo=" + (d / "kitchen.png").string(), "--picture", "photo=" + bad}));
    INFO(bad << ": " << r.err);
    CHECK(r.code == 1);
    CHECK(one_line(r.err));
    CHECK(r.err.find("photo: ") != std::string::npos);
    CHECK(blob_files() == 0);
  }
  auto wrong_question = cli(with_store(d, {"form", "answer", id, "--picture", "comment=" + (d / "kitchen.png").string()}));
  CHECK(wrong_question.code == 1);
  CHECK(wrong_question.err.find("only image and signature questions take a picture") != std::string::npos);
  CHECK(cli(with_store(d, {"form", "answer", id, "--picture", "photo"})).code == 1);
  CHECK(cli(with_store(d, {"form", "answer", id})).code == 1);
  auto unchanged = cli(with_store(d, {"form", "show", id, "--json"})).json();
  for (const auto& q : unchanged["questions"]) CHECK(q["value"].is_null());

  auto ok = cli(with_store(d, {"--json", "form", "answer", id, "--picture", "photo=" + (d / "kitchen.png").string()}));
  INFO(ok.err);
  REQUIRE(ok.code == 0);
  CHECK(blob_files() == 1);
  for (const auto& f : doorstep::test::files_under(d.path()))
    if (f.parent_path().filename() == "blobs") CHECK(doorstep::test::read_all(f).find("CANARY-form-photo") == std::string::npos);
  std::string answer;
  const auto shown = cli(with_store(d, {"form", "show", id, "--json"})).json();
  for (const auto& q : shown["questions"])
    if (q["path"] == "photo") answer = q["value"].get<std::string>();
  CHECK(answer.rfind("sha256:", 0) == 0);
  CHECK(answer.find(" image/png " + std::to_string(png.size())) != std::string::npos);

  auto submit = cli(with_store(d, {"--json", "form", "submit", id}));
  INFO(submit.err);
  REQUIRE(submit.code == 0);
  auto s = submit.json();
  REQUIRE(s["attachments"].size() == 1);
  CHECK(s["attachments"][0]["owner_type"] == "form_submission");
  CHECK(s["attachments"][0]["owner_id"] == s["submission"]["id"]);
  CHECK(nlohmann::json::parse(s["submission"]["answers"].get<std::string>())["photo"] == answer);
  CHECK(cli(with_store(d, {"status", "--json"})).json()["pending_operations"] == 2);  // the picture, then the form
  // The attachment exports byte for byte, as a report's photo does.
  const std::string att = s["attachments"][0]["id"];
  REQUIRE(cli(with_store(d, {"attachment", "export", "--id", att, "--out", (d / "back.png").string()})).code == 0);
  CHECK(doorstep::test::read_all(d / "back.png") == png);
}

// A street list filtered by the ward answered before it; "street" sorts before "ward".
const char* kStreetForm = R"JSON({"settings": {"form_id": "street_check", "version": 1},
 "survey": [
  {"type": "select_one wards", "name": "ward", "label::English (en)": "Ward", "label::Cymraeg (cy)": "Ward"},
  {"type": "select_one streets", "name": "street", "label::English (en)": "Street", "label::Cymraeg (cy)": "",
   "choice_filter": "ward = ${ward}"}],
 "choices": [
  {"list_name": "wards", "name": "east", "label::English (en)": "East", "label::Cymraeg (cy)": "Dwyrain"},
  {"list_name": "wards", "name": "west", "label::English (en)": "West", "label::Cymraeg (cy)": "Gorllewin"},
  {"list_name": "streets", "name": "kiln_yard", "label::English (en)": "Kiln Yard", "ward": "east"},
  {"list_name": "streets", "name": "mill_lane", "label::English (en)": "Mill Lane", "ward": "west"}]})JSON";

TEST_CASE("form answer --file applies answers in form order, and a loaded form keeps its first language") {
  TempDir d;
  prepare(d);
  write_file(d / "forms.json", std::string("{\"forms\": [") + kStreetForm + "]}");
  auto loaded = cli(with_store(d, {"load", (d / "forms.json").string()}));
  INFO(loaded.err);
  REQUIRE(loaded.code == 0);  // the empty Cymraeg label of "street" is not a missing label
  auto start = cli(with_store(d, {"form", "start", "--case", "c1", "street_check"}));
  INFO(start.err);
  REQUIRE(start.code == 0);
  const std::string id = start.out.substr(0, start.out.find('\n'));

  // The filtered street first in the file, its ward second: the ward goes in first.
  write_file(d / "answers.json", R"({"street": "kiln_yard", "ward": "east"})");
  auto answered = cli(with_store(d, {"--json", "form", "answer", id, "--file", (d / "answers.json").string()}));
  INFO(answered.err);
  REQUIRE(answered.code == 0);
  CHECK(answered.json()["problems"].empty());
  auto show = cli(with_store(d, {"form", "show", id, "--json"})).json();
  std::map<std::string, nlohmann::json> q;
  for (const auto& e : show["questions"]) q[e["path"]] = e;
  CHECK(q["street"]["value"] == "kiln_yard");
  CHECK(q["street"]["label"] == "Street");  // English, written first, not Cymraeg
  CHECK(q["ward"]["label"] == "Ward");

  // A street the ward does not offer is still refused, naming it.
  write_file(d / "wrong.json", R"({"street": "mill_lane", "ward": "east"})");
  auto wrong = cli(with_store(d, {"form", "answer", id, "--file", (d / "wrong.json").string()}));
  CHECK(wrong.code == 1);
  CHECK(wrong.err.find("street") != std::string::npos);
}
