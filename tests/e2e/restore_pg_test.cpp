// A PostgreSQL hub put back from a copy of its database (as pg_restore would) and
// given a new epoch with 'doorstep-server new-epoch': a device notices through either
// of two instances, sends again the note the copy lacks, and ends agreeing with the
// hub. Registered only as "e2e-pg/…" (the throwaway cluster of scripts/pg-cluster).
#include <catch2/catch.hpp>

#include <set>
#include <sstream>

#include "doorstep/core/case_notes.h"
#include "hub.h"
#include "pg_test_database.h"

using namespace doorstep;
using namespace doorstep::e2e;
using nlohmann::json;

namespace {

// A final note on case c1.
NoteInput note_on_c1(const std::string& body) {
  NoteInput in;
  in.case_id = "c1";
  in.body = body;
  return in;
}

std::multiset<std::string> hub_notes(Hub& hub) {
  auto r = hub.office("GET", "/v1/office/export");
  std::multiset<std::string> out;
  std::istringstream lines(r.is_string() ? r.get<std::string>() : r.dump());
  std::string line;
  while (std::getline(lines, line)) {
    auto j = json::parse(line, nullptr, false);
    if (j.is_object() && j.value("type", "") == "case_note") out.insert(j["fields"]["body"].get<std::string>());
  }
  return out;
}

client::SyncSummary must_sync(Device& d, client::Transport& to) {
  auto r = d.sync_through(to);
  INFO((r.ok() ? std::string() : r.error().describe()));
  REQUIRE(r.ok());
  return *r;
}

}  // namespace

TEST_CASE("a PostgreSQL hub restored from a copy and given a new epoch gets back what devices hold") {
  const std::string base = test::require_postgres_base_url();
  test::PgTestDatabase pg(base);
  const std::string name = pg.url().substr(pg.url().rfind('/') + 1);
  Hub::Options on;
  on.database = pg.url();
  Hub a(on), b(on);
  a.add_worker("sam");
  a.add_case("p1", "Dana Whitfield", "c1", "sam");
  Device d(a, "sam");
  auto to_b = client::CurlTransport::create(b.url());
  REQUIRE(to_b.ok());
  must_sync(d, d.transport());
  REQUIRE(CaseNotes(d.store()).add(note_on_c1("before the copy")).ok());
  must_sync(d, d.transport());

  // The "backup": a copy of the database, taken with both instances stopped.
  a.stop();
  b.stop();
  test::PgTestDatabase::admin(base, "CREATE DATABASE " + name + "_copy TEMPLATE " + name);
  a.start();
  b.start();
  REQUIRE(CaseNotes(d.store()).add(note_on_c1("acknowledged after the copy")).ok());
  CHECK(must_sync(d, d.transport()).pushed == 1);

  // The restore: the copy takes the database's place, then a new epoch.
  a.stop();
  b.stop();
  test::PgTestDatabase::admin(base, "ALTER DATABASE " + name + " RENAME TO " + name + "_lost");
  test::PgTestDatabase::admin(base, "ALTER DATABASE " + name + "_copy RENAME TO " + name);
  auto made = a.command({"new-epoch"});
  INFO(made.output);
  REQUIRE(made.status == 0);
  a.start();
  b.start();
  CHECK(hub_notes(a) == std::multiset<std::string>{"before the copy"});

  auto s = must_sync(d, **to_b);  // through the other instance
  CHECK(s.server_restored);
  CHECK(s.resent == 1);
  CHECK(s.rejected == 0);
  CHECK(hub_notes(b) == std::multiset<std::string>{"before the copy", "acknowledged after the copy"});
  auto notes = d.store().list("case_note", "case_id", "c1");
  REQUIRE(notes.ok());
  CHECK(notes->size() == 2);
  CHECK(d.store().outbox()->empty());
  CHECK_FALSE(must_sync(d, d.transport()).server_restored);  // through the first: nothing more

  a.stop();
  b.stop();
  test::PgTestDatabase::admin(base, "DROP DATABASE IF EXISTS " + name + "_lost WITH (FORCE)");
}
