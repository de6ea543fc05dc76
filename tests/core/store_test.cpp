// Store: one worker's encrypted store on one device. These tests run against a real
// SQLCipher file and check what a worker relies on: the store opens with their PIN
// and nobody else's, a PIN change keeps every note, a damaged file is reported (not
// crashed on), and too many wrong PINs erase the data from the device.
#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>
#include <random>
#include <string>

#include "doorstep/core/case_notes.h"
#include "doorstep/core/caseload.h"
#include "doorstep/core/field_reports.h"
#include "doorstep/core/key_store.h"
#include "doorstep/core/store.h"
#include "doorstep/core/tasks.h"
#include "doorstep/core/timeline.h"
#include "doorstep/core/visits.h"
#include "temp_store.h"

using namespace doorstep;
using namespace doorstep::test;
namespace fs = std::filesystem;

namespace {

SecretString pin(const std::string& s) { return SecretString(s); }

void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(gen() & 0xff);
  return s;
}

NoteInput note(const std::string& case_id, const std::string& body, const std::string& category = "") {
  NoteInput n;
  n.case_id = case_id;
  n.body = body;
  n.category = category;
  return n;
}

std::string small_png() { return std::string("\x89PNG\r\n\x1a\n", 8) + "pretend image data for a test photo"; }

// A store holding the sample caseload, two final notes and a photo report.
void fill(Store& store, const fs::path& scratch) {
  load_sample(store);
  CaseNotes notes(store);
  for (const char* body : {"Visited Dana at home; school attendance improving.", "Phone call with the school."}) {
    auto r = notes.add(note("c1", body, "home visit"));
    INFO((r ? "" : r.error().describe()));
    REQUIRE(r.ok());
  }
  const fs::path photo = scratch / "door.png";
  write_bytes(photo, small_png());
  FieldReportInput in;
  in.category = "fly-tipping";
  in.case_id = "c1";
  in.photos = {photo};
  auto rep = FieldReports(store).create(in);
  INFO((rep ? "" : rep.error().describe()));
  REQUIRE(rep.ok());
}

// What the worker would see: both notes and the person, read through a fresh open.
void check_data_intact(Store& store) {
  auto person = store.get("person", "p1");
  REQUIRE(person.ok());
  REQUIRE(person->has_value());
  CHECK((*person)->text("name") == "Dana Whitfield");
  auto notes = store.list("case_note", "case_id", "c1");
  REQUIRE(notes.ok());
  CHECK(notes->size() == 2);
  auto ic = store.integrity_check();
  REQUIRE(ic.ok());
  CHECK(*ic == "ok");
}

Result<std::unique_ptr<Store>> try_open(const fs::path& dir, const std::string& p,
                                        const StoreOptions& o = fast_options()) {
  return Store::open(dir, pin(p), o);
}

// The error code of a failed open; internal if it unexpectedly succeeded.
ErrorCode code_of(const Result<std::unique_ptr<Store>>& r) { return r.ok() ? ErrorCode::internal : r.error().code; }

bool same_key(const SecureKey& a, const SecureKey& b) {
  return std::memcmp(a.data(), b.data(), SecureKey::kSize) == 0;
}

}  // namespace

TEST_CASE("a new store opens again with the PIN and remembers its worker", "[store]") {
  TempDir tmp;
  const fs::path dir = tmp / "alex";
  std::string device;
  {
    auto s = make_store(dir);
    CHECK(s->user() == "alex");
    CHECK(is_uuid(s->device_id()));
    device = s->device_id();
    load_sample(*s);
  }
  CHECK(Store::exists(dir));
  StorePaths paths(dir);
  CHECK(fs::exists(paths.database()));
  CHECK(fs::exists(paths.envelope()));

  auto s = open_store(dir);
  CHECK(s->user() == "alex");
  CHECK(s->device_id() == device);
  auto p = s->get("person", "p1");
  REQUIRE(p.ok());
  INFO("a person loaded before closing the store is gone after reopening it");
  REQUIRE(p->has_value());
  CHECK((*p)->text("name") == "Dana Whitfield");
}

