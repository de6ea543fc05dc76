// Wire messages: every message survives to_json and its parser unchanged, and
// hostile or damaged input is an Error — never an exception, a crash, or a half-read
// message. A failure here means a push the server misreads (a worker's change applied
// to the wrong record, or dropped) or a device brought down by one bad response.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "doorstep/core/hlc.h"
#include "doorstep/protocol/messages.h"

using namespace doorstep;
using namespace doorstep::protocol;
using json = nlohmann::json;

namespace {

const std::string kDevice = "1a0b0c0d-0000-4000-8000-000000000001";
const std::string kClock = Hlc{1'795'595'200'000, 3, kDevice}.encode();
const std::string kBadUtf8 = "Dana \xff\xfe";

Operation sample_op(std::int64_t seq) {
  Operation o;
  o.seq = seq;
  o.op_id = "6f1c2a3b-0000-4000-8000-00000000000" + std::to_string(seq % 10);
  o.record_type = "person";
  o.record_id = "p1";
  o.action = seq == 1 ? "create" : "update";
  o.base_rev = seq == 1 ? 0 : 4;
  o.fields = seq == 1 ? json{{"name", "Dana Whitfield"}, {"markers", {"dog at property"}}}
                      : json{{"markers", {{"add", {"lone-worker risk"}}, {"remove", json::array()}}}};
  o.hlc = kClock;
  return o;
}

Record sample_person() {
  Record r;
  r.type = "person";
  r.id = "p1";
  r.rev = 7;
  r.hlc = kClock;
  r.deleted = false;
  r.fields = {{"name", std::string("Dana Whitfield")}, {"date_of_birth", Value{}}, {"address", std::string("4 Mill Lane")},
              {"phone", Value{}}, {"markers", std::string(R"(["dog at property","lone-worker risk"])")}};
  return r;
}

Record sample_audit() {
  Record r;
  r.type = "audit_event";
  r.id = "ae1";
  r.hlc = kClock;
  r.fields = {{"at", std::string("2026-11-25T09:00:00.000Z")}, {"actor", std::string("sam")}, {"device", kDevice},
              {"action", std::string("viewed")}, {"record_type", std::string("person")}, {"record_id", std::string("p1")}};
  return r;
}

void same_op(const Operation& a, const Operation& b) {
  CHECK(a.seq == b.seq);
  CHECK(a.op_id == b.op_id);
  CHECK(a.record_type == b.record_type);
  CHECK(a.record_id == b.record_id);
  CHECK(a.action == b.action);
  CHECK(a.base_rev == b.base_rev);
  CHECK(a.fields == b.fields);
  CHECK(a.hlc == b.hlc);
}

void same_record(const Record& a, const Record& b) {
  CHECK(a.type == b.type);
  CHECK(a.id == b.id);
  CHECK(a.rev == b.rev);
  CHECK(a.hlc == b.hlc);
  CHECK(a.deleted == b.deleted);
  CHECK(a.fields == b.fields);
}

// Through text too: what goes over the wire is the dump, not the json value.
json over_the_wire(const json& j) {
  auto back = parse_json_text(dump(j), kMaxRequestBytes);
  REQUIRE(back.ok());
  return *back;
}

template <typename T>
void is_error(const Result<T>& r, const std::string& part = "") {
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().domain == ErrorDomain::sync);
  CHECK(r.error().code == ErrorCode::invalid_argument);
  INFO(r.error().message);
  CHECK(r.error().message.find(part) != std::string::npos);
}

json valid_push() {
  PushRequest m;
  m.operations = {sample_op(1), sample_op(2)};
  m.audit_events = {sample_audit()};
  m.purged_cases = {"c1"};
  return to_json(m);
}

json valid_changes() {
  ChangesResponse m;
  ChangeEntry a, b;
  a.seq = 10;
  a.record = sample_person();
  b.seq = 11;
  b.revoke_case = "c1";
  m.entries = {a, b};
  m.cursor = "opaque-11";
  m.more = true;
  m.server_hlc = kClock;
  m.epoch = "e1";
  return to_json(m);
}

json valid_push_response() {
  PushResponse m;
  m.results = {{1, "o1", Outcome::applied, "", 5}, {2, "o2", Outcome::rejected, "the case's status is set by the office", 0}};
  m.audit_accepted = 1;
  m.server_hlc = kClock;
  return to_json(m);
}

}  // namespace

