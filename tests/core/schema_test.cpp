// Schema, clocks and ids: the table-driven schema must agree with the SQL tables
// (every field of every record type survives a write and a read), the hybrid logical
// clock must only move forward, timestamps must parse and print one canonical way,
// and ids and text must be validated. A field that does not round-trip is a field
// the worker fills in and the store silently drops.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "doorstep/core/hlc.h"
#include "doorstep/core/schema.h"
#include "doorstep/core/store.h"
#include "temp_store.h"

using namespace doorstep;
using namespace doorstep::test;

namespace {

const std::int64_t kBase = 1'795'595'200'000;  // 2026-11-25T08:26:40Z

// Values that must satisfy the tables' CHECK and REFERENCES constraints; keyed by
// "type.field", then by field name. Every other field gets a value made from its
// type and position, distinct per field so a swapped column shows.
const std::map<std::string, std::pair<std::string, std::string>> kConstrained = {
    {"case_id", {"c1", "c1"}},
    {"person_id", {"p1", "p1"}},
    {"task_id", {"t1", "t1"}},
    {"case.kind", {"reablement", "neighbourhood"}},
    {"case_note.visibility", {"restricted", "normal"}},
    {"case_note.state", {"final", "draft"}},
    {"visit.status", {"completed", "no_access"}},
    {"field_report.priority", {"urgent", "low"}},
};

Value value_for(const RecordType& rt, const FieldSpec& f, std::size_t index, int variant) {
  const std::string name(f.name);
  for (const auto& key : {std::string(rt.name) + "." + name, name}) {
    auto it = kConstrained.find(key);
    if (it != kConstrained.end()) return variant == 0 ? it->second.first : it->second.second;
  }
  const auto i = static_cast<std::int64_t>(index) + 10 * variant;
  switch (f.type) {
    case FieldType::text:
      return std::string(rt.name) + "." + name + " v" + std::to_string(variant) + " — 'quoted' \"Zoë\"";
    case FieldType::integer: return std::int64_t{1000} + i;
    case FieldType::real: return 10.5 + 0.125 * static_cast<double>(i);  // inside lat/lon ranges
    case FieldType::timestamp: return format_timestamp(kBase + i * 1000);
    case FieldType::text_set: return "[\"" + name + "\",\"v" + std::to_string(variant) + "\"]";
  }
  return Value{};
}

Record full_record(const RecordType& rt, int variant) {
  Record r;
  r.type = std::string(rt.name);
  r.id = "schema-" + std::string(rt.name);
  r.rev = 7 + variant;
  r.hlc = Hlc{kBase + variant, static_cast<std::uint16_t>(3 + variant), "device-x"}.encode();
  r.deleted = variant == 1;
  for (std::size_t i = 0; i < rt.fields.size(); ++i)
    r.fields[std::string(rt.fields[i].name)] = value_for(rt, rt.fields[i], i, variant);
  return r;
}

std::string show(const Value& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) return "null";
        else if constexpr (std::is_same_v<T, std::string>) return "\"" + x + "\"";
        else return std::to_string(x);
      },
      v);
}

void expect_same(const Record& want, const Record& got) {
  CHECK(got.type == want.type);
  CHECK(got.id == want.id);
  CHECK(got.rev == want.rev);
  CHECK(got.hlc == want.hlc);
  CHECK(got.deleted == want.deleted);
  CHECK(got.fields.size() == want.fields.size());
  for (const auto& [name, value] : want.fields) {
    auto it = got.fields.find(name);
    INFO(want.type << "." << name << ": wrote " << show(value) << ", read "
                   << (it == got.fields.end() ? std::string("nothing") : show(it->second)));
    REQUIRE(it != got.fields.end());
    CHECK(it->second == value);
  }
}

Status put(Store& s, const Record& r) {
  return s.write([&](Writer& w) { return w.put_base(r); });
}

}  // namespace