TEST_CASE("creating a store refuses bad users, short PINs and an existing store", "[store]") {
  TempDir tmp;
  {
    auto r = Store::create(tmp / "bad", "alex smith", pin("2468"), fast_options());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::invalid_argument);
  }
  {
    auto r = Store::create(tmp / "short", "alex", pin("123"), fast_options());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::invalid_argument);
    CHECK_FALSE(Store::exists(tmp / "short"));
  }
  {
    auto s = make_store(tmp / "alex");
    load_sample(*s);
  }
  auto again = Store::create(tmp / "alex", "alex", pin("1357"), fast_options());
  REQUIRE_FALSE(again.ok());
  INFO("creating a store over an existing one would destroy the worker's case notes");
  CHECK(again.error().code == ErrorCode::already_exists);
  auto s = open_store(tmp / "alex");
  CHECK(s->get("person", "p1")->has_value());
}

TEST_CASE("opening a directory without a store is not_found", "[store]") {
  TempDir tmp;
  auto r = try_open(tmp / "nobody", kPin);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::not_found);
  CHECK_FALSE(Store::exists(tmp / "nobody"));
}

TEST_CASE("the store runs in the pinned SQLCipher 3 format with schema 1", "[store]") {
  TempDir tmp;
  auto s = make_store(tmp / "alex");
  load_sample(*s);
  auto info = s->info();
  REQUIRE(info.ok());
  CHECK(info->format == "sqlcipher3");
  INFO("the page size decides whether another build can read this device's files");
  CHECK(info->cipher_page_size == 1024);
  CHECK(info->schema_version == 3);
  CHECK_FALSE(info->cipher_version.empty());
  CHECK(info->user == "alex");
  CHECK(info->device_id == s->device_id());
  CHECK(info->pending_operations == 0);
  CHECK(info->drafts == 0);
  CHECK_FALSE(info->last_sync.has_value());

  SECTION("the write-ahead log is in use (journal_mode=WAL)") {
    REQUIRE(CaseNotes(*s).add(note("c1", "A note to force a write.")).ok());
    auto wal = s->paths().database();
    wal += "-wal";
    CHECK(fs::exists(wal));
  }
  SECTION("pending operations and drafts are counted") {
    REQUIRE(CaseNotes(*s).add(note("c1", "Final note.")).ok());
    REQUIRE(CaseNotes(*s).save_draft(note("c1", "Draft note.")).ok());
    auto i2 = s->info();
    REQUIRE(i2.ok());
    CHECK(i2->pending_operations == 1);
    CHECK(i2->drafts == 1);
  }
}

TEST_CASE("a wrong PIN is a clear error and changes nothing", "[store]") {
  TempDir tmp;
  const fs::path dir = tmp / "alex";
  {
    auto s = make_store(dir);
    fill(*s, tmp.path());
  }
  const std::string db_before = read_all(StorePaths(dir).database());
  const std::string env_before = read_all(StorePaths(dir).envelope());

  auto r = try_open(dir, "1111");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::wrong_pin);
  INFO(r.error().describe());
  CHECK(r.error().message.find("9 attempts left") != std::string::npos);

  CHECK(read_all(StorePaths(dir).database()) == db_before);
  CHECK(read_all(StorePaths(dir).envelope()) == env_before);

  auto s = open_store(dir);
  INFO("after one wrong PIN the worker's notes must all still be there");
  check_data_intact(*s);
}

TEST_CASE("ten wrong PINs in a row crypto-erase the store", "[store]") {
  TempDir tmp;
  const fs::path dir = tmp / "alex";
  {
    auto s = make_store(dir);
    fill(*s, tmp.path());
  }
  StorePaths paths(dir);
  REQUIRE(!files_under(paths.blobs()).empty());

  for (int i = 1; i <= 9; ++i) {
    auto r = try_open(dir, "0000");
    INFO("wrong PIN number " << i);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::wrong_pin);
    CHECK(r.error().message.find(std::to_string(10 - i) + " attempts left") != std::string::npos);
    CHECK(fs::exists(paths.envelope()));
  }
  auto last = try_open(dir, "0000");
  REQUIRE_FALSE(last.ok());
  CHECK(last.error().code == ErrorCode::erased);

  INFO("a stolen device must not keep case data after ten guesses");
  CHECK_FALSE(fs::exists(paths.envelope()));
  CHECK_FALSE(fs::exists(paths.database()));
  CHECK_FALSE(fs::exists(fs::path(paths.database().string() + "-wal")));
  CHECK_FALSE(fs::exists(paths.blobs()));
  CHECK_FALSE(Store::exists(dir));

  auto after = try_open(dir, kPin);
  REQUIRE_FALSE(after.ok());
  CHECK(after.error().code == ErrorCode::not_found);
}

