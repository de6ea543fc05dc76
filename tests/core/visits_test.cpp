// Visits: the visit lifecycle a worker steps through at the door (plan, check in with
// a lone-worker timer, check out with an outcome, or cancel / no access). A wrong
// transition must change nothing; a right one must be queued for the office and
// audited exactly once, or a statutory visit goes unrecorded (or is recorded twice).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <string>

#include "doorstep/core/store.h"
#include "doorstep/core/visits.h"
#include "temp_store.h"

using namespace doorstep;
using namespace doorstep::test;

namespace {

const std::int64_t kNow = 1'795'595'200'000;  // 2026-11-25T08:26:40Z

std::int64_t count(Store& s, const std::string& type, const std::string& field = "", const std::string& eq = "") {
  auto r = s.list(type, field, eq, 100000);
  REQUIRE(r.ok());
  return static_cast<std::int64_t>(r->size());
}

std::int64_t outbox_count(Store& s) {
  auto r = s.outbox(100000);
  REQUIRE(r.ok());
  return static_cast<std::int64_t>(r->size());
}

OutboxOperation last_op(Store& s) {
  auto r = s.outbox(100000);
  REQUIRE(r.ok());
  REQUIRE(!r->empty());
  return r->back();
}

Record visit(Store& s, const std::string& id) {
  auto r = s.get("visit", id);
  REQUIRE(r.ok());
  REQUIRE(r->has_value());
  return **r;
}

VisitCheckIn check_in_at(const std::string& at, const std::string& expected_end) {
  VisitCheckIn c;
  c.at = at;
  c.expected_end = expected_end;
  return c;
}

const VisitCheckIn kGoodCheckIn = check_in_at("2026-11-25T10:05:00Z", "2026-11-25T11:00:00Z");

// Applies a named action with valid arguments.
Result<Record> apply(Visits& v, const std::string& id, const std::string& action) {
  if (action == "check_in") return v.check_in(id, kGoodCheckIn);
  if (action == "check_out") return v.check_out(id, "Child seen alone; no concerns.", "2026-11-25T10:50:00Z");
  if (action == "cancel") return v.cancel(id, "Family asked to rearrange.");
  return v.no_access(id, "No answer at the door.");
}

// A new visit on case c1, driven into `state` by valid transitions.
std::string visit_in_state(Store& s, const std::string& state) {
  Visits v(s);
  VisitPlan p;
  p.case_id = "c1";
  p.planned_start = "2026-11-25T10:00:00Z";
  p.purpose = "statutory visit";
  auto planned = v.plan(p);
  INFO((planned ? "" : planned.error().describe()));
  REQUIRE(planned.ok());
  const std::string id = planned->id;
  auto step = [&](const char* action) {
    auto r = apply(v, id, action);
    INFO((r ? "" : r.error().describe()));
    REQUIRE(r.ok());
  };
  if (state == "under_way" || state == "completed") step("check_in");
  if (state == "completed") step("check_out");
  if (state == "cancelled") step("cancel");
  if (state == "no_access") step("no_access");
  REQUIRE(visit(s, id).text("status") == state);
  return id;
}

// The lifecycle of visits.h: (from, action) -> to; anything not listed is invalid.
struct Edge {
  const char* from;
  const char* action;
  const char* to;
  const char* audit;
};
const Edge kEdges[] = {
    {"planned", "check_in", "under_way", "checked_in"},
    {"planned", "cancel", "cancelled", "cancelled"},
    {"planned", "no_access", "no_access", "no_access"},
    {"under_way", "check_out", "completed", "checked_out"},
    {"under_way", "no_access", "no_access", "no_access"},
};
const char* kStates[] = {"planned", "under_way", "completed", "cancelled", "no_access"};
const char* kActions[] = {"check_in", "check_out", "cancel", "no_access"};

const Edge* edge(const std::string& from, const std::string& action) {
  for (const auto& e : kEdges)
    if (from == e.from && action == e.action) return &e;
  return nullptr;
}

struct Snapshot {
  Record visit;
  std::int64_t outbox = 0, audit = 0;
};

Snapshot snapshot(Store& s, const std::string& id) { return {visit(s, id), outbox_count(s), count(s, "audit_event")}; }

void expect_unchanged(Store& s, const std::string& id, const Snapshot& before) {
  const Snapshot after = snapshot(s, id);
  CHECK(after.visit.text("status") == before.visit.text("status"));
  CHECK(after.visit.fields == before.visit.fields);
  CHECK(after.visit.hlc == before.visit.hlc);
  CHECK(after.outbox == before.outbox);
  CHECK(after.audit == before.audit);
}

}  // namespace

