// CaseNotes: what a worker writes about a case. A final note must reach the office
// whole and never change; a draft stays on the device until finalised; a correction
// is a new note that amends the old one. Bad input must be refused with a clear
// error and leave the store exactly as it was.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <string>

#include "doorstep/core/case_notes.h"
#include "doorstep/core/store.h"
#include "temp_store.h"

using namespace doorstep;
using namespace doorstep::test;

namespace {

const std::int64_t kNow = 1'795'595'200'000;  // 2026-11-25T08:26:40Z

NoteInput note(const std::string& body, const std::string& category = "", const std::string& case_id = "c1") {
  NoteInput n;
  n.case_id = case_id;
  n.body = body;
  n.category = category;
  return n;
}

std::int64_t count(Store& s, const std::string& type, const std::string& field = "", const std::string& eq = "") {
  auto r = s.list(type, field, eq, 100000);
  REQUIRE(r.ok());
  return static_cast<std::int64_t>(r->size());
}

std::vector<OutboxOperation> outbox(Store& s) {
  auto r = s.outbox(100000);
  REQUIRE(r.ok());
  return *r;
}

Record get_note(Store& s, const std::string& id) {
  auto r = s.get("case_note", id);
  REQUIRE(r.ok());
  INFO("note " << id << " is missing from the store");
  REQUIRE(r->has_value());
  return **r;
}

struct Counts {
  std::int64_t notes, outbox, audit;
  bool operator==(const Counts&) const = default;
};
Counts counts(Store& s) {
  return {count(s, "case_note"), static_cast<std::int64_t>(outbox(s).size()), count(s, "audit_event")};
}

// The store after a refused action: sound, and nothing added.
void expect_consistent(Store& s, const Counts& before) {
  auto ic = s.integrity_check();
  REQUIRE(ic.ok());
  CHECK(*ic == "ok");
  const Counts after = counts(s);
  CHECK(after.notes == before.notes);
  CHECK(after.outbox == before.outbox);
  CHECK(after.audit == before.audit);
}

struct Fixture {
  TempDir tmp;
  ManualClock clock{kNow};
  std::unique_ptr<Store> store;
  Fixture() {
    store = make_store(tmp / "alex", fast_options(&clock));
    load_sample(*store);
  }
};

}  // namespace

TEST_CASE("a final note is queued for the office as a create holding its body", "[case_notes]") {
  Fixture f;
  CaseNotes notes(*f.store);
  const auto audits = count(*f.store, "audit_event");
  auto r = notes.add(note("Saw Dana at home. Bedroom tidy; school attendance up to 92%.", "home visit"));
  INFO((r ? "" : r.error().describe()));
  REQUIRE(r.ok());
  CHECK(is_uuid(r->id));
  CHECK(r->text("state") == "final");
  CHECK(r->text("author") == "alex");
  CHECK(r->text("written_at") == format_timestamp(kNow));
  CHECK(r->text("finalised_at") == format_timestamp(kNow));

  const auto ops = outbox(*f.store);
  INFO("a saved final note that is not in the outbox never reaches the office");
  REQUIRE(ops.size() == 1);
  CHECK(ops[0].record_type == "case_note");
  CHECK(ops[0].record_id == r->id);
  CHECK(ops[0].action == "create");
  CHECK(ops[0].base_rev == 0);
  CHECK(ops[0].hlc == r->hlc);
  auto fields = nlohmann::json::parse(ops[0].fields);
  CHECK(fields.at("body") == "Saw Dana at home. Bedroom tidy; school attendance up to 92%.");
  CHECK(fields.at("case_id") == "c1");
  CHECK(fields.at("state") == "final");
  CHECK(fields.at("category") == "home visit");
  CHECK(count(*f.store, "audit_event") == audits + 1);
  auto audit = f.store->list("audit_event", "record_id", r->id);
  REQUIRE(audit.ok());
  REQUIRE(audit->size() == 1);
  CHECK(audit->front().text("action") == "created");
}