TEST_CASE("the right PIN resets the wrong-PIN count", "[store]") {
  TempDir tmp;
  const fs::path dir = tmp / "alex";
  { auto s = make_store(dir); load_sample(*s); }
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 8; ++i) REQUIRE(code_of(try_open(dir, "0000")) == ErrorCode::wrong_pin);
    INFO("round " << round << ": a worker who mistypes now and then must not lose their store");
    auto ok = try_open(dir, kPin);
    REQUIRE(ok.ok());
  }
  auto s = open_store(dir);
  CHECK(s->get("person", "p1")->has_value());
}

TEST_CASE("after 3 wrong PINs the store waits, doubling each time", "[store]") {
  TempDir tmp;
  const fs::path dir = tmp / "alex";
  ManualClock clock(1'800'000'000'000);
  StoreOptions o = fast_options(&clock);
  o.first_delay_ms = 1000;
  { auto s = make_store(dir, o); load_sample(*s); }

  // The first two wrong PINs are tried at once, without delay.
  REQUIRE(code_of(try_open(dir, "0000", o)) == ErrorCode::wrong_pin);
  REQUIRE(code_of(try_open(dir, "0000", o)) == ErrorCode::wrong_pin);
  // Two failures so far; the third starts the delay.
  auto third = try_open(dir, "0000", o);
  REQUIRE(code_of(third) == ErrorCode::wrong_pin);
  CHECK(third.error().message.find("wait 1 s") != std::string::npos);

  std::int64_t delay = 1000;
  for (int failure = 4; failure <= 6; ++failure) {
    INFO("failure " << failure << " with a delay of " << delay << " ms");
    // During the delay even the right PIN is refused without being tried.
    auto during = try_open(dir, kPin, o);
    REQUIRE_FALSE(during.ok());
    CHECK(during.error().code == ErrorCode::locked_out);
    clock.advance(delay - 1);
    auto almost = try_open(dir, "0000", o);
    REQUIRE_FALSE(almost.ok());
    CHECK(almost.error().code == ErrorCode::locked_out);
    clock.advance(1);
    auto wrong = try_open(dir, "0000", o);
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error().code == ErrorCode::wrong_pin);
    // Locked-out attempts are not counted as guesses.
    CHECK(wrong.error().message.find(std::to_string(10 - failure) + " attempts left") != std::string::npos);
    delay *= 2;
    CHECK(wrong.error().message.find("wait " + std::to_string(delay / 1000) + " s") != std::string::npos);
  }
  clock.advance(delay);
  auto ok = try_open(dir, kPin, o);
  INFO((ok ? "" : ok.error().describe()));
  INFO("after waiting out the delay the worker's PIN must open the store");
  REQUIRE(ok.ok());
  CHECK((*ok)->get("person", "p1")->has_value());
  ok->reset();

  // The count starts again after a success: two wrong PINs cause no delay.
  REQUIRE(code_of(try_open(dir, "0000", o)) == ErrorCode::wrong_pin);
  REQUIRE(code_of(try_open(dir, "0000", o)) == ErrorCode::wrong_pin);
  REQUIRE(try_open(dir, kPin, o).ok());
}

TEST_CASE("a PIN change keeps the data key: new PIN opens, old does not, data intact", "[store]") {
  TempDir tmp;
  const fs::path dir = tmp / "alex";
  StorePaths paths(dir);
  SecureKey dek_before;
  {
    auto s = make_store(dir);
    fill(*s, tmp.path());
    auto env = KeyEnvelope::load(paths.envelope());
    REQUIRE(env.ok());
    auto d = env->open(pin(kPin));
    REQUIRE(d.ok());
    dek_before = std::move(*d);

    auto wrong = s->change_pin(pin("0000"), pin("97531"));
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error().code == ErrorCode::wrong_pin);
    auto too_short = s->change_pin(pin(kPin), pin("12"));
    REQUIRE_FALSE(too_short.ok());
    CHECK(too_short.error().code == ErrorCode::invalid_argument);

    auto changed = s->change_pin(pin(kPin), pin("97531"));
    INFO((changed.ok() ? "" : changed.error().describe()));
    REQUIRE(changed.ok());
    auto audit = s->list("audit_event", "action", "pin_changed");
    REQUIRE(audit.ok());
    CHECK(audit->size() == 1);
  }
  auto env = KeyEnvelope::load(paths.envelope());
  REQUIRE(env.ok());
  auto dek_after = env->open(pin("97531"));
  REQUIRE(dek_after.ok());
  INFO("the data key changed with the PIN: the database would need re-encrypting");
  CHECK(same_key(dek_before, *dek_after));

  auto old = try_open(dir, kPin);
  REQUIRE_FALSE(old.ok());
  CHECK(old.error().code == ErrorCode::wrong_pin);

  auto s = Store::open(dir, pin("97531"), fast_options());
  INFO((s ? "" : s.error().describe()));
  INFO("after a PIN change the worker could not open their store with the new PIN");
  REQUIRE(s.ok());
  check_data_intact(**s);
}

