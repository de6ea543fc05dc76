// FieldReports: a warden's report of an issue in the street, with photos. The photos
// must come back byte for byte, never lie on disk in the clear, and a bad photo must
// leave neither a half report nor an orphan file behind. A damaged photo must be
// reported, never exported as a silently broken file.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

#include "doorstep/core/blob_store.h"
#include "doorstep/core/field_reports.h"
#include "temp_store.h"

using namespace doorstep;
using namespace doorstep::test;
namespace fs = std::filesystem;

namespace {

void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

// A PNG-signed file with recognisable content, `size` bytes long.
std::string png(const std::string& marker, std::size_t size = 4096) {
  std::string s("\x89PNG\r\n\x1a\n", 8);
  while (s.size() < size) s += marker + " pixel data " + std::to_string(s.size()) + ";";
  s.resize(size);
  return s;
}

std::string jpeg(const std::string& marker) { return std::string("\xff\xd8\xff\xe0", 4) + "JFIF " + marker; }

std::int64_t count(Store& s, const std::string& type) {
  auto r = s.list(type, "", "", 100000);
  REQUIRE(r.ok());
  return static_cast<std::int64_t>(r->size());
}

std::size_t blob_files(Store& s) {
  if (!fs::exists(s.paths().blobs())) return 0;
  return files_under(s.paths().blobs()).size();
}

struct Fixture {
  TempDir tmp;
  std::unique_ptr<Store> store;
  fs::path camera;  // outside the store, as the phone's camera roll would be
  Fixture() {
    store = make_store(tmp / "alex");
    load_sample(*store);
    camera = tmp / "camera";
    fs::create_directories(camera);
  }
  fs::path photo(const std::string& name, const std::string& bytes) {
    const fs::path p = camera / name;
    write_bytes(p, bytes);
    return p;
  }
};

FieldReportInput report(std::vector<fs::path> photos) {
  FieldReportInput in;
  in.category = "fly-tipping";
  in.description = "Two mattresses and a fridge behind the garages.";
  in.address = "Garages, Mill Lane";
  in.priority = "high";
  in.place = Place{53.4808, -2.2426, 8.0};
  in.photos = std::move(photos);
  return in;
}

}  // namespace