TEST_CASE("the schema names every record type once, with known fields", "[schema]") {
  const auto& types = record_types();
  REQUIRE(types.size() == 14);
  std::set<std::string> names, tables;
  for (const auto& rt : types) {
    INFO("record type " << rt.name);
    CHECK(names.insert(std::string(rt.name)).second);
    CHECK(tables.insert(std::string(rt.table)).second);
    CHECK(find_record_type(rt.name) == &rt);
    CHECK_FALSE(rt.fields.empty());
    if (!rt.case_field.empty()) CHECK(rt.field(rt.case_field) != nullptr);
    std::set<std::string> fields;
    for (const auto& f : rt.fields) {
      CHECK(fields.insert(std::string(f.name)).second);
      CHECK(rt.field(f.name) == &f);
    }
    CHECK(rt.field("no_such_field") == nullptr);
  }
  for (const char* expected : {"person", "case", "case_note", "visit", "task", "task_completion", "field_report",
                               "attachment", "audit_event", "conflict", "quarantine", "form_definition",
                               "form_submission", "form_draft"})
    CHECK(names.count(expected) == 1);
  CHECK(find_record_type("no_such_type") == nullptr);
}

TEST_CASE("every field of every record type survives a write and a read", "[schema]") {
  TempDir tmp;
  auto store = make_store(tmp / "alex");
  load_sample(*store);  // p1, c1, t1: the records others refer to

  for (const auto& rt : record_types()) {
    INFO("record type " << rt.name << " (table " << rt.table << ")");
    const Record first = full_record(rt, 0);
    auto w = put(*store, first);
    INFO((w.ok() ? "" : w.error().describe()));
    REQUIRE(w.ok());
    auto got = store->get(std::string(rt.name), first.id);
    REQUIRE(got.ok());
    REQUIRE(got->has_value());
    expect_same(first, **got);

    auto listed = store->list(std::string(rt.name), "", "", 100000);
    REQUIRE(listed.ok());
    CHECK(std::any_of(listed->begin(), listed->end(), [&](const Record& r) { return r.id == first.id; }));

    // Writing again replaces every column (the sync puller relies on this).
    const Record second = full_record(rt, 1);
    REQUIRE(put(*store, second).ok());
    auto again = store->get(std::string(rt.name), second.id);
    REQUIRE(again.ok());
    REQUIRE(again->has_value());
    expect_same(second, **again);
  }

  SECTION("and still after closing and reopening the store") {
    store.reset();
    auto reopened = open_store(tmp / "alex");
    for (const auto& rt : record_types()) {
      INFO("record type " << rt.name);
      auto got = reopened->get(std::string(rt.name), "schema-" + std::string(rt.name));
      REQUIRE(got.ok());
      REQUIRE(got->has_value());
      expect_same(full_record(rt, 1), **got);
    }
  }
}

TEST_CASE("optional fields left empty read back as null", "[schema]") {
  TempDir tmp;
  auto store = make_store(tmp / "alex");
  load_sample(*store);
  for (const auto& rt : record_types()) {
    INFO("record type " << rt.name);
    Record r = full_record(rt, 0);
    r.id = "sparse-" + std::string(rt.name);
    std::size_t nulled = 0;
    for (const auto& f : rt.fields) {
      // person.markers is optional in the schema but NOT NULL DEFAULT '[]' in its table:
      // an empty set is "[]", never null.
      const bool has_default = rt.name == "person" && f.name == "markers";
      if (!f.required && !has_default) {
        r.fields[std::string(f.name)] = Value{};
        ++nulled;
      }
    }
    auto w = put(*store, r);
    INFO((w.ok() ? "" : w.error().describe()));
    REQUIRE(w.ok());
    auto got = store->get(std::string(rt.name), r.id);
    REQUIRE(got.ok());
    REQUIRE(got->has_value());
    expect_same(r, **got);
    for (const auto& f : rt.fields)
      if (std::holds_alternative<std::monostate>(r.fields[std::string(f.name)]))
        CHECK((*got)->is_null(std::string(f.name)));
  }
  auto none = store->get("case_note", "never-written");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
}