TEST_CASE("enrolment and token messages round-trip") {
  EnrolRequest er{"sam", "correct horse", kDevice, "Sam's tablet"};
  auto er2 = parse_enrol_request(over_the_wire(to_json(er)));
  REQUIRE(er2.ok());
  CHECK(er2->username == er.username);
  CHECK(er2->password == er.password);
  CHECK(er2->device_id == er.device_id);
  CHECK(er2->device_name == er.device_name);

  EnrolResponse es{kDevice, "sam", "north", "refresh", "access", 900, kClock, "e1"};
  auto es2 = parse_enrol_response(over_the_wire(to_json(es)));
  REQUIRE(es2.ok());
  CHECK(es2->device_id == es.device_id);
  CHECK(es2->worker == es.worker);
  CHECK(es2->team == es.team);
  CHECK(es2->refresh_token == es.refresh_token);
  CHECK(es2->access_token == es.access_token);
  CHECK(es2->access_expires_in == 900);
  CHECK(es2->server_hlc == kClock);
  CHECK(es2->epoch == "e1");

  TokenRequest tr{kDevice, "refresh"};
  auto tr2 = parse_token_request(over_the_wire(to_json(tr)));
  REQUIRE(tr2.ok());
  CHECK(tr2->device_id == kDevice);
  CHECK(tr2->refresh_token == "refresh");

  TokenResponse ts{"access", 900, kClock};
  auto ts2 = parse_token_response(over_the_wire(to_json(ts)));
  REQUIRE(ts2.ok());
  CHECK(ts2->access_token == "access");
  CHECK(ts2->access_expires_in == 900);
  CHECK(ts2->server_hlc == kClock);
}

TEST_CASE("operations and push requests round-trip") {
  for (int seq : {1, 2}) {
    auto o = sample_op(seq);
    auto back = parse_operation(over_the_wire(to_json(o)));
    REQUIRE(back.ok());
    same_op(*back, o);
  }
  Operation del = sample_op(3);
  del.action = "delete";
  del.fields = json::object();
  auto back = parse_operation(over_the_wire(to_json(del)));
  REQUIRE(back.ok());
  same_op(*back, del);

  auto push = parse_push_request(over_the_wire(valid_push()));
  REQUIRE(push.ok());
  REQUIRE(push->operations.size() == 2);
  same_op(push->operations[0], sample_op(1));
  same_op(push->operations[1], sample_op(2));
  REQUIRE(push->audit_events.size() == 1);
  auto audit = sample_audit();
  CHECK(push->audit_events[0].fields.at("actor") == audit.fields.at("actor"));
  CHECK(push->audit_events[0].id == "ae1");
  CHECK(push->purged_cases == std::vector<std::string>{"c1"});

  auto empty = parse_push_request(json{{"operations", json::array()}});
  REQUIRE(empty.ok());
  CHECK(empty->operations.empty());
}

TEST_CASE("push responses round-trip with every outcome") {
  PushResponse m;
  std::int64_t seq = 0;
  for (Outcome o : {Outcome::applied, Outcome::merged, Outcome::conflict, Outcome::rejected}) {
    ++seq;
    m.results.push_back({seq, "op" + std::to_string(seq), o, o == Outcome::applied ? "" : std::string("why ") + to_string(o),
                         o == Outcome::rejected ? 0 : seq + 10});
    CHECK(outcome_from_string(to_string(o)) == o);
  }
  m.audit_accepted = 3;
  m.server_hlc = kClock;
  auto back = parse_push_response(over_the_wire(to_json(m)));
  REQUIRE(back.ok());
  REQUIRE(back->results.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(back->results[i].seq == m.results[i].seq);
    CHECK(back->results[i].op_id == m.results[i].op_id);
    CHECK(back->results[i].outcome == m.results[i].outcome);
    CHECK(back->results[i].reason == m.results[i].reason);
    CHECK(back->results[i].rev == m.results[i].rev);
  }
  CHECK(back->audit_accepted == 3);
  CHECK(back->server_hlc == kClock);
  CHECK_FALSE(outcome_from_string("applied ").has_value());
}