TEST_CASE("a report with photos stores attachments that export back byte for byte", "[field_reports]") {
  Fixture f;
  const std::string png_bytes = png("PLAINTEXTMARKERpng", 200 * 1024);  // several 64 KiB chunks
  const std::string jpg_bytes = jpeg("PLAINTEXTMARKERjpg");
  auto r = FieldReports(*f.store).create(
      report({f.photo("mattress.png", png_bytes), f.photo("fridge.jpg", jpg_bytes)}));
  INFO((r ? "" : r.error().describe()));
  REQUIRE(r.ok());

  const Record& rep = r->report;
  CHECK(rep.text("category") == "fly-tipping");
  CHECK(rep.text("status") == "reported");
  CHECK(rep.text("priority") == "high");
  CHECK(rep.text("reporter") == "alex");
  CHECK(rep.real("lat") == Approx(53.4808));
  CHECK(rep.real("lon") == Approx(-2.2426));
  CHECK(rep.real("accuracy_m") == Approx(8.0));

  REQUIRE(r->attachments.size() == 2);
  const Record& a_png = r->attachments[0];
  const Record& a_jpg = r->attachments[1];
  CHECK(a_png.text("owner_type") == "field_report");
  CHECK(a_png.text("owner_id") == rep.id);
  CHECK(a_png.text("media_type") == "image/png");
  CHECK(a_png.integer("size_bytes") == static_cast<std::int64_t>(png_bytes.size()));
  CHECK(a_png.text("file_name") == "mattress.png");
  CHECK(a_png.text("sha256") == *sha256_file(f.camera / "mattress.png"));
  CHECK(a_jpg.text("media_type") == "image/jpeg");
  CHECK(count(*f.store, "attachment") == 2);

  // The report and both attachments are queued for the office, in that order.
  auto ops = f.store->outbox();
  REQUIRE(ops.ok());
  REQUIRE(ops->size() == 3);
  CHECK((*ops)[0].record_type == "field_report");
  CHECK((*ops)[0].action == "create");
  CHECK((*ops)[1].record_type == "attachment");
  CHECK(nlohmann::json::parse((*ops)[1].fields).at("sha256") == a_png.text("sha256"));
  CHECK((*ops)[2].record_type == "attachment");

  // The camera files can go: the store holds its own encrypted copies.
  fs::remove_all(f.camera);
  const fs::path out_png = f.tmp / "exported.png";
  const fs::path out_jpg = f.tmp / "exported.jpg";
  auto e1 = export_attachment(*f.store, a_png.id, out_png);
  INFO((e1.ok() ? "" : e1.error().describe()));
  REQUIRE(e1.ok());
  REQUIRE(export_attachment(*f.store, a_jpg.id, out_jpg).ok());
  INFO("an exported photo that differs from what was taken is lost evidence");
  CHECK(read_all(out_png) == png_bytes);
  CHECK(read_all(out_jpg) == jpg_bytes);
  auto exported = f.store->list("audit_event", "action", "exported");
  REQUIRE(exported.ok());
  CHECK(exported->size() == 2);

  SECTION("no blob file holds the photo's plaintext") {
    REQUIRE(blob_files(*f.store) == 2);
    for (const auto& file : files_under(f.store->paths().blobs())) {
      const std::string content = read_all(file);
      INFO(file.filename().string() << " holds photo content in the clear");
      CHECK(content.find("PLAINTEXTMARKER") == std::string::npos);
      CHECK(content.find("JFIF") == std::string::npos);
      CHECK(content.find(png_bytes.substr(0, 64)) == std::string::npos);
      CHECK(file.filename().string().find(a_png.text("sha256")) == std::string::npos);
    }
  }
  SECTION("an unknown attachment is not_found and writes nothing") {
    auto e = export_attachment(*f.store, "no-such-attachment", f.tmp / "x.png");
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().code == ErrorCode::not_found);
    CHECK_FALSE(fs::exists(f.tmp / "x.png"));
  }
}

TEST_CASE("a file that is not a photo is refused: no report, no attachment, no blob", "[field_reports]") {
  Fixture f;
  const auto reports = count(*f.store, "field_report");
  const fs::path good = f.photo("good.png", png("good"));
  struct Bad {
    const char* what;
    std::string bytes;
  };
  const Bad bad[] = {
      {"a text file", "Dear council, please collect the sofa."},
      {"a PDF", "%PDF-1.7\n%binary"},
      {"a GIF", std::string("GIF89a\x01\x00\x01\x00", 10)},
      {"a truncated PNG signature", std::string("\x89PNG\r\n", 6)},
      {"an executable", "\x7f" "ELF\x02\x01\x01"},
  };
  for (const auto& b : bad) {
    INFO(b.what << " accepted as a photo, or it left a report or file behind");
    const fs::path p = f.photo("not-a-photo.bin", b.bytes);
    // The good photo is imported first; the refusal must remove it again.
    auto r = FieldReports(*f.store).create(report({good, p}));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::invalid_argument);
    CHECK(r.error().message.find("not-a-photo.bin") != std::string::npos);
    CHECK(count(*f.store, "field_report") == reports);
    CHECK(count(*f.store, "attachment") == 0);
    CHECK(f.store->outbox()->empty());
    CHECK(blob_files(*f.store) == 0);
  }
}

