// Canary scan: everything a worker writes is encrypted the moment it is saved. Writes
// unique marker strings through every path that stores case content (final notes,
// drafts, amendments, a discarded draft, a field report and its photo, a person's
// name), then searches every file under the store directory (database, WAL, SHM,
// envelope, lockout file, blobs) for each marker as UTF-8, UTF-16LE and UTF-16BE,
// while the store is open and after it is closed. Any hit is case content lying in
// plaintext on a device that can be lost.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "doorstep/core/case_notes.h"
#include "doorstep/core/field_reports.h"
#include "doorstep/core/key_envelope.h"
#include "doorstep/core/loader.h"
#include "doorstep/core/store.h"
#include "temp_store.h"

using namespace doorstep;
using namespace doorstep::test;
namespace fs = std::filesystem;

namespace {

// ASCII only, so utf16le/utf16be give the true UTF-16 forms; long enough never to
// occur by chance in ciphertext.
const std::vector<std::string> kCanaries = {
    "CANARYfinalnote7f3a9c",    "CANARYdraftnote41be0d",     "CANARYeditedraft9c27aa",
    "CANARYoriginalnote5d11e2", "CANARYamendment0a8c3f",     "CANARYdiscarded66b0e1",
    "CANARYreportdesc2f9e4b",   "CANARYphotobytes8d7c21",    "CANARYpersonname3e5f90",
    "CANARYaddress71c4d8",      "CANARYcategory50af36",      "CANARYphotoname19ce7b",
};

NoteInput note(const std::string& body) {
  NoteInput n;
  n.case_id = "c1";
  n.body = "Visit notes: " + body + " (end)";
  return n;
}

void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

std::string hex(const SecureKey& k, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < k.size(); ++i) {
    out += digits[k.data()[i] >> 4];
    out += digits[k.data()[i] & 0xf];
  }
  return out;
}

struct Needle {
  std::string label;
  std::string bytes;
};

std::vector<Needle> canary_needles() {
  std::vector<Needle> out;
  for (const auto& c : kCanaries) {
    out.push_back({c + " (UTF-8)", c});
    out.push_back({c + " (UTF-16LE)", utf16le(c)});
    out.push_back({c + " (UTF-16BE)", utf16be(c)});
  }
  return out;
}

struct Scan {
  std::size_t files = 0;
  std::vector<std::string> hits;  // "<needle> in <file>"
};

// Searches every file under dir for every needle.
Scan scan(const fs::path& dir, const std::vector<Needle>& needles) {
  Scan out;
  for (const auto& file : files_under(dir)) {
    const std::string content = read_all(file);
    ++out.files;
    for (const auto& n : needles)
      if (content.find(n.bytes) != std::string::npos) out.hits.push_back(n.label + " in " + file.filename().string());
  }
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += "\n  " + s;
  return out;
}

void expect_clean(const fs::path& dir, const std::vector<Needle>& needles, const std::string& when,
                  std::size_t min_files) {
  const Scan s = scan(dir, needles);
  INFO(when << ": found in plaintext (readable on a lost device):" << joined(s.hits));
  CHECK(s.hits.empty());
  CHECK(s.files >= min_files);
}

// Writes every canary through the paths that store case content.
void write_canaries(Store& store, const fs::path& outside) {
  const std::string people = R"({"people": [{"id": "p2", "name": "CANARYpersonname3e5f90 Smith",
                                            "address": "1 CANARYaddress71c4d8 Street"}],
                                 "cases": [{"id": "c2", "person_id": "p2", "kind": "children", "status": "open"}]})";
  auto loaded = load_json(store, people);
  INFO((loaded ? "" : loaded.error().describe()));
  REQUIRE(loaded.ok());

  CaseNotes notes(store);
  REQUIRE(notes.add(note("CANARYfinalnote7f3a9c")).ok());
  auto draft = notes.save_draft(note("CANARYdraftnote41be0d"));
  REQUIRE(draft.ok());
  auto edited = notes.save_draft(note("CANARYeditedraft9c27aa"), draft->id);
  REQUIRE(edited.ok());
  auto original = notes.add(note("CANARYoriginalnote5d11e2"));
  REQUIRE(original.ok());
  REQUIRE(notes.amend(original->id, "Correction: CANARYamendment0a8c3f").ok());
  auto doomed = notes.save_draft(note("CANARYdiscarded66b0e1"));
  REQUIRE(doomed.ok());
  REQUIRE(notes.discard_draft(doomed->id).ok());

  // The photo's source stays outside the store directory (as a camera file would).
  const fs::path photo = outside / "CANARYphotoname19ce7b.png";
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  png += "CANARYphotobytes8d7c21";
  png += std::string(5000, 'x') + "CANARYphotobytes8d7c21";
  write_bytes(photo, png);
  FieldReportInput in;
  in.category = "CANARYcategory50af36";
  in.description = "Mattress dumped: CANARYreportdesc2f9e4b";
  in.address = "Back lane";
  in.case_id = "c1";
  in.photos = {photo};
  auto rep = FieldReports(store).create(in);
  INFO((rep ? "" : rep.error().describe()));
  REQUIRE(rep.ok());
  REQUIRE(rep->attachments.size() == 1);
  fs::remove(photo);
}

}  // namespace