TEST_CASE("records that do not fit the schema are refused and roll back", "[schema]") {
  TempDir tmp;
  auto store = make_store(tmp / "alex");
  load_sample(*store);
  const RecordType& person = *find_record_type("person");
  const auto before = store->list("person")->size();

  struct Bad {
    const char* what;
    Record record;
  };
  auto with = [&](auto change) {
    Record r = full_record(person, 0);
    r.id = "bad-person";
    change(r);
    return r;
  };
  const Bad bad[] = {
      {"unknown field", with([](Record& r) { r.fields["shoe_size"] = std::int64_t{9}; })},
      {"whole number in a text field", with([](Record& r) { r.fields["name"] = std::int64_t{9}; })},
      {"decimal in a text field", with([](Record& r) { r.fields["name"] = 9.5; })},
      {"invalid UTF-8", with([](Record& r) { r.fields["name"] = std::string("Dana \xff"); })},
      {"NUL in text", with([](Record& r) { r.fields["address"] = std::string("a\0b", 3); })},
      {"bad id", with([](Record& r) { r.id = "has spaces"; })},
      {"empty id", with([](Record& r) { r.id = ""; })},
      {"id too long", with([](Record& r) { r.id = std::string(65, 'a'); })},
      {"unknown type", with([](Record& r) { r.type = "spaceship"; })},
  };
  for (const auto& b : bad) {
    INFO(b.what);
    auto r = store->write([&](Writer& w) -> Status {
      // A good record first: the refusal must roll it back too.
      Record ok = full_record(person, 0);
      ok.id = "good-person";
      DOORSTEP_TRY(w.put_base(ok));
      return w.put_base(b.record);
    });
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::invalid_argument);
    CHECK(store->list("person")->size() == before);
    CHECK_FALSE(store->get("person", "good-person")->has_value());
  }

  SECTION("Writer::change refuses missing required fields and unknown fields") {
    auto missing = store->write([](Writer& w) -> Status {
      auto r = w.change("person", "p-new", {{"address", std::string("1 Road")}}, "created");
      return r ? Status{} : Status{r.error()};
    });
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == ErrorCode::invalid_argument);
    CHECK(missing.error().message.find("name") != std::string::npos);
    auto unknown = store->write([](Writer& w) -> Status {
      auto r = w.change("person", "p1", {{"shoe_size", std::int64_t{9}}}, "changed");
      return r ? Status{} : Status{r.error()};
    });
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().code == ErrorCode::invalid_argument);
    CHECK(store->outbox()->empty());
  }
}

TEST_CASE("HLC text form round-trips and sorts in causal order", "[schema][hlc]") {
  const Hlc h{0x0194f3a2b1c0, 0x002a, "device-1"};
  CHECK(h.encode() == "0194f3a2b1c0-002a-device-1");
  auto back = Hlc::decode(h.encode());
  REQUIRE(back.ok());
  CHECK(*back == h);

  std::vector<Hlc> all;
  for (std::int64_t ms : {std::int64_t{0}, std::int64_t{1}, std::int64_t{15}, std::int64_t{16}, kBase,
                          kBase + 1, (std::int64_t{1} << 48) - 1})
    for (std::uint16_t c : {std::uint16_t{0}, std::uint16_t{1}, std::uint16_t{0xff}, std::uint16_t{0xffff}})
      for (const char* d : {"a", "b", "device-9"}) all.push_back(Hlc{ms, c, d});
  for (const auto& a : all) {
    auto d = Hlc::decode(a.encode());
    INFO(a.encode());
    REQUIRE(d.ok());
    CHECK(*d == a);
    for (const auto& b : all) {
      INFO(a.encode() << " vs " << b.encode() << ": text order must be clock order, or sync merges wrongly");
      CHECK((a < b) == (a.encode() < b.encode()));
    }
  }

  for (const char* bad : {"", "xyz", "0194f3a2b1c0", "0194F3A2B1C0-0000-dev", "0194f3a2b1c0_0000-dev",
                          "0194f3a2b1c-00000-dev", "0194f3a2b1c0-000g-dev", "0194f3a2b1c0-0000", "-0194f3a2b1c-0000-"}) {
    INFO("decoded garbage: " << bad);
    auto r = Hlc::decode(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::invalid_argument);
  }
}

TEST_CASE("HlcClock::now only moves forward, even when the wall clock goes back", "[schema][hlc]") {
  ManualClock wall(kBase);
  HlcClock clock(wall, "dev");
  Hlc last = clock.now();
  CHECK(last.millis == kBase);
  CHECK(last.counter == 0);
  CHECK(last.device == "dev");

  const std::int64_t steps[] = {0, 0, -1000, -3'600'000, 0, 5, 3'600'000, -1, 0, 1'000'000, -86'400'000};
  for (std::int64_t step : steps) {
    wall.advance(step);
    for (int k = 0; k < 3; ++k) {
      const Hlc next = clock.now();
      INFO("wall " << wall.now_ms() << ": " << last.encode() << " then " << next.encode()
                   << ": a later change stamped earlier would lose to an older one");
      CHECK(last < next);
      CHECK(last.encode() < next.encode());
      CHECK(next.millis >= std::min(wall.now_ms(), last.millis));
      last = next;
    }
  }

  SECTION("a full counter borrows the next millisecond") {
    clock.restore(Hlc{kBase + 10'000'000, 0xffff, "dev"});
    wall.set(kBase);
    const Hlc n = clock.now();
    CHECK(n.millis == kBase + 10'000'001);
    CHECK(n.counter == 0);
  }
}