TEST_CASE("an empty or missing photo file is a clear error", "[field_reports]") {
  Fixture f;
  const fs::path empty = f.photo("empty.jpg", "");
  auto r = FieldReports(*f.store).create(report({empty}));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::invalid_argument);
  CHECK(r.error().message.find("empty") != std::string::npos);
  auto media = photo_media_type(empty);
  REQUIRE_FALSE(media.ok());
  CHECK(media.error().code == ErrorCode::invalid_argument);

  auto missing = FieldReports(*f.store).create(report({f.camera / "deleted-before-upload.jpg"}));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::not_found);

  CHECK(count(*f.store, "field_report") == 0);
  CHECK(blob_files(*f.store) == 0);
}

TEST_CASE("bad report fields are refused before anything is written", "[field_reports]") {
  Fixture f;
  const fs::path good = f.photo("good.png", png("good"));
  auto refused = [&](FieldReportInput in, ErrorCode code, const char* what) {
    INFO(what);
    auto r = FieldReports(*f.store).create(in);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == code);
    CHECK(count(*f.store, "field_report") == 0);
    CHECK(blob_files(*f.store) == 0);
  };
  FieldReportInput in = report({good});
  in.category = "";
  refused(in, ErrorCode::invalid_argument, "no category");
  in = report({good});
  in.priority = "whenever";
  refused(in, ErrorCode::invalid_argument, "unknown priority");
  in = report({good});
  in.place = Place{-91, 0, std::nullopt};
  refused(in, ErrorCode::invalid_argument, "latitude off the globe");
  in = report({good});
  in.description = "bad \xff";
  refused(in, ErrorCode::invalid_argument, "description not UTF-8");
  in = report({good});
  in.description = std::string(64 * 1024 + 1, 'x');
  refused(in, ErrorCode::too_large, "description over 64 KiB");
  in = report({good});
  in.case_id = "no-such-case";
  refused(in, ErrorCode::not_found, "unknown case");
}

TEST_CASE("the same photo is stored once however often it is attached", "[field_reports]") {
  Fixture f;
  const fs::path p = f.photo("door.png", png("door"));
  const fs::path copy = f.photo("door-copy.png", png("door"));
  auto first = FieldReports(*f.store).create(report({p, copy}));
  REQUIRE(first.ok());
  REQUIRE(first->attachments.size() == 2);
  CHECK(first->attachments[0].text("sha256") == first->attachments[1].text("sha256"));
  CHECK(blob_files(*f.store) == 1);

  auto second = FieldReports(*f.store).create(report({p}));
  REQUIRE(second.ok());
  INFO("a photo attached twice must not fill the device with copies");
  CHECK(blob_files(*f.store) == 1);
  CHECK(count(*f.store, "attachment") == 3);

  auto added = FieldReports(*f.store).add_photos(second->report.id, {copy});
  REQUIRE(added.ok());
  CHECK(blob_files(*f.store) == 1);

  SECTION("a refused photo in a later report does not remove the shared blob") {
    const fs::path junk = f.photo("junk.txt", "not a photo");
    auto r = FieldReports(*f.store).create(report({p, junk}));
    REQUIRE_FALSE(r.ok());
    CHECK(blob_files(*f.store) == 1);
    REQUIRE(export_attachment(*f.store, first->attachments[0].id, f.tmp / "still-there.png").ok());
    CHECK(read_all(f.tmp / "still-there.png") == png("door"));
  }
}