TEST_CASE("a store copied to another place opens only with its own PIN", "[store]") {
  TempDir tmp;
  const fs::path dir = tmp / "alex";
  { auto s = make_store(dir); fill(*s, tmp.path()); }
  const fs::path copy = tmp / "copied" / "alex";
  fs::create_directories(copy.parent_path());
  fs::copy(dir, copy, fs::copy_options::recursive);

  for (const char* guess : {"1234", "0000", "2469"}) {
    auto r = try_open(copy, guess);
    REQUIRE_FALSE(r.ok());
    INFO("a copied store must give nothing to someone without the PIN; guess " << guess);
    CHECK(r.error().code == ErrorCode::wrong_pin);
  }
  auto s = open_store(copy);
  check_data_intact(*s);
}

TEST_CASE("a damaged database file is reported as corrupt, not crashed on", "[store]") {
  TempDir tmp;
  const fs::path dir = tmp / "alex";
  {
    auto s = make_store(dir);
    fill(*s, tmp.path());
    CaseNotes notes(*s);
    // Enough notes that the middle of the file is table and index pages in use.
    for (int i = 0; i < 60; ++i)
      REQUIRE(notes.add(note("c1", "Note " + std::to_string(i) + ": " + std::string(300, 'a' + i % 26))).ok());
  }
  StorePaths paths(dir);
  const std::string original = read_all(paths.database());
  REQUIRE(original.size() > 64 * 1024);

  auto expect_corrupt = [&](const std::string& what) {
    auto r = try_open(dir, kPin);
    INFO(what << ": " << (r.ok() ? std::string("opened") : r.error().describe()));
    INFO("a damaged store must say so, so the worker knows notes may be missing");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::corrupt);
  };

  SECTION("bytes overwritten in the middle") {
    std::string damaged = original;
    const std::size_t mid = (damaged.size() / 2) & ~std::size_t{1023};
    for (std::size_t i = mid + 100; i < mid + 4 * 1024; i += 7) damaged[i] = static_cast<char>(damaged[i] ^ 0x5a);
    write_bytes(paths.database(), damaged);
    expect_corrupt("overwritten bytes");
  }
  SECTION("the file truncated to half") {
    write_bytes(paths.database(), original.substr(0, (original.size() / 2) & ~std::size_t{1023}));
    expect_corrupt("truncated file");
  }
  SECTION("the file truncated mid-page") {
    write_bytes(paths.database(), original.substr(0, original.size() / 2 + 333));
    expect_corrupt("truncated mid-page");
  }
  SECTION("the first page damaged") {
    std::string damaged = original;
    for (std::size_t i = 40; i < 200; ++i) damaged[i] = static_cast<char>(damaged[i] ^ 0xff);
    write_bytes(paths.database(), damaged);
    expect_corrupt("damaged first page");
  }
  SECTION("the file replaced by random bytes") {
    write_bytes(paths.database(), random_bytes(original.size(), 7));
    expect_corrupt("random bytes");
  }
  SECTION("a short file of random bytes") {
    write_bytes(paths.database(), random_bytes(100, 11));
    expect_corrupt("100 random bytes");
  }
}

TEST_CASE("a database without its key envelope is corrupt, not an empty store", "[store]") {
  TempDir tmp;
  const fs::path dir = tmp / "alex";
  { auto s = make_store(dir); load_sample(*s); }
  StorePaths paths(dir);
  fs::remove(paths.envelope());
  auto r = try_open(dir, kPin);
  REQUIRE_FALSE(r.ok());
  INFO("a missing envelope must not look like 'no store here' (which invites creating a new one)");
  CHECK(r.error().code == ErrorCode::corrupt);
  CHECK(Store::exists(dir));
  auto create = Store::create(dir, "alex", pin(kPin), fast_options());
  REQUIRE_FALSE(create.ok());
  CHECK(create.error().code == ErrorCode::already_exists);
  CHECK(fs::exists(paths.database()));
}