TEST_CASE("changes pages, records and error bodies round-trip") {
  auto back = parse_changes_response(over_the_wire(valid_changes()));
  REQUIRE(back.ok());
  REQUIRE(back->entries.size() == 2);
  CHECK(back->entries[0].seq == 10);
  REQUIRE(back->entries[0].record.has_value());
  same_record(*back->entries[0].record, sample_person());
  CHECK(back->entries[1].seq == 11);
  CHECK_FALSE(back->entries[1].record.has_value());
  CHECK(back->entries[1].revoke_case == "c1");
  CHECK(back->cursor == "opaque-11");
  CHECK(back->more);
  CHECK(back->server_hlc == kClock);
  CHECK(back->epoch == "e1");

  // Set fields travel as JSON arrays; a deleted record with every field null survives.
  auto j = record_to_json(sample_person());
  CHECK(j["fields"]["markers"] == json::array({"dog at property", "lone-worker risk"}));
  Record gone = sample_person();
  gone.deleted = true;
  for (auto& [k, v] : gone.fields) v = Value{};
  auto g = record_from_json(over_the_wire(record_to_json(gone)));
  REQUIRE(g.ok());
  same_record(*g, gone);

  for (bool wipe : {false, true}) {
    ErrorBody e{"revoked", "This device has been removed.", wipe};
    auto eb = parse_error_body(over_the_wire(to_json(e)));
    REQUIRE(eb.ok());
    CHECK(eb->code == "revoked");
    CHECK(eb->message == e.message);
    CHECK(eb->wipe == wipe);
  }
}

TEST_CASE("missing members are errors naming the member") {
  auto without = [](json j, const char* key) {
    j.erase(key);
    return j;
  };
  is_error(parse_enrol_request(without(to_json(EnrolRequest{"sam", "pw", kDevice, ""}), "username")), "username");
  is_error(parse_enrol_request(without(to_json(EnrolRequest{"sam", "pw", kDevice, ""}), "device_id")), "device_id");
  is_error(parse_token_request(without(to_json(TokenRequest{kDevice, "r"}), "refresh_token")), "refresh_token");
  is_error(parse_token_response(without(to_json(TokenResponse{"a", 1, kClock}), "server_hlc")), "server_hlc");
  is_error(parse_enrol_response(without(to_json(EnrolResponse{kDevice, "sam", "", "r", "a", 1, kClock, ""}), "access_token")),
           "access_token");
  for (const char* key : {"seq", "op_id", "record_type", "record_id", "action", "base_rev", "hlc"})
    is_error(parse_operation(without(to_json(sample_op(1)), key)), key);
  is_error(parse_operation(without(to_json(sample_op(1)), "fields")), "fields");
  is_error(parse_push_request(without(valid_push(), "operations")), "operations");
  is_error(parse_push_response(without(valid_push_response(), "results")), "results");
  is_error(parse_push_response(without(valid_push_response(), "server_hlc")), "server_hlc");
  is_error(parse_changes_response(without(valid_changes(), "entries")), "entries");
  is_error(parse_changes_response(without(valid_changes(), "cursor")), "cursor");
  is_error(parse_error_body(json{{"message", "x"}}), "error");
  for (const char* key : {"type", "id", "rev", "hlc", "fields"})
    is_error(record_from_json(without(record_to_json(sample_person()), key)), key);
  json entry = valid_changes();
  entry["entries"][1].erase("revoke_case");
  is_error(parse_changes_response(entry), "revoke_case");
}