TEST_CASE("every visit transition: valid ones move on, invalid ones change nothing", "[visits]") {
  TempDir tmp;
  ManualClock clock(kNow);
  auto store = make_store(tmp / "alex", fast_options(&clock));
  load_sample(*store);
  Visits visits(*store);

  for (const char* from : kStates) {
    for (const char* action : kActions) {
      const std::string id = visit_in_state(*store, from);
      const Snapshot before = snapshot(*store, id);
      const Edge* e = edge(from, action);
      INFO("visit " << from << " -> " << action);
      CHECK(visit_transition_allowed(from, action) == (e != nullptr));
      auto r = apply(visits, id, action);
      if (e) {
        INFO((r ? "" : r.error().describe()));
        INFO("a valid visit step was refused: the worker could not record what happened at the door");
        REQUIRE(r.ok());
        CHECK(r->text("status") == e->to);
        CHECK(visit(*store, id).text("status") == e->to);
        INFO("each recorded step must reach the office exactly once and be audited exactly once");
        CHECK(outbox_count(*store) == before.outbox + 1);
        CHECK(count(*store, "audit_event") == before.audit + 1);
        const OutboxOperation op = last_op(*store);
        CHECK(op.record_type == "visit");
        CHECK(op.record_id == id);
        CHECK(op.action == "update");
        CHECK(nlohmann::json::parse(op.fields).at("status") == e->to);
        auto audit = store->list("audit_event", "record_id", id);
        REQUIRE(audit.ok());
        REQUIRE(!audit->empty());
        CHECK(audit->back().text("action") == e->audit);
        CHECK(audit->back().text("actor") == "alex");
      } else {
        REQUIRE_FALSE(r.ok());
        INFO(r.error().describe());
        CHECK(r.error().code == ErrorCode::invalid_transition);
        INFO("a refused visit step must leave the visit, the outbox and the audit trail untouched");
        expect_unchanged(*store, id, before);
      }
    }
  }
  CHECK_FALSE(visit_transition_allowed("planned", "teleport"));
  CHECK_FALSE(visit_transition_allowed("", "check_in"));
}

TEST_CASE("a loaded (office) visit goes up as an update of the server's revision", "[visits]") {
  TempDir tmp;
  ManualClock clock(kNow);
  auto store = make_store(tmp / "alex", fast_options(&clock));
  load_sample(*store);
  REQUIRE(outbox_count(*store) == 0);
  Visits visits(*store);

  auto in = visits.check_in("v1", kGoodCheckIn);
  REQUIRE(in.ok());
  auto out = visits.check_out("v1", "Seen with mum; bedroom checked.", "2026-11-25T10:45:00+00:00");
  REQUIRE(out.ok());
  auto ops = store->outbox();
  REQUIRE(ops.ok());
  REQUIRE(ops->size() == 2);
  for (const auto& op : *ops) {
    CHECK(op.record_id == "v1");
    CHECK(op.action == "update");
    CHECK(op.base_rev == 1);
  }
  auto first = nlohmann::json::parse((*ops)[0].fields);
  CHECK(first.at("status") == "under_way");
  CHECK(first.at("checked_in_at") == "2026-11-25T10:05:00.000Z");
  CHECK(first.at("expected_end") == "2026-11-25T11:00:00.000Z");
  auto second = nlohmann::json::parse((*ops)[1].fields);
  CHECK(second.at("status") == "completed");
  CHECK(second.at("outcome") == "Seen with mum; bedroom checked.");
  CHECK(second.at("checked_out_at") == "2026-11-25T10:45:00.000Z");
  CHECK((*ops)[0].hlc < (*ops)[1].hlc);

  const Record v = visit(*store, "v1");
  CHECK(v.text("status") == "completed");
  CHECK(v.text("purpose") == "statutory visit");  // untouched fields survive
  CHECK(v.rev == 1);
}

