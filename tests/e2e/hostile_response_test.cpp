// Truncated, garbage and failing responses: a clear error, nothing applied, and the
// next clean sync finishes the job.
#include <catch2/catch.hpp>

#include "doorstep/core/case_notes.h"
#include "fault_transport.h"
#include "hub.h"

using namespace doorstep;
using namespace doorstep::e2e;

TEST_CASE("a damaged changes page is refused whole and nothing from it is applied") {
  Hub hub;
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  for (int i = 0; i < 20; ++i) hub.add_visit("v" + std::to_string(i), "c1", "2026-12-01T10:00:00Z");
  Device d(hub, "sam");
  FaultTransport faulty(d.transport());
  for (auto fault : {FaultTransport::Fault::truncate_body, FaultTransport::Fault::garbage_body,
                     FaultTransport::Fault::server_error}) {
    faulty.arm(fault, "/v1/sync/changes");
    auto r = d.sync_through(faulty);
    REQUIRE_FALSE(r.ok());
    CHECK_FALSE(r.error().message.empty());
    CHECK(d.store().list("visit")->empty());
    CHECK(d.store().list("case")->empty());
    CHECK_FALSE(d.store().meta("sync_cursor")->has_value());
  }
  CHECK(faulty.faults_injected() == 3);
  auto r = d.sync();
  REQUIRE(r.ok());
  CHECK(d.store().list("visit")->size() == 20);
}

TEST_CASE("a damaged push answer leaves the outbox intact for the retry") {
  Hub hub;
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  Device d(hub, "sam");
  REQUIRE(d.sync().ok());
  REQUIRE(CaseNotes(d.store()).add({"c1", "must not be lost"}).ok());
  FaultTransport faulty(d.transport());
  faulty.arm(FaultTransport::Fault::truncate_body, "/v1/sync/push");
  REQUIRE_FALSE(d.sync_through(faulty).ok());
  CHECK(d.store().outbox()->size() == 1);
  faulty.arm(FaultTransport::Fault::garbage_body, "/v1/sync/push");
  REQUIRE_FALSE(d.sync_through(faulty).ok());
  CHECK(d.store().outbox()->size() == 1);
  auto r = d.sync();
  REQUIRE(r.ok());
  CHECK(r->applied == 1);
  CHECK(d.store().outbox()->empty());
}