TEST_CASE("wrong types are errors") {
  for (const json& not_object : {json(nullptr), json(1), json("text"), json::array(), json(true)}) {
    is_error(parse_enrol_request(not_object));
    is_error(parse_enrol_response(not_object));
    is_error(parse_token_request(not_object));
    is_error(parse_token_response(not_object));
    is_error(parse_operation(not_object));
    is_error(parse_push_request(not_object));
    is_error(parse_push_response(not_object));
    is_error(parse_changes_response(not_object));
    is_error(parse_error_body(not_object));
    is_error(record_from_json(not_object));
  }
  auto with = [](json j, const char* key, json v) {
    j[key] = std::move(v);
    return j;
  };
  is_error(parse_operation(with(to_json(sample_op(1)), "seq", "1")), "seq");
  is_error(parse_operation(with(to_json(sample_op(1)), "seq", 1.5)), "seq");
  is_error(parse_operation(with(to_json(sample_op(1)), "base_rev", json::array())), "base_rev");
  is_error(parse_operation(with(to_json(sample_op(1)), "hlc", 12)), "hlc");
  is_error(parse_operation(with(to_json(sample_op(1)), "fields", json::array())), "fields");
  is_error(parse_operation(with(to_json(sample_op(1)), "fields", "{}")), "fields");
  is_error(parse_push_request(with(valid_push(), "operations", json::object())), "operations");
  is_error(parse_push_request(with(valid_push(), "audit_events", "x")), "audit_events");
  is_error(parse_push_request(with(valid_push(), "purged_cases", json::object())), "purged_cases");
  is_error(parse_push_request(with(valid_push(), "purged_cases", json::array({7}))), "purged_cases");
  is_error(parse_push_response(with(valid_push_response(), "audit_accepted", "1")), "audit_accepted");
  is_error(parse_changes_response(with(valid_changes(), "more", "yes")), "more");
  is_error(parse_error_body(json{{"error", "x"}, {"wipe", 1}}), "wipe");
  // Record field values are checked against the schema.
  json rec = record_to_json(sample_person());
  rec["fields"]["name"] = 42;
  is_error(record_from_json(rec), "name");
  rec = record_to_json(sample_person());
  rec["fields"]["markers"] = json::array({1, 2});
  is_error(record_from_json(rec), "markers");
  rec = record_to_json(sample_person());
  rec["deleted"] = "no";
  is_error(record_from_json(rec), "deleted");
  rec = record_to_json(sample_person());
  rec["fields"]["nickname"] = "D";
  is_error(record_from_json(rec), "nickname");
}

TEST_CASE("bad values: ids, record types, actions, clocks, outcomes, negative numbers") {
  auto with = [](json j, const char* key, json v) {
    j[key] = std::move(v);
    return j;
  };
  const json op = to_json(sample_op(1));
  for (const std::string& bad_id : std::vector<std::string>{"", "../etc/passwd", "a b", std::string(65, 'a'), "p1\n", "p1;DROP"}) {
    DYNAMIC_SECTION("id " << json(bad_id).dump()) {
      is_error(parse_operation(with(op, "record_id", bad_id)));
      is_error(parse_operation(with(op, "op_id", bad_id)));
      is_error(record_from_json(with(record_to_json(sample_person()), "id", bad_id)));
      is_error(parse_enrol_request(with(to_json(EnrolRequest{"sam", "pw", kDevice, ""}), "device_id", bad_id)));
      json changes = valid_changes();
      changes["entries"][1]["revoke_case"] = bad_id;
      is_error(parse_changes_response(changes));
      is_error(parse_push_request(with(valid_push(), "purged_cases", json::array({bad_id}))));
    }
  }
  is_error(parse_operation(with(op, "record_type", "invoice")), "unknown record type");
  is_error(record_from_json(with(record_to_json(sample_person()), "type", "invoice")), "unknown record type");
  is_error(parse_operation(with(op, "action", "upsert")), "unknown action");
  is_error(parse_operation(with(op, "hlc", "yesterday")), "hlc");
  is_error(parse_operation(with(op, "hlc", "")), "hlc");
  is_error(parse_operation(with(op, "seq", 0)), "seq");
  is_error(parse_operation(with(op, "seq", -5)), "seq");
  is_error(parse_operation(with(op, "base_rev", -1)), "base_rev");
  is_error(record_from_json(with(record_to_json(sample_person()), "rev", -1)), "rev");
  is_error(record_from_json(with(record_to_json(sample_person()), "hlc", "zzzz")), "hlc");
  json resp = valid_push_response();
  resp["results"][0]["outcome"] = "maybe";
  is_error(parse_push_response(resp), "outcome");
  // Audit events must be audit events.
  json push = valid_push();
  push["audit_events"] = json::array({record_to_json(sample_person())});
  is_error(parse_push_request(push), "audit_events");
}