TEST_CASE("a damaged photo blob fails to export as corrupt and leaves no output file", "[field_reports]") {
  Fixture f;
  const std::string small = png("small", 3000);
  const std::string big = png("big", 150 * 1024);  // three chunks
  auto r = FieldReports(*f.store).create(report({f.photo("small.png", small), f.photo("big.png", big)}));
  REQUIRE(r.ok());
  REQUIRE(r->attachments.size() == 2);
  const Record a_small = r->attachments[0];
  const Record a_big = r->attachments[1];
  const fs::path blob_small = f.store->blobs().file_for(a_small.text("sha256"));
  const fs::path blob_big = f.store->blobs().file_for(a_big.text("sha256"));
  REQUIRE(fs::exists(blob_small));
  REQUIRE(fs::exists(blob_big));
  const std::string orig_small = read_all(blob_small);
  const std::string orig_big = read_all(blob_big);

  auto expect_corrupt = [&](const Record& a, const std::string& what) {
    const fs::path out = f.tmp / "exported.png";
    auto e = export_attachment(*f.store, a.id, out);
    INFO(what << ": " << (e.ok() ? std::string("exported") : e.error().describe()));
    INFO("a damaged photo exported as if whole would pass off altered evidence");
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().code == ErrorCode::corrupt);
    CHECK_FALSE(fs::exists(out));
    CHECK_FALSE(fs::exists(f.tmp / "exported.png.part"));
  };

  SECTION("one byte flipped anywhere") {
    for (std::size_t at : {std::size_t{0}, std::size_t{5}, std::size_t{30}, orig_small.size() / 2,
                           orig_small.size() - 1}) {
      std::string d = orig_small;
      d[at] = static_cast<char>(d[at] ^ 0x01);
      write_bytes(blob_small, d);
      expect_corrupt(a_small, "byte " + std::to_string(at) + " flipped");
    }
    std::string d = orig_big;
    d[100 * 1024] = static_cast<char>(d[100 * 1024] ^ 0x80);
    write_bytes(blob_big, d);
    expect_corrupt(a_big, "byte flipped in the second chunk");
  }
  SECTION("truncated") {
    for (std::size_t len : {std::size_t{0}, std::size_t{3}, std::size_t{28}, orig_small.size() / 2,
                            orig_small.size() - 1}) {
      write_bytes(blob_small, orig_small.substr(0, len));
      expect_corrupt(a_small, "truncated to " + std::to_string(len) + " bytes");
    }
    // Cut exactly after the first encrypted chunk (magic 4 + header 24 + 64 KiB + 17).
    write_bytes(blob_big, orig_big.substr(0, 4 + 24 + 65536 + 17));
    expect_corrupt(a_big, "truncated at a chunk boundary");
  }
  SECTION("extra bytes appended") {
    write_bytes(blob_small, orig_small + "tail");
    expect_corrupt(a_small, "bytes appended");
  }
  SECTION("one photo's blob swapped for another's") {
    write_bytes(blob_small, orig_big);
    expect_corrupt(a_small, "blob replaced by another photo's");
  }
  SECTION("the blob file deleted") {
    fs::remove(blob_small);
    auto e = export_attachment(*f.store, a_small.id, f.tmp / "exported.png");
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().code == ErrorCode::not_found);
    CHECK_FALSE(fs::exists(f.tmp / "exported.png"));
  }
  SECTION("the undamaged blob still exports after its neighbour is damaged") {
    write_bytes(blob_small, orig_small.substr(0, 10));
    REQUIRE(export_attachment(*f.store, a_big.id, f.tmp / "big.png").ok());
    CHECK(read_all(f.tmp / "big.png") == big);
  }
}

TEST_CASE("photo_media_type recognises JPEG, PNG, HEIC and WebP from their bytes", "[field_reports]") {
  TempDir tmp;
  struct Kind {
    std::string bytes;
    const char* type;
  };
  const Kind kinds[] = {
      {jpeg("x"), "image/jpeg"},
      {png("x", 64), "image/png"},
      {std::string("\0\0\0\x18" "ftypheic\0\0\0\0", 16), "image/heic"},
      {std::string("\0\0\0\x18" "ftypmif1\0\0\0\0", 16), "image/heic"},
      {std::string("RIFF\x10\0\0\0WEBPVP8 ", 16), "image/webp"},
  };
  int i = 0;
  for (const auto& k : kinds) {
    const fs::path p = tmp / ("photo" + std::to_string(i++));
    write_bytes(p, k.bytes);
    auto t = photo_media_type(p);
    INFO(k.type);
    REQUIRE(t.ok());
    CHECK(*t == k.type);
  }
}