TEST_CASE("the scan finds a canary in every encoding when it is there", "[canary]") {
  TempDir tmp;
  const std::string c = kCanaries.front();
  write_bytes(tmp / "plain-utf8.txt", "xx" + c + "yy");
  write_bytes(tmp / "plain-utf16le.txt", "xx" + utf16le(c) + "yy");
  write_bytes(tmp / "plain-utf16be.txt", "x" + utf16be(c) + "yy");
  const Scan s = scan(tmp.path(), canary_needles());
  INFO("the canary scan is blind; a pass of the scans below would prove nothing" << joined(s.hits));
  CHECK(s.files == 3);
  CHECK(s.hits.size() == 3);
}

TEST_CASE("no case content is in plaintext in any store file, open or closed", "[canary]") {
  TempDir tmp;
  const fs::path dir = tmp / "store";
  fs::create_directories(tmp / "camera");
  const auto needles = canary_needles();
  {
    auto store = make_store(dir);
    load_sample(*store);
    write_canaries(*store, tmp / "camera");

    // While open: the WAL holds the recent pages and has not been checkpointed.
    auto wal = store->paths().database();
    wal += "-wal";
    INFO("the write-ahead log should exist while the store is open, so it gets scanned");
    CHECK(fs::exists(wal));
    CHECK(fs::exists(store->paths().blobs()));
    expect_clean(dir, needles, "store open", 6);  // database, WAL, SHM, envelope, lockout, one blob
  }
  {
    // Closed: whatever the checkpoint left behind.
    expect_clean(dir, needles, "store closed", 4);  // database, envelope, lockout, one blob
  }
  {
    // Opened again and read (the reads go through the WAL index again).
    auto store = open_store(dir);
    auto notes = store->list("case_note");
    REQUIRE(notes.ok());
    CHECK(notes->size() == 4);  // final, edited draft, original, amendment
    bool found = false;
    for (const auto& n : *notes) found = found || n.text("body").find("CANARYamendment0a8c3f") != std::string::npos;
    CHECK(found);  // the canaries really were written
    expect_clean(dir, needles, "store reopened", 6);
  }
}

TEST_CASE("the data key never appears in any store file, raw or as hex", "[canary]") {
  TempDir tmp;
  const fs::path dir = tmp / "store";
  fs::create_directories(tmp / "camera");
  SecureKey dek;
  {
    auto store = make_store(dir);
    load_sample(*store);
    write_canaries(*store, tmp / "camera");
    auto env = KeyEnvelope::load(store->paths().envelope());
    REQUIRE(env.ok());
    auto opened = env->open(SecretString(std::string(kPin)));
    REQUIRE(opened.ok());
    dek = std::move(*opened);

    const std::vector<Needle> key_needles = {
        {"the data key (raw bytes)", std::string(reinterpret_cast<const char*>(dek.data()), dek.size())},
        {"the data key (lower-case hex)", hex(dek, false)},
        {"the data key (upper-case hex)", hex(dek, true)},
    };
    expect_clean(dir, key_needles, "store open", 6);
  }
  const std::vector<Needle> key_needles = {
      {"the data key (raw bytes)", std::string(reinterpret_cast<const char*>(dek.data()), dek.size())},
      {"the data key (lower-case hex)", hex(dek, false)},
      {"the data key (upper-case hex)", hex(dek, true)},
      {"the data key (raw key pragma)", "x'" + hex(dek, false) + "'"},
  };
  expect_clean(dir, key_needles, "store closed", 4);
}