TEST_CASE("operations must come in strictly increasing sequence order, at most kMaxPushOperations") {
  PushRequest m;
  m.operations = {sample_op(2), sample_op(1)};
  is_error(parse_push_request(to_json(m)), "sequence");
  m.operations = {sample_op(2), sample_op(2)};
  is_error(parse_push_request(to_json(m)), "sequence");

  json many = json::array();
  for (int i = 1; i <= kMaxPushOperations + 1; ++i) {
    Operation o = sample_op(2);
    o.seq = i;
    many.push_back(to_json(o));
  }
  is_error(parse_push_request(json{{"operations", many}}), "too many");
  many.erase(many.end() - 1);
  auto at_limit = parse_push_request(json{{"operations", many}});
  REQUIRE(at_limit.ok());
  CHECK(at_limit->operations.size() == static_cast<std::size_t>(kMaxPushOperations));
}

TEST_CASE("a changes page out of sequence order, or over kMaxPageEntries, is an error") {
  // Otherwise the puller would apply such a page and store a cursor that skips or
  // repeats entries.
  json page = valid_changes();
  std::swap(page["entries"][0], page["entries"][1]);
  is_error(parse_changes_response(page), "order");

  json big = valid_changes();
  json entries = json::array();
  for (int i = 1; i <= kMaxPageEntries + 1; ++i) entries.push_back({{"seq", i}, {"revoke_case", "c1"}});
  big["entries"] = entries;
  is_error(parse_changes_response(big), "too many");
}

TEST_CASE("huge strings are refused where a limit applies, and never crash") {
  auto with = [](json j, const char* key, json v) {
    j[key] = std::move(v);
    return j;
  };
  const std::string huge(1 << 20, 'x');
  is_error(parse_enrol_request(with(to_json(EnrolRequest{"sam", "pw", kDevice, ""}), "username", huge)), "too long");
  is_error(parse_enrol_request(with(to_json(EnrolRequest{"sam", "pw", kDevice, ""}), "password", huge)), "too long");
  is_error(parse_token_request(with(to_json(TokenRequest{kDevice, "r"}), "refresh_token", huge)), "too long");
  is_error(parse_operation(with(to_json(sample_op(1)), "hlc", kClock + huge)), "too long");
  is_error(parse_operation(with(to_json(sample_op(1)), "action", huge)), "too long");
  is_error(parse_error_body(json{{"error", huge}}), "too long");
  auto oversized = parse_json_text(std::string(kMaxRequestBytes + 1, ' '), kMaxRequestBytes);
  REQUIRE_FALSE(oversized.ok());
  CHECK(oversized.error().code == ErrorCode::too_large);
  auto too_large = parse_json_text("\"" + huge + "\"", 1000);
  REQUIRE_FALSE(too_large.ok());
  CHECK(too_large.error().code == ErrorCode::too_large);
}

TEST_CASE("text that is not UTF-8 is an error, and dump never throws") {
  auto with = [](json j, const char* key, json v) {
    j[key] = std::move(v);
    return j;
  };
  is_error(parse_enrol_request(with(to_json(EnrolRequest{"sam", "pw", kDevice, ""}), "username", kBadUtf8)), "UTF-8");
  is_error(parse_error_body(json{{"error", "x"}, {"message", kBadUtf8}}), "UTF-8");
  is_error(parse_token_response(with(to_json(TokenResponse{"a", 1, kClock}), "access_token", kBadUtf8)), "UTF-8");
  json rec = record_to_json(sample_person());
  rec["fields"]["name"] = kBadUtf8;
  is_error(record_from_json(rec), "UTF-8");
  // Raw bytes on the wire: the JSON parser refuses them.
  is_error(parse_json_text("{\"username\": \"" + kBadUtf8 + "\"}", kMaxRequestBytes));
  CHECK_NOTHROW(dump(json{{"name", kBadUtf8}}));
  Record damaged = sample_person();
  damaged.fields["name"] = kBadUtf8;
  CHECK_NOTHROW(dump(record_to_json(damaged)));
}

TEST_CASE("damaged JSON text is an error") {
  const std::string whole = dump(valid_push());
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, whole.size() / 2, whole.size() - 1})
    is_error(parse_json_text(whole.substr(0, cut), kMaxRequestBytes));
  is_error(parse_json_text("{\"a\": 1,}", kMaxRequestBytes));
  is_error(parse_json_text(std::string("{\"a\"\0: 1}", 9), kMaxRequestBytes));
  auto ok = parse_json_text(whole, kMaxRequestBytes);
  REQUIRE(ok.ok());
  CHECK(parse_push_request(*ok).ok());
  // Deep nesting parses or fails, but does not bring the process down.
  const std::string deep = std::string(20000, '[') + std::string(20000, ']');
  CHECK_NOTHROW(parse_json_text(deep, kMaxRequestBytes));
}