TEST_CASE("a damaged key envelope is corrupt and counts no wrong PIN", "[store]") {
  TempDir tmp;
  const fs::path dir = tmp / "alex";
  { auto s = make_store(dir); load_sample(*s); }
  StorePaths paths(dir);
  const std::string env = read_all(paths.envelope());
  write_bytes(paths.envelope(), env.substr(0, env.size() / 2));
  auto r = try_open(dir, kPin);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::corrupt);
  write_bytes(paths.envelope(), env);
  auto s = open_store(dir);
  CHECK(s->get("person", "p1")->has_value());
}

TEST_CASE("after lock() every read and write fails with a clear error", "[store]") {
  TempDir tmp;
  auto s = make_store(tmp / "alex");
  fill(*s, tmp.path());
  auto attachments = s->list("attachment");
  REQUIRE(attachments.ok());
  REQUIRE(attachments->size() == 1);
  const std::string attachment_id = attachments->front().id;

  s->lock();
  CHECK(s->locked());

  auto is_locked = [](const Error& e) {
    INFO(e.describe());
    CHECK(e.code == ErrorCode::invalid_transition);
    CHECK(e.message.find("locked") != std::string::npos);
  };
  INFO("a locked store (user switched, app backgrounded) must show nothing to the next person");
  { auto r = s->get("person", "p1"); REQUIRE_FALSE(r.ok()); is_locked(r.error()); }
  { auto r = s->list("case_note"); REQUIRE_FALSE(r.ok()); is_locked(r.error()); }
  { auto r = s->outbox(); REQUIRE_FALSE(r.ok()); is_locked(r.error()); }
  { auto r = s->info(); REQUIRE_FALSE(r.ok()); is_locked(r.error()); }
  { auto r = s->integrity_check(); REQUIRE_FALSE(r.ok()); is_locked(r.error()); }
  { auto r = s->write([](Writer&) { return Status{}; }); REQUIRE_FALSE(r.ok()); is_locked(r.error()); }
  { auto r = s->change_pin(pin(kPin), pin("97531")); REQUIRE_FALSE(r.ok()); is_locked(r.error()); }
  { auto r = CaseNotes(*s).add(note("c1", "after lock")); REQUIRE_FALSE(r.ok()); is_locked(r.error()); }
  { auto r = CaseNotes(*s).drafts(); REQUIRE_FALSE(r.ok()); is_locked(r.error()); }
  { auto r = Caseload(*s).list(); REQUIRE_FALSE(r.ok()); is_locked(r.error()); }
  { auto r = Timeline(*s).page("p1"); REQUIRE_FALSE(r.ok()); is_locked(r.error()); }
  { auto r = Visits(*s).between("2026-01-01", "2027-01-01"); REQUIRE_FALSE(r.ok()); is_locked(r.error()); }
  { auto r = Visits(*s).check_in("v1", {std::nullopt, "2026-11-25T11:00:00Z", "2026-11-25T10:00:00Z"});
    REQUIRE_FALSE(r.ok()); is_locked(r.error()); }
  { auto r = Tasks(*s).complete("t1"); REQUIRE_FALSE(r.ok()); is_locked(r.error()); }
  { FieldReportInput in; in.category = "graffiti";
    auto r = FieldReports(*s).create(in); REQUIRE_FALSE(r.ok()); is_locked(r.error()); }
  { auto r = export_attachment(*s, attachment_id, tmp / "out.png"); REQUIRE_FALSE(r.ok()); is_locked(r.error()); }
  CHECK_FALSE(fs::exists(tmp / "out.png"));

  // Unlocking again is open() with the PIN; nothing was lost by locking.
  s.reset();
  auto again = open_store(tmp / "alex");
  check_data_intact(*again);
}