TEST_CASE("a draft stays on the device: audited, never queued, editable", "[case_notes]") {
  Fixture f;
  CaseNotes notes(*f.store);
  const auto audits = count(*f.store, "audit_event");

  auto d = notes.save_draft(note("Half-written: mum said", "phone call"));
  REQUIRE(d.ok());
  CHECK(d->text("state") == "draft");
  INFO("a draft in the outbox would send an unfinished note to the office");
  CHECK(outbox(*f.store).empty());
  CHECK(count(*f.store, "audit_event") == audits + 1);
  {
    auto a = f.store->list("audit_event", "record_id", d->id);
    REQUIRE(a.ok());
    REQUIRE(a->size() == 1);
    CHECK(a->front().text("action") == "draft_saved");
  }

  f.clock.advance(60'000);
  auto edited = notes.save_draft(note("Mum said the GP appointment is on Friday."), d->id);
  INFO((edited ? "" : edited.error().describe()));
  REQUIRE(edited.ok());
  CHECK(edited->id == d->id);
  const Record now = get_note(*f.store, d->id);
  CHECK(now.text("body") == "Mum said the GP appointment is on Friday.");
  CHECK(now.text("state") == "draft");
  CHECK(now.text("category") == "phone call");  // kept when not given again
  CHECK(now.text("written_at") == format_timestamp(kNow + 60'000));
  CHECK(outbox(*f.store).empty());
  CHECK(count(*f.store, "case_note") == 1);

  auto drafts = notes.drafts();
  REQUIRE(drafts.ok());
  REQUIRE(drafts->size() == 1);
  CHECK(drafts->front().id == d->id);
  auto info = f.store->info();
  REQUIRE(info.ok());
  CHECK(info->drafts == 1);

  SECTION("editing a draft that is not there is not_found") {
    auto r = notes.save_draft(note("text"), "no-such-note");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::not_found);
  }
}

TEST_CASE("finalising a draft queues one create with every field of the note", "[case_notes]") {
  Fixture f;
  CaseNotes notes(*f.store);
  NoteInput in = note("Strategy meeting held; plan agreed.", "meeting");
  in.visibility = "restricted";
  auto d = notes.save_draft(in);
  REQUIRE(d.ok());
  f.clock.advance(5 * 60'000);
  auto fin = notes.finalise(d->id);
  INFO((fin ? "" : fin.error().describe()));
  REQUIRE(fin.ok());
  CHECK(fin->text("state") == "final");
  CHECK(fin->text("finalised_at") == format_timestamp(kNow + 5 * 60'000));

  const auto ops = outbox(*f.store);
  REQUIRE(ops.size() == 1);
  CHECK(ops[0].action == "create");
  CHECK(ops[0].record_id == d->id);
  auto fields = nlohmann::json::parse(ops[0].fields);
  INFO("the office must receive the whole note, not only the fields that changed: " << ops[0].fields);
  CHECK(fields.at("body") == "Strategy meeting held; plan agreed.");
  CHECK(fields.at("case_id") == "c1");
  CHECK(fields.at("category") == "meeting");
  CHECK(fields.at("visibility") == "restricted");
  CHECK(fields.at("author") == "alex");
  CHECK(fields.at("state") == "final");
  CHECK(fields.at("written_at") == format_timestamp(kNow));
  CHECK(fields.at("finalised_at") == format_timestamp(kNow + 5 * 60'000));
  CHECK(fields.size() == 8);  // every set field; amends is null and left out

  auto audit = f.store->list("audit_event", "record_id", d->id);
  REQUIRE(audit.ok());
  REQUIRE(audit->size() == 2);
  CHECK(audit->back().text("action") == "finalised");
  auto drafts = notes.drafts();
  REQUIRE(drafts.ok());
  CHECK(drafts->empty());
}

TEST_CASE("a final note never changes: no edit, no second finalise, no discard", "[case_notes]") {
  Fixture f;
  CaseNotes notes(*f.store);
  auto added = notes.add(note("Disclosure recorded verbatim."));
  REQUIRE(added.ok());
  auto finalised = notes.save_draft(note("Draft then final."));
  REQUIRE(finalised.ok());
  REQUIRE(notes.finalise(finalised->id).ok());

  for (const std::string& id : {added->id, finalised->id}) {
    const Record before = get_note(*f.store, id);
    const Counts c = counts(*f.store);
    INFO("note " << id << ": a final note changed after the fact would undermine the record");
    auto edit = notes.save_draft(note("Rewritten history."), id);
    REQUIRE_FALSE(edit.ok());
    CHECK(edit.error().code == ErrorCode::immutable);
    auto again = notes.finalise(id);
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code == ErrorCode::immutable);
    auto gone = notes.discard_draft(id);
    REQUIRE_FALSE(gone.ok());
    CHECK(gone.error().code == ErrorCode::immutable);
    const Record after = get_note(*f.store, id);
    CHECK(after.fields == before.fields);
    CHECK(after.hlc == before.hlc);
    expect_consistent(*f.store, c);
  }
  auto missing = notes.finalise("no-such-note");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::not_found);
}

TEST_CASE("amendments form a chain and leave the original untouched", "[case_notes]") {
  Fixture f;
  CaseNotes notes(*f.store);
  auto original = notes.add(note("Visit on Tuesday; dog kept in kitchen.", "home visit"));
  REQUIRE(original.ok());
  const Record original_before = get_note(*f.store, original->id);

  f.clock.advance(1000);
  auto a1 = notes.amend(original->id, "Correction: the visit was on Wednesday.");
  INFO((a1 ? "" : a1.error().describe()));
  REQUIRE(a1.ok());
  f.clock.advance(1000);
  auto a2 = notes.amend(a1->id, "Further correction: the dog was in the garden.");
  REQUIRE(a2.ok());
  f.clock.advance(1000);
  auto a3 = notes.amend(a2->id, "Third correction: present were mum and gran.");
  REQUIRE(a3.ok());

  CHECK(a1->text("amends") == original->id);
  CHECK(a2->text("amends") == a1->id);
  CHECK(a3->text("amends") == a2->id);
  for (const auto* a : {&*a1, &*a2, &*a3}) {
    CHECK(a->text("state") == "final");
    CHECK(a->text("case_id") == "c1");
    CHECK(a->text("category") == "home visit");
  }

  auto chain = notes.amendments(original->id);
  REQUIRE(chain.ok());
  INFO("the chain of corrections is how a reader finds the current truth");
  REQUIRE(chain->size() == 3);
  CHECK((*chain)[0].id == a1->id);
  CHECK((*chain)[1].id == a2->id);
  CHECK((*chain)[2].id == a3->id);
  auto tail = notes.amendments(a2->id);
  REQUIRE(tail.ok());
  REQUIRE(tail->size() == 1);
  CHECK(tail->front().id == a3->id);
  auto none = notes.amendments(a3->id);
  REQUIRE(none.ok());
  CHECK(none->empty());

  const Record original_after = get_note(*f.store, original->id);
  CHECK(original_after.fields == original_before.fields);
  CHECK(original_after.hlc == original_before.hlc);

  // Each amendment is its own create; the original is not re-sent.
  const auto ops = outbox(*f.store);
  REQUIRE(ops.size() == 4);
  for (std::size_t i = 1; i < ops.size(); ++i) {
    CHECK(ops[i].action == "create");
    CHECK(ops[i].record_id != original->id);
  }
  CHECK(nlohmann::json::parse(ops[1].fields).at("amends") == original->id);
  auto audit = f.store->list("audit_event", "action", "amended");
  REQUIRE(audit.ok());
  CHECK(audit->size() == 3);

  SECTION("a draft is edited, not amended") {
    auto d = notes.save_draft(note("draft"));
    REQUIRE(d.ok());
    const Counts c = counts(*f.store);
    auto r = notes.amend(d->id, "amendment of a draft");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::invalid_transition);
    expect_consistent(*f.store, c);
  }
  SECTION("amending a missing note is not_found; a bad amendment body is refused") {
    const Counts c = counts(*f.store);
    auto r = notes.amend("no-such-note", "text");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::not_found);
    auto empty = notes.amend(original->id, "");
    REQUIRE_FALSE(empty.ok());
    CHECK(empty.error().code == ErrorCode::invalid_argument);
    auto big = notes.amend(original->id, std::string(CaseNotes::kMaxNoteBytes + 1, 'x'));
    REQUIRE_FALSE(big.ok());
    CHECK(big.error().code == ErrorCode::too_large);
    expect_consistent(*f.store, c);
  }
}

TEST_CASE("discarding a draft removes it and sends nothing", "[case_notes]") {
  Fixture f;
  CaseNotes notes(*f.store);
  auto keep = notes.save_draft(note("Keep me."));
  auto drop = notes.save_draft(note("Started in the wrong case."));
  REQUIRE(keep.ok());
  REQUIRE(drop.ok());

  REQUIRE(notes.discard_draft(drop->id).ok());
  auto gone = f.store->get("case_note", drop->id);
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
  CHECK(get_note(*f.store, keep->id).text("body") == "Keep me.");
  auto drafts = notes.drafts();
  REQUIRE(drafts.ok());
  REQUIRE(drafts->size() == 1);
  CHECK(drafts->front().id == keep->id);
  CHECK(outbox(*f.store).empty());
  auto audit = f.store->list("audit_event", "action", "draft_discarded");
  REQUIRE(audit.ok());
  REQUIRE(audit->size() == 1);
  CHECK(audit->front().text("record_id") == drop->id);

  auto twice = notes.discard_draft(drop->id);
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().code == ErrorCode::not_found);
}

TEST_CASE("bad note text is refused clearly and leaves the store as it was", "[case_notes]") {
  Fixture f;
  CaseNotes notes(*f.store);
  auto existing = notes.add(note("An earlier note."));
  REQUIRE(existing.ok());
  auto draft = notes.save_draft(note("An earlier draft."));
  REQUIRE(draft.ok());
  const Counts before = counts(*f.store);

  struct Bad {
    const char* what;
    std::string body;
    ErrorCode code;
  };
  const Bad bad[] = {
      {"empty note", "", ErrorCode::invalid_argument},
      {"invalid UTF-8", "Mum said \xff\xfe then left", ErrorCode::invalid_argument},
      {"truncated UTF-8", "caf\xc3", ErrorCode::invalid_argument},
      {"UTF-16 surrogate in UTF-8", "x\xed\xa0\x80y", ErrorCode::invalid_argument},
      {"NUL byte", std::string("before\0after", 12), ErrorCode::invalid_argument},
      {"10 MB note", std::string(10 * 1000 * 1000, 'a'), ErrorCode::too_large},
      {"one byte over the limit", std::string(CaseNotes::kMaxNoteBytes + 1, 'b'), ErrorCode::too_large},
  };
  for (const auto& b : bad) {
    INFO(b.what << ": must be refused with a clear error, with nothing half-saved");
    auto add = notes.add(note(b.body));
    REQUIRE_FALSE(add.ok());
    CHECK(add.error().code == b.code);
    CHECK(add.error().message.size() < 200);  // one line for a person, not the text
    auto d = notes.save_draft(note(b.body));
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().code == b.code);
    auto edit = notes.save_draft(note(b.body), draft->id);
    REQUIRE_FALSE(edit.ok());
    CHECK(edit.error().code == b.code);
    expect_consistent(*f.store, before);
  }
  CHECK(get_note(*f.store, draft->id).text("body") == "An earlier draft.");

  SECTION("a note of exactly the limit is accepted") {
    auto r = notes.add(note(std::string(CaseNotes::kMaxNoteBytes, 'c')));
    INFO((r ? "" : r.error().describe()));
    REQUIRE(r.ok());
    CHECK(get_note(*f.store, r->id).text("body").size() == CaseNotes::kMaxNoteBytes);
  }
  SECTION("an unknown visibility is refused") {
    NoteInput n = note("text");
    n.visibility = "secret";
    auto r = notes.add(n);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::invalid_argument);
    expect_consistent(*f.store, before);
  }
  SECTION("a note on a case that is not on the device is not_found") {
    auto r = notes.add(note("text", "", "no-such-case"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::not_found);
    auto d = notes.save_draft(note("text", "", "no-such-case"));
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().code == ErrorCode::not_found);
    expect_consistent(*f.store, before);
  }
}

