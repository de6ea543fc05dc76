// A case reassigned to another worker: the old device's unsent note still reaches
// the server, then everything of the case leaves the old device (nothing readable
// is left in its files), and the new worker's device receives all of it.
#include <catch2/catch.hpp>
#include <fstream>

#include "doorstep/core/blob_store.h"
#include "doorstep/core/case_notes.h"
#include "doorstep/core/field_reports.h"
#include "hub.h"

using namespace doorstep;
using namespace doorstep::e2e;

TEST_CASE("reassignment: the unsent note is kept, the old device is emptied, the new worker has everything") {
  Hub hub;
  hub.add_worker("sam");
  hub.add_worker("priya");
  hub.add_case("p1", "Canary Personname", "c1", "sam");
  hub.add_visit("v1", "c1", "2026-12-01T10:00:00Z");
  hub.add_case("p2", "Other Child", "c2", "sam");  // stays with sam

  Device old_device(hub, "sam");
  REQUIRE(old_device.sync().ok());
  REQUIRE(CaseNotes(old_device.store()).add({"c1", "CANARY-synced-note-4411"}).ok());
  const std::string photo = (old_device.dir() / "photo.png").string();
  std::ofstream(photo, std::ios::binary) << std::string("\x89PNG\r\n\x1a\n", 8) << "CANARY-photo-pixels-5522";
  FieldReportInput report;
  report.category = "home conditions";
  report.case_id = "c1";
  report.photos = {photo};
  auto rep = FieldReports(old_device.store()).create(report);
  REQUIRE(rep.ok());
  std::filesystem::remove(photo);
  const std::string sha = rep->attachments.at(0).text("sha256");
  REQUIRE(old_device.sync().ok());

  // Offline, sam writes one more note; meanwhile the office reassigns the case.
  auto unsent = CaseNotes(old_device.store()).add({"c1", "CANARY-unsent-note-7733"});
  REQUIRE(unsent.ok());
  auto draft = CaseNotes(old_device.store()).save_draft({"c1", "CANARY-unfinished-draft-9911"});
  REQUIRE(draft.ok());
  hub.office("POST", "/v1/office/cases/c1/allocate", {{"worker", "priya"}});

  auto r = old_device.sync();
  INFO((r.ok() ? std::string() : r.error().describe()));
  REQUIRE(r.ok());
  CHECK(r->purged == 1);
  CHECK(r->rejected == 0);
  auto& s = old_device.store();
  CHECK_FALSE(s.get("case", "c1")->has_value());
  CHECK_FALSE(s.get("person", "p1")->has_value());
  CHECK(s.list("case_note", "case_id", "c1")->empty());
  CHECK(s.list("visit", "case_id", "c1")->empty());
  CHECK(s.list("attachment", "case_id", "c1")->empty());
  CHECK_FALSE(s.blobs().contains(sha));
  CHECK(s.get("case", "c2")->has_value());  // the other case stays
  CHECK(s.outbox()->empty());
  // The unfinished draft never reached the server: its text stays, in the quarantine,
  // with the reason, rather than vanishing with the case.
  auto q = s.list("quarantine");
  REQUIRE(q.ok());
  REQUIRE(q->size() == 1);
  CHECK(q->front().text("record_id") == draft->id);
  CHECK(q->front().text("operation").find("CANARY-unfinished-draft-9911") != std::string::npos);
  CHECK(q->front().text("reason").find("left your caseload") != std::string::npos);

  // Nothing of the case is readable in any of the old device's files.
  old_device.close();
  for (const auto& f : test::files_under(old_device.dir())) {
    const std::string bytes = test::read_all(f);
    for (const std::string canary : {"CANARY-synced-note-4411", "CANARY-unsent-note-7733", "CANARY-photo-pixels-5522",
                                     "CANARY-unfinished-draft-9911", "Canary Personname"}) {
      INFO(f << " holds " << canary);
      CHECK(bytes.find(canary) == std::string::npos);
      CHECK(bytes.find(test::utf16le(canary)) == std::string::npos);
    }
  }

  // The new worker's device receives the whole case, the late note and the photo.
  Device new_device(hub, "priya");
  auto rn = new_device.sync();
  REQUIRE(rn.ok());
  auto& n = new_device.store();
  CHECK(n.get("case", "c1")->has_value());
  CHECK(n.get("visit", "v1")->has_value());
  auto notes = n.list("case_note", "case_id", "c1");
  REQUIRE(notes.ok());
  CHECK(notes->size() == 2);
  bool has_unsent = false;
  for (const auto& note : *notes) has_unsent |= note.id == unsent->id;
  CHECK(has_unsent);
  CHECK(n.blobs().contains(sha));
  CHECK_FALSE(n.get("case", "c2")->has_value());  // not priya's
}