TEST_CASE("every member replaced by every hostile value: an Error or a message, never an exception") {
  const std::vector<json> hostile = {nullptr, 0, -1, 1.5, true, "", kBadUtf8, std::string(100000, 'x'),
                                     json::array(), json::object(), json::array({nullptr}), INT64_MIN, UINT64_MAX};
  using Parser = std::function<bool(const json&)>;
  struct Case {
    const char* name;
    json valid;
    Parser parse;
  };
  const std::vector<Case> cases = {
      {"enrol request", to_json(EnrolRequest{"sam", "pw", kDevice, "tab"}), [](const json& j) { return parse_enrol_request(j).ok(); }},
      {"enrol response", to_json(EnrolResponse{kDevice, "sam", "t", "r", "a", 1, kClock, "e"}),
       [](const json& j) { return parse_enrol_response(j).ok(); }},
      {"token request", to_json(TokenRequest{kDevice, "r"}), [](const json& j) { return parse_token_request(j).ok(); }},
      {"token response", to_json(TokenResponse{"a", 1, kClock}), [](const json& j) { return parse_token_response(j).ok(); }},
      {"operation", to_json(sample_op(1)), [](const json& j) { return parse_operation(j).ok(); }},
      {"push", valid_push(), [](const json& j) { return parse_push_request(j).ok(); }},
      {"push response", valid_push_response(), [](const json& j) { return parse_push_response(j).ok(); }},
      {"changes", valid_changes(), [](const json& j) { return parse_changes_response(j).ok(); }},
      {"error", to_json(ErrorBody{"revoked", "m", true}), [](const json& j) { return parse_error_body(j).ok(); }},
      {"record", record_to_json(sample_person()), [](const json& j) { return record_from_json(j).ok(); }},
  };
  int parsed = 0;
  for (const auto& c : cases) {
    REQUIRE(c.parse(c.valid));
    // Every member at the top level and one level down (operations, entries, fields).
    std::vector<json::json_pointer> members;
    const json flat_members = c.valid.flatten();
    for (const auto& [flat, v] : flat_members.items()) {
      auto p = json::json_pointer(flat);
      while (!p.empty()) {
        members.push_back(p);
        p = p.parent_pointer();
      }
    }
    for (const auto& p : members) {
      for (const auto& h : hostile) {
        // A set member that is not UTF-8 throws inside core's value_from_json; that
        // case has its own test below until core is fixed.
        if (h == kBadUtf8 && p.to_string().find("/markers/") != std::string::npos) continue;
        json j = c.valid;
        j[p] = h;
        INFO(c.name << " " << p.to_string() << " = " << dump(h).substr(0, 40));
        CHECK_NOTHROW(parsed += c.parse(j) ? 1 : 0);
      }
      json j = c.valid;
      if (!p.empty() && j[p.parent_pointer()].is_object()) {
        j[p.parent_pointer()].erase(p.back());
        CHECK_NOTHROW(parsed += c.parse(j) ? 1 : 0);
      }
    }
  }
  CHECK(parsed > 0);  // optional members do accept some values
}

TEST_CASE("a set member that is not UTF-8 is an error, not an exception") {
  // JSON built in memory can hold such bytes (text off the wire cannot: parse_json_text
  // refuses it); core's value_from_json must refuse them rather than throw on dump.
  json rec = record_to_json(sample_person());
  rec["fields"]["markers"] = json::array({kBadUtf8});
  Result<Record> r = make_error(ErrorDomain::sync, ErrorCode::internal, "not run");
  REQUIRE_NOTHROW(r = record_from_json(rec));
  is_error(r, "markers");
}