TEST_CASE("the platform key unlocks the store without the PIN", "[store][key_store]") {
  TempDir tmp;
  const fs::path dir = tmp / "alex";
  MemoryKeyStore keys;
  {
    auto s = make_store(dir);
    fill(*s, tmp.path());
    auto wrong = s->enable_platform_key(keys, "doorstep-alex", pin("0000"));
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error().code == ErrorCode::wrong_pin);
    {
      auto none = Store::open_with_platform_key(dir, keys, fast_options());
      REQUIRE_FALSE(none.ok());
      CHECK(none.error().code == ErrorCode::not_found);
    }
    auto ok = s->enable_platform_key(keys, "doorstep-alex", pin(kPin));
    INFO((ok.ok() ? "" : ok.error().describe()));
    REQUIRE(ok.ok());
  }
  {
    auto s = Store::open_with_platform_key(dir, keys, fast_options());
    INFO((s ? "" : s.error().describe()));
    INFO("biometric/platform unlock failed: the worker would be stuck typing the PIN at every door");
    REQUIRE(s.ok());
    check_data_intact(**s);
    REQUIRE((*s)->change_pin(pin(kPin), pin("97531")).ok());
  }
  {
    auto s = Store::open_with_platform_key(dir, keys, fast_options());
    INFO("a PIN change dropped the platform unlock");
    REQUIRE(s.ok());
  }
  {
    // The PIN route still works alongside the platform key.
    auto s = Store::open(dir, pin("97531"), fast_options());
    REQUIRE(s.ok());
  }
  REQUIRE(keys.remove("doorstep-alex").ok());
  auto gone = Store::open_with_platform_key(dir, keys, fast_options());
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error().code == ErrorCode::not_found);
  MemoryKeyStore other_device;
  auto foreign = Store::open_with_platform_key(dir, other_device, fast_options());
  REQUIRE_FALSE(foreign.ok());
  CHECK(foreign.error().code == ErrorCode::not_found);
}

TEST_CASE("Store::erase removes every file of the store, even when locked", "[store]") {
  TempDir tmp;
  const fs::path dir = tmp / "alex";
  {
    auto s = make_store(dir);
    fill(*s, tmp.path());
    s->lock();
    REQUIRE(Store::erase(dir).ok());
  }
  CHECK_FALSE(Store::exists(dir));
  CHECK_FALSE(fs::exists(dir));
  auto r = try_open(dir, kPin);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::not_found);
  CHECK(Store::erase(dir).ok());  // erasing nothing is fine
}

TEST_CASE("a damaged wrong-PIN counter file never stops the worker's PIN from working", "[store]") {
  TempDir tmp;
  const fs::path dir = tmp / "alex";
  { auto s = make_store(dir); load_sample(*s); }
  StorePaths paths(dir);
  for (const char* text : {"", "garbage", "[]", "{\"failures\": \"three\"}", "{\"failures\": null}",
                           "{\"failures\": 2, \"locked_until_ms\": \"soon\"}", "{\"failures\": {}}"}) {
    INFO("lockout.json: " << text << ": the worker must still get in with the right PIN");
    write_bytes(paths.lockout(), text);
    Result<std::unique_ptr<Store>> r = make_error(ErrorDomain::store, ErrorCode::internal, "threw");
    REQUIRE_NOTHROW(r = try_open(dir, kPin));
    INFO((r ? "" : r.error().describe()));
    REQUIRE(r.ok());
    CHECK((*r)->get("person", "p1")->has_value());
  }
}

TEST_CASE("a pulled state becomes the base, with a pending local change kept on top", "[store]") {
  // Otherwise a worker's unsent edit would be overwritten by the next pull.
  TempDir tmp;
  auto s = make_store(tmp / "alex");
  load_sample(*s);
  auto before = s->get("person", "p1");
  REQUIRE(before.ok());
  REQUIRE(before->has_value());
  Record server = **before;
  server.rev = 7;
  server.fields["address"] = std::string("2 New Street");
  server.fields["phone"] = std::string("0100 000000");
  bool empty = false;
  REQUIRE(s->write([&](Writer& w) -> Status {
               auto e = w.outbox_empty();  // the puller writes states as they are then
               if (!e) return e.error();
               empty = *e;
               return w.apply_server_state(server);
             }).ok());
  CHECK(empty);
  auto got = s->get("person", "p1");
  REQUIRE(got.ok());
  CHECK((*got)->rev == 7);
  CHECK((*got)->text("address") == "2 New Street");
  CHECK((*got)->text("phone") == "0100 000000");

  REQUIRE(s->write([&](Writer& w) -> Status {
               auto r = w.change("person", "p1", {{"phone", std::string("0100 999999")}}, "changed");
               return r ? Status{} : Status(r.error());
             }).ok());
  server.rev = 8;
  server.fields["address"] = std::string("3 Later Road");
  REQUIRE(s->write([&](Writer& w) -> Status {
               auto e = w.outbox_empty();  // so the puller rebases
               if (!e) return e.error();
               empty = *e;
               return w.apply_server_state(server);
             }).ok());
  CHECK_FALSE(empty);
  got = s->get("person", "p1");
  REQUIRE(got.ok());
  CHECK((*got)->rev == 8);
  CHECK((*got)->text("address") == "3 Later Road");
  CHECK((*got)->text("phone") == "0100 999999");
  CHECK((*got)->text("name") == "Dana Whitfield");
}