TEST_CASE("planning a visit queues a create and audits it once", "[visits]") {
  TempDir tmp;
  ManualClock clock(kNow);
  auto store = make_store(tmp / "alex", fast_options(&clock));
  load_sample(*store);
  Visits visits(*store);
  const auto audit_before = count(*store, "audit_event");

  VisitPlan p;
  p.case_id = "c1";
  p.planned_start = "2026-12-01T14:00:00+01:00";
  p.planned_end = "2026-12-01T15:00:00+01:00";
  p.purpose = "review";
  auto r = visits.plan(p);
  REQUIRE(r.ok());
  CHECK(is_uuid(r->id));
  CHECK(r->text("status") == "planned");
  CHECK(r->text("planned_start") == "2026-12-01T13:00:00.000Z");
  CHECK(r->rev == 0);
  REQUIRE(outbox_count(*store) == 1);
  const OutboxOperation op = last_op(*store);
  CHECK(op.action == "create");
  CHECK(op.record_id == r->id);
  auto f = nlohmann::json::parse(op.fields);
  CHECK(f.at("case_id") == "c1");
  CHECK(f.at("planned_start") == "2026-12-01T13:00:00.000Z");
  CHECK(f.at("planned_end") == "2026-12-01T14:00:00.000Z");
  CHECK(f.at("purpose") == "review");
  CHECK(f.at("status") == "planned");
  CHECK(count(*store, "audit_event") == audit_before + 1);

  SECTION("bad plans are refused and write nothing") {
    const auto outbox_before = outbox_count(*store);
    const auto visits_before = count(*store, "visit");
    const auto audits = count(*store, "audit_event");
    struct Bad {
      const char* what;
      VisitPlan plan;
      ErrorCode code;
    };
    const Bad bad[] = {
        {"impossible date", {"c1", "2026-02-30T10:00:00Z", "", ""}, ErrorCode::invalid_argument},
        {"not a time", {"c1", "next tuesday", "", ""}, ErrorCode::invalid_argument},
        {"no start", {"c1", "", "", ""}, ErrorCode::invalid_argument},
        {"hour 25", {"c1", "2026-11-25T25:00:00Z", "", ""}, ErrorCode::invalid_argument},
        {"bad end", {"c1", "2026-11-25T10:00:00Z", "2026-11-25T10:61:00Z", ""}, ErrorCode::invalid_argument},
        {"end before start", {"c1", "2026-11-25T10:00:00Z", "2026-11-25T09:00:00Z", ""}, ErrorCode::invalid_argument},
        {"unknown case", {"no-such-case", "2026-11-25T10:00:00Z", "", ""}, ErrorCode::not_found},
    };
    for (const auto& b : bad) {
      INFO(b.what);
      auto res = visits.plan(b.plan);
      REQUIRE_FALSE(res.ok());
      CHECK(res.error().code == b.code);
    }
    CHECK(outbox_count(*store) == outbox_before);
    CHECK(count(*store, "visit") == visits_before);
    CHECK(count(*store, "audit_event") == audits);
  }
}

TEST_CASE("check-in needs a lone-worker expected end after the check-in time", "[visits]") {
  TempDir tmp;
  ManualClock clock(kNow);
  auto store = make_store(tmp / "alex", fast_options(&clock));
  load_sample(*store);
  Visits visits(*store);
  const Snapshot before = snapshot(*store, "v1");

  struct Bad {
    const char* what;
    VisitCheckIn in;
  };
  const Bad bad[] = {
      {"no expected end", check_in_at("2026-11-25T10:00:00Z", "")},
      {"expected end equal to check-in", check_in_at("2026-11-25T10:00:00Z", "2026-11-25T10:00:00Z")},
      {"expected end before check-in", check_in_at("2026-11-25T10:00:00Z", "2026-11-25T09:59:59Z")},
      {"same instant in another zone", check_in_at("2026-11-25T10:00:00Z", "2026-11-25T11:00:00+01:00")},
      {"expected end before now (check-in now)", check_in_at("", "2026-11-25T08:00:00Z")},
      {"bad check-in time", check_in_at("2026-11-31T10:00:00Z", "2026-12-01T11:00:00Z")},
      {"garbage check-in time", check_in_at("ten o'clock", "2026-11-25T11:00:00Z")},
      {"bad expected end", check_in_at("2026-11-25T10:00:00Z", "2026-11-25T11:00:00+0100")},
      {"garbage expected end", check_in_at("2026-11-25T10:00:00Z", "in an hour")},
  };
  for (const auto& b : bad) {
    INFO(b.what << ": a check-in without a valid lone-worker timer must be refused, and change nothing");
    auto r = visits.check_in("v1", b.in);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::invalid_argument);
    expect_unchanged(*store, "v1", before);
  }

  SECTION("a location outside the globe is refused") {
    VisitCheckIn in = kGoodCheckIn;
    in.place = Place{91.0, 0.0, std::nullopt};
    auto r = visits.check_in("v1", in);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::invalid_argument);
    in.place = Place{51.5, -181.0, std::nullopt};
    CHECK_FALSE(visits.check_in("v1", in).ok());
    expect_unchanged(*store, "v1", before);
  }
  SECTION("check-in with no time given uses the store's clock, and keeps the place") {
    VisitCheckIn in = check_in_at("", "2026-11-25T09:30:00Z");
    in.place = Place{53.4808, -2.2426, 12.5};
    auto r = visits.check_in("v1", in);
    INFO((r ? "" : r.error().describe()));
    REQUIRE(r.ok());
    CHECK(r->text("checked_in_at") == format_timestamp(kNow));
    CHECK(r->text("expected_end") == "2026-11-25T09:30:00.000Z");
    CHECK(r->real("check_in_lat") == Approx(53.4808));
    CHECK(r->real("check_in_lon") == Approx(-2.2426));
    CHECK(r->real("check_in_accuracy_m") == Approx(12.5));
  }
  SECTION("a check-in time with an offset is stored in UTC") {
    auto r = visits.check_in("v1", check_in_at("2026-11-25T10:00:00+01:00", "2026-11-25T09:30:00Z"));
    INFO((r ? "" : r.error().describe()));
    REQUIRE(r.ok());
    CHECK(r->text("checked_in_at") == "2026-11-25T09:00:00.000Z");
  }
}