namespace {

// The page read from text without a tree (what the puller uses) against the page
// read through a tree: the same outcome, the same page.
void same_reading(const std::string& text) {
  INFO(text.substr(0, 300));
  auto tree = parse_json_text(text, kMaxResponseBytes);
  Result<ChangesResponse> by_tree = make_error(ErrorDomain::sync, ErrorCode::invalid_argument, "not JSON");
  if (tree) by_tree = parse_changes_response(*tree);
  Result<ChangesResponse> by_text = make_error(ErrorDomain::sync, ErrorCode::internal, "not run");
  REQUIRE_NOTHROW(by_text = parse_changes_text(text, kMaxResponseBytes));
  REQUIRE(by_text.ok() == by_tree.ok());
  if (!by_text.ok()) {
    CHECK(by_text.error().code == ErrorCode::invalid_argument);
    return;
  }
  CHECK(by_text->cursor == by_tree->cursor);
  CHECK(by_text->more == by_tree->more);
  CHECK(by_text->server_hlc == by_tree->server_hlc);
  CHECK(by_text->epoch == by_tree->epoch);
  CHECK(by_text->epoch_base == by_tree->epoch_base);
  REQUIRE(by_text->entries.size() == by_tree->entries.size());
  for (std::size_t i = 0; i < by_text->entries.size(); ++i) {
    const auto &a = by_text->entries[i], &b = by_tree->entries[i];
    CHECK(a.seq == b.seq);
    CHECK(a.revoke_case == b.revoke_case);
    CHECK(a.changed_since_base == b.changed_since_base);
    REQUIRE(a.record.has_value() == b.record.has_value());
    if (a.record) same_record(*a.record, *b.record);
  }
}

}  // namespace

TEST_CASE("a changes page read from its text is the page read through a JSON tree") {
  json page = valid_changes();
  page["entries"][0]["changed_since_base"] = json::array({"name", "deleted"});
  page["epoch_base"] = 7;
  page["unknown_member"] = json::object({{"nested", json::array({1, {{"a", "b"}}})}});
  page["entries"][1]["extra"] = json::array({json::array()});
  same_reading(dump(page));
  same_reading(dump(valid_changes()));
  // Keys in any order (the hub writes a record's type first; a tree dump sorts them).
  same_reading(R"({"more":false,"entries":[{"record":{"fields":{"name":"Dana"},"type":"person","hlc":")" + kClock +
               R"(","id":"p1","rev":3,"deleted":false},"seq":4},{"revoke_case":"c1","seq":5}],"cursor":"c","server_hlc":")" +
               kClock + R"("})");
  // Every member replaced by every hostile value, or removed.
  const std::vector<json> hostile = {nullptr, 0, -1, 1.5, true, "", kBadUtf8, std::string(5000, 'x'),
                                     json::array(), json::object(), json::array({nullptr}), json::array({"a"}),
                                     INT64_MIN, UINT64_MAX};
  std::vector<json::json_pointer> members;
  const json flat_members = page.flatten();
  for (const auto& [flat, v] : flat_members.items())
    for (auto p = json::json_pointer(flat); !p.empty(); p = p.parent_pointer()) members.push_back(p);
  for (const auto& p : members) {
    for (const auto& h : hostile) {
      json j = page;
      j[p] = h;
      same_reading(dump(j));
    }
    json j = page;
    if (j[p.parent_pointer()].is_object()) {
      j[p.parent_pointer()].erase(p.back());
      same_reading(dump(j));
    }
  }
  // Not an object, damaged text, entries out of order or too many.
  for (const char* text : {"", "[]", "1", "null", "\"x\"", "{", "{\"entries\":[}", "{\"entries\":[1]}",
                           "{\"entries\":[[]]}", "{\"entries\":{}}", "{} {}"})
    same_reading(text);
  const std::string whole = dump(page);
  for (std::size_t cut = 0; cut < whole.size(); cut += 7) same_reading(whole.substr(0, cut));
  json swapped = valid_changes();
  std::swap(swapped["entries"][0], swapped["entries"][1]);
  same_reading(dump(swapped));
  json big = valid_changes();
  json entries = json::array();
  for (int i = 1; i <= kMaxPageEntries + 1; ++i) entries.push_back({{"seq", i}, {"revoke_case", "c1"}});
  big["entries"] = entries;
  same_reading(dump(big));
  big["entries"].erase(big["entries"].size() - 1);
  same_reading(dump(big));
  auto too_big = parse_changes_text(dump(big), 100);
  REQUIRE_FALSE(too_big.ok());
  CHECK(too_big.error().code == ErrorCode::too_large);
}