TEST_CASE("note text with SQL, quotes and any language is kept exactly", "[case_notes]") {
  Fixture f;
  CaseNotes notes(*f.store);
  const std::string hostile[] = {
      "'); DROP TABLE case_note; --",
      "\"; DELETE FROM outbox; --",
      "Robert'); DROP TABLE person;-- said \"hi\" \\ and left %_ *",
      "Line one\nLine two\r\n\ttabbed",
      "Zoë said «non» — 子供は元気です — \xf0\x9f\x91\xb6 ok",
      "x'00' || char(0) /* comment */ AND 1=1 OR NEAR",
  };
  std::vector<std::string> ids;
  auto category = [](std::size_t i) { return "cat " + std::to_string(i) + "'; DROP TABLE case_file; --"; };
  for (const auto& body : hostile) {
    auto r = notes.add(note(body, category(ids.size())));
    INFO(body << ": " << (r ? "" : r.error().describe()));
    REQUIRE(r.ok());
    ids.push_back(r->id);
  }
  auto reopened = open_store(f.tmp / "alex", fast_options(&f.clock));
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const Record n = get_note(*reopened, ids[i]);
    INFO("the worker's words must come back byte for byte: " << hostile[i]);
    CHECK(n.text("body") == hostile[i]);
    CHECK(n.text("category") == category(i));
  }
  CHECK(count(*reopened, "case_note") == static_cast<std::int64_t>(ids.size()));
  CHECK(count(*reopened, "person") == 1);
  auto ops = reopened->outbox();
  REQUIRE(ops.ok());
  REQUIRE(ops->size() == ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i)
    CHECK(nlohmann::json::parse((*ops)[i].fields).at("body") == hostile[i]);
  auto ic = reopened->integrity_check();
  REQUIRE(ic.ok());
  CHECK(*ic == "ok");
}