TEST_CASE("HlcClock::observe follows remote clocks but clamps a far-future one", "[schema][hlc]") {
  ManualClock wall(kBase);
  HlcClock clock(wall, "dev");
  (void)clock.now();

  SECTION("a remote clock a minute ahead is adopted") {
    const Hlc remote{kBase + 60'000, 7, "server"};
    clock.observe(remote);
    const Hlc n = clock.now();
    CHECK(remote < n);
    CHECK(n.millis == kBase + 60'000);
    CHECK(n.counter == 8);
  }
  SECTION("a remote clock a year ahead is clamped to five minutes ahead") {
    clock.observe(Hlc{kBase + 365LL * 86'400'000, 3, "bad-device"});
    const Hlc n = clock.now();
    INFO("one device with a wrong clock must not drag every later change a year into the future");
    CHECK(n.millis <= kBase + 5 * 60'000);
    CHECK(n.millis >= kBase);
  }
  SECTION("the clamp follows max_ahead_ms") {
    clock.observe(Hlc{kBase + 60'000, 0, "x"}, 1000);
    CHECK(clock.now().millis == kBase + 1000);
  }
  SECTION("an older remote clock changes nothing") {
    const Hlc before = clock.last();
    clock.observe(Hlc{kBase - 1000, 99, "old"});
    CHECK(clock.last() == before);
    CHECK(before < clock.now());
  }
}

TEST_CASE("timestamps parse and print one canonical UTC form", "[schema][time]") {
  CHECK(format_timestamp(0) == "1970-01-01T00:00:00.000Z");
  CHECK(format_timestamp(kBase) == "2026-11-25T08:26:40.000Z");
  CHECK(format_timestamp(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(format_timestamp(951'782'400'123) == "2000-02-29T00:00:00.123Z");

  for (std::int64_t ms : {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, kBase, kBase + 999,
                          std::int64_t{951'782'400'123}, std::int64_t{4'102'444'799'999}, std::int64_t{-86'400'000}}) {
    INFO(ms);
    auto back = parse_timestamp(format_timestamp(ms));
    REQUIRE(back.ok());
    CHECK(*back == ms);
  }

  struct Same {
    const char* text;
    const char* canonical;
  };
  const Same same[] = {
      {"2026-11-25", "2026-11-25T00:00:00.000Z"},
      {"2026-11-25T09:30", "2026-11-25T09:30:00.000Z"},
      {"2026-11-25T09:30Z", "2026-11-25T09:30:00.000Z"},
      {"2026-11-25T09:30:15", "2026-11-25T09:30:15.000Z"},
      {"2026-11-25T09:30:15Z", "2026-11-25T09:30:15.000Z"},
      {"2026-11-25T09:30:15.5Z", "2026-11-25T09:30:15.500Z"},
      {"2026-11-25T09:30:15.123Z", "2026-11-25T09:30:15.123Z"},
      {"2026-11-25T10:30:00+01:00", "2026-11-25T09:30:00.000Z"},
      {"2026-11-25T04:00:00-05:30", "2026-11-25T09:30:00.000Z"},
      {"2026-11-25T00:30:00+01:00", "2026-11-24T23:30:00.000Z"},
      {"2026-12-31T23:30:00-01:00", "2027-01-01T00:30:00.000Z"},
      {"2024-02-29T12:00:00Z", "2024-02-29T12:00:00.000Z"},
      {"2000-02-29", "2000-02-29T00:00:00.000Z"},
  };
  for (const auto& s : same) {
    INFO(s.text);
    auto n = normalise_timestamp(s.text);
    INFO((n ? "" : n.error().describe()));
    REQUIRE(n.ok());
    CHECK(*n == s.canonical);
  }

  for (const char* bad : {"", "2026", "2026-11", "2026-02-30", "2026-02-29", "1900-02-29", "2026-04-31",
                          "2026-13-01", "2026-00-10", "2026-11-00", "2026-11-32", "2026-11-25T24:00",
                          "2026-11-25T10:60", "2026-11-25T10", "2026-11-25T", "2026-11-25T10:00:00.Z",
                          "2026-11-25T10:00:00Zjunk", "2026-11-25T10:00:00+0100", "2026-11-25T10:00:00+01",
                          "2026-11-25t10:00", "2026-11-25T10:00z", "25/11/2026", "2026-1-5", "tomorrow",
                          "2026-11-25T10:00:00 +01:00", "２０２６-11-25"}) {
    INFO("accepted as a time: \"" << bad << "\": a visit would be filed on the wrong day");
    auto r = parse_timestamp(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::invalid_argument);
  }
}

TEST_CASE("new ids are version-7 UUIDs, time-ordered, and is_uuid accepts only canonical ones", "[schema][ids]") {
  std::set<std::string> seen;
  std::string previous_ms;
  for (int i = 0; i < 2000; ++i) {
    const std::string u = new_uuid();
    INFO(u);
    REQUIRE(is_uuid(u));
    CHECK(u[14] == '7');
    CHECK(std::string("89ab").find(u[19]) != std::string::npos);
    CHECK(seen.insert(u).second);
    // The first 48 bits are the creation millisecond, so ids made later sort later.
    const std::string ms = u.substr(0, 8) + u.substr(9, 4);
    CHECK(ms >= previous_ms);
    previous_ms = ms;
  }
  const auto now_ms = static_cast<unsigned long long>(SystemClock::instance().now_ms());
  CHECK(std::stoull(previous_ms, nullptr, 16) <= now_ms);
  CHECK(std::stoull(previous_ms, nullptr, 16) + 5000 > now_ms);
  CHECK(is_uuid("123e4567-e89b-42d3-a456-426614174000"));
  for (const char* bad : {"", "123e4567e89b42d3a456426614174000", "123E4567-E89B-42D3-A456-426614174000",
                          "123e4567-e89b-42d3-a456-42661417400", "123e4567-e89b-42d3-a456-4266141740000",
                          "123e4567-e89b-42d3-a4564-26614174000", "123e4567-e89b-42d3-a456-42661417400g",
                          "{123e4567-e89b-42d3-a456-426614174000}"}) {
    INFO(bad);
    CHECK_FALSE(is_uuid(bad));
  }
}

TEST_CASE("record ids and text are validated", "[schema][ids]") {
  for (const char* good : {"p1", "c-1", "a.b_c", "123e4567-e89b-42d3-a456-426614174000"}) CHECK(is_record_id(good));
  CHECK(is_record_id(std::string(64, 'a')));
  CHECK_FALSE(is_record_id(std::string(65, 'a')));
  for (const char* bad : {"", "a b", "a/b", "a'b", "a;b", "é", "a\nb"}) {
    INFO(bad);
    CHECK_FALSE(is_record_id(bad));
  }

  for (const std::string& good : {std::string(""), std::string("plain"), std::string("caf\xc3\xa9"),
                                 std::string("\xe2\x82\xac"), std::string("\xf0\x9f\x91\xb6"),
                                 std::string("\xf4\x8f\xbf\xbf"), std::string("\xef\xbb\xbf" "bom")}) {
    INFO(good);
    CHECK(check_utf8(good, "text").ok());
  }
  struct Bad {
    std::string text;
    std::size_t offset;
  };
  const Bad bad[] = {
      {std::string("ab\0c", 4), 2},        // NUL
      {"ab\xff", 2},                        // never valid
      {"a\xc3", 1},                         // truncated
      {"a\xc3(", 2},                        // bad continuation
      {"\x80", 0},                          // lone continuation
      {"xy\xc0\x80", 2},                    // overlong NUL
      {"\xe0\x80\xaf", 0},                  // overlong '/'
      {"\xed\xa0\x80", 0},                  // UTF-16 surrogate
      {"\xf4\x90\x80\x80", 0},              // beyond U+10FFFF
      {"\xf8\x88\x80\x80\x80", 0},          // 5-byte form
  };
  for (const auto& b : bad) {
    auto r = check_utf8(b.text, "the note");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::invalid_argument);
    INFO(r.error().message);
    CHECK(r.error().message.find("the note") == 0);
    CHECK(r.error().message.find("offset " + std::to_string(b.offset)) != std::string::npos);
  }
}
