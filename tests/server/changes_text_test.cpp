// The changes page as text (hub/changes_text.h) says exactly what the page built as
// protocol structs says (to_json(ChangesResponse) over row_to_stored), for every
// kind of value a stored record holds; a damaged row is refused, not half-written.
#include <catch2/catch.hpp>

#include "doorstep/protocol/messages.h"
#include "hub/changes_text.h"
#include "hub/record_rows.h"

using namespace doorstep;
using namespace doorstep::server;
using nlohmann::json;

namespace {

// A row as the feed reads it (kRecordColumns); stamps are not read for the feed.
SqlRow row(const std::string& type, const std::string& id, std::int64_t rev, bool deleted, const std::string& fields) {
  return SqlRow({type, id, rev, std::string("01937a8b2c4d-0001-dev1"), std::int64_t{deleted ? 1 : 0}, fields,
                 std::string("{}"), SqlValue{}, SqlValue{}, SqlValue{}, std::int64_t{0}, SqlValue{}, SqlValue{}});
}

// The same entry the way the hub built it before: struct, then JSON tree.
json as_struct(const SqlRow& r, std::int64_t seq) {
  auto s = row_to_stored(r, false);
  REQUIRE(s.ok());
  protocol::ChangeEntry e;
  e.seq = seq;
  e.record = s->state.record;
  return protocol::to_json(e);
}

}  // namespace

TEST_CASE("a page written as text is the page the protocol structs describe") {
  const std::vector<SqlRow> rows = {
      row("person", "p-1", 3, false,
          R"({"name":"Zoë \"Zed\" O'Neil\n\ttab\u0001","address":null,"markers":"[\"dog at property\",\"lone-worker risk\"]"})"),
      row("case", "case-1", 4, false, R"({"person_id":"p-1","visit_interval_days":28,"status":"open"})"),
      row("visit", "v-1", 5, false, R"({"case_id":"case-1","check_in_lat":51.5072,"check_in_lon":-0.1276})"),
      row("case_note", "n-1", 6, true, R"({"case_id":"case-1","body":"back\\slash and / and \u007f"})"),
      row("person", "p-2", 7, false, R"({"name":"","markers":"[]"})"),
      // Not ASCII, an escaped pair, a name the schema no longer has (read the full way).
      row("case_note", "n-2", 8, false, R"({"case_id":"case-1","body":"Zoë — ✓ \ud83d\ude00 \/"})"),
      row("case_note", "n-3", 8, false, R"({"case_id":"case-1","body":"kept","retired":"x"})"),
  };
  ChangesText text;
  json want = json::array();
  for (const auto& r : rows) {
    REQUIRE(text.add_record(r, 9).ok());
    want.push_back(as_struct(r, 9));
  }
  text.add_revocation(10, "case-7");
  want.push_back(protocol::to_json(protocol::ChangeEntry{10, std::nullopt, "case-7"}));
  CHECK(text.entries() == 8);

  const std::string body = text.finish("ab12_s9.4.6", true, "01937a8b2c4d-0002-hub", "ab12", 3);
  const json got = json::parse(body);
  CHECK(got["entries"] == want);
  CHECK(got["cursor"] == "ab12_s9.4.6");
  CHECK(got["more"] == true);
  CHECK(got["server_hlc"] == "01937a8b2c4d-0002-hub");
  CHECK(got["epoch"] == "ab12");
  CHECK(got["epoch_base"] == 3);
  // And a device reads it.
  auto page = protocol::parse_changes_response(got);
  INFO((page.ok() ? std::string() : page.error().message));
  REQUIRE(page.ok());
  REQUIRE(page->entries.size() == 8);
  CHECK(page->entries[0].record->text("name") == "Zoë \"Zed\" O'Neil\n\ttab\x01");
  CHECK(page->entries[0].record->text("markers") == R"(["dog at property","lone-worker risk"])");
  CHECK(page->entries[1].record->integer("visit_interval_days") == 28);
  CHECK(page->entries[2].record->real("check_in_lat") == 51.5072);
  CHECK(page->entries[3].record->deleted);
  CHECK(page->entries[5].record->text("body") == "Zoë — ✓ \xf0\x9f\x98\x80 /");
  CHECK(page->entries[6].record->text("body") == "kept");
  CHECK(page->entries[7].revoke_case == "case-7");
  // The writer starts over after finish().
  const json empty = json::parse(text.finish("c", false, "h", "", 0));
  CHECK(empty["entries"].empty());
  CHECK(empty["more"] == false);
}

TEST_CASE("changed_since_base goes with its entry") {
  ChangesText text;
  REQUIRE(text.add_record(row("case_note", "n-1", 6, false, R"({"body":"b"})"), 6, {"body", "deleted"}).ok());
  const json got = json::parse(text.finish("c", false, "h", "e", 2));
  CHECK(got["entries"][0]["changed_since_base"] == json::array({"body", "deleted"}));
}

TEST_CASE("text that is not UTF-8 is replaced as the JSON library replaces it") {
  std::string out;
  append_json_string(out, std::string("ok \xff\xfe end"));
  CHECK(out == json(std::string("ok \xff\xfe end")).dump(-1, ' ', false, json::error_handler_t::replace));
  out.clear();
  append_json_string(out, "plain \"quoted\" \\ \x1f");
  CHECK(out == json("plain \"quoted\" \\ \x1f").dump());
  out.clear();
  append_json_string(out, "Zoë \"✓\" \x7f\n");  // valid UTF-8 is written as it is
  CHECK(out == json("Zoë \"✓\" \x7f\n").dump());
  out.clear();
  append_json_string(out, std::string("Zoë then \xc3"));  // cut off mid-character
  CHECK(out == json(std::string("Zoë then \xc3")).dump(-1, ' ', false, json::error_handler_t::replace));
}

TEST_CASE("a damaged stored record is refused and leaves the page as it was") {
  ChangesText text;
  REQUIRE(text.add_record(row("case_note", "n-1", 6, false, R"({"body":"fine"})"), 6).ok());
  const std::size_t before = text.bytes();
  for (const auto& bad : {row("no_such_type", "x-1", 7, false, "{}"), row("case_note", "n-2", 7, false, "[1]"),
                          row("case_note", "n-3", 7, false, "not json"),
                          row("case", "c-2", 7, false, R"({"visit_interval_days":"soon"})"),
                          row("person", "p-3", 7, false, R"({"markers":"not a list"})"),
                          row("person", "p-4", 7, false, R"({"markers":"[1, 2]"})"),
                          row("case_note", "n-4", 7, false, R"({"body":"half a pair \ud800"})"),
                          row("case_note", "n-5", 7, false, R"({"body":"fine"} trailing)"),
                          row("case_note", "n-6", 7, false, R"({"body":"fine")")}) {
    auto st = text.add_record(bad, 7);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code == ErrorCode::corrupt);
  }
  CHECK(text.bytes() == before);
  CHECK(text.entries() == 1);
  CHECK(json::parse(text.finish("c", false, "h", "", 0))["entries"].size() == 1);
}