TEST_CASE("check-out, cancel and no-access need their words and valid times", "[visits]") {
  TempDir tmp;
  ManualClock clock(kNow);
  auto store = make_store(tmp / "alex", fast_options(&clock));
  load_sample(*store);
  Visits visits(*store);
  REQUIRE(visits.check_in("v1", kGoodCheckIn).ok());
  const Snapshot v1 = snapshot(*store, "v1");
  const Snapshot v2 = snapshot(*store, "v2");

  auto refused = [&](const Result<Record>& r, ErrorCode code, const char* what) {
    INFO(what);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == code);
  };
  refused(visits.check_out("v1", ""), ErrorCode::invalid_argument, "check-out without an outcome");
  refused(visits.check_out("v1", "bad \xff byte"), ErrorCode::invalid_argument, "outcome not UTF-8");
  refused(visits.check_out("v1", std::string("nul\0byte", 8)), ErrorCode::invalid_argument, "outcome with NUL");
  refused(visits.check_out("v1", "seen", "2026-13-01T10:00:00Z"), ErrorCode::invalid_argument, "month 13");
  refused(visits.check_out("v1", "seen", "yesterday"), ErrorCode::invalid_argument, "garbage time");
  refused(visits.cancel("v2", ""), ErrorCode::invalid_argument, "cancel without a reason");
  refused(visits.no_access("v2", ""), ErrorCode::invalid_argument, "no access without a reason");
  refused(visits.no_access("v2", "\xc0\x80"), ErrorCode::invalid_argument, "reason not UTF-8 (overlong NUL)");
  refused(visits.check_out("no-such-visit", "seen"), ErrorCode::not_found, "unknown visit");
  refused(visits.check_in("no-such-visit", kGoodCheckIn), ErrorCode::not_found, "unknown visit");
  refused(visits.cancel("no-such-visit", "x"), ErrorCode::not_found, "unknown visit");
  INFO("refused steps must leave both visits as they were");
  expect_unchanged(*store, "v1", v1);
  expect_unchanged(*store, "v2", v2);

  auto out = visits.check_out("v1", "Seen; follow up with GP.");
  REQUIRE(out.ok());
  CHECK(out->text("checked_out_at") == format_timestamp(kNow));
  auto na = visits.no_access("v2", "No answer; card left.");
  REQUIRE(na.ok());
  CHECK(na->text("outcome") == "No answer; card left.");
  CHECK_FALSE(na->text("checked_out_at").empty());
}

TEST_CASE("visits between two times come back in planned order", "[visits]") {
  TempDir tmp;
  auto store = make_store(tmp / "alex");
  load_sample(*store);
  Visits visits(*store);
  VisitPlan p;
  p.case_id = "c1";
  p.planned_start = "2026-11-25T09:00:00Z";
  auto early = visits.plan(p);
  REQUIRE(early.ok());

  auto day = visits.between("2026-11-25", "2026-11-26");
  REQUIRE(day.ok());
  REQUIRE(day->size() == 2);
  CHECK((*day)[0].id == early->id);
  CHECK((*day)[1].id == "v1");
  auto both = visits.between("2026-11-25T00:00:00Z", "2026-11-27T00:00:00Z");
  REQUIRE(both.ok());
  CHECK(both->size() == 3);
  auto bad = visits.between("soon", "later");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::invalid_argument);
}
