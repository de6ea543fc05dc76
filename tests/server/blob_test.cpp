// Blobs: resumable upload from an offset, verification against the SHA-256,
// ranged download, limits.
#include <catch2/catch.hpp>

#include "doorstep/protocol/messages.h"
#include "server_fixture.h"

using namespace doorstep::server::test;
using nlohmann::json;

namespace {

std::string bytes(std::size_t n, unsigned seed) {
  std::string out(n, '\0');
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<char>((i * 131 + seed * 7 + (i >> 8)) & 0xff);
  return out;
}

struct Uploader {
  TestServer& s;
  TestDevice& d;
  Reply put(const std::string& sha, const std::string& data, std::int64_t offset, std::int64_t total) {
    return s.call("PUT", "/v1/blobs/" + sha + "?offset=" + std::to_string(offset), data, d.access_token,
                  {{"X-Blob-Size", std::to_string(total)}, {"Content-Type", "application/octet-stream"}});
  }
  Reply status(const std::string& sha) { return s.call("GET", "/v1/blobs/" + sha + "/status", "", d.access_token); }
};

// An attachment record in sam's case referencing sha, so sam may download it.
void attach(TestDevice& d, const std::string& sha, std::int64_t size) {
  auto r = d.push(json::array({d.op("attachment", random_id(), "create",
                                    {{"sha256", sha}, {"owner_type", "case"}, {"owner_id", "c1"}, {"case_id", "c1"},
                                     {"media_type", "image/jpeg"}, {"size_bytes", size},
                                     {"added_at", "2026-11-25T09:00:00Z"}})}));
  INFO(r.body);
  REQUIRE(r.json["results"][0]["outcome"] == "applied");
}

struct World {
  TestServer s;
  World() {
    s.add_worker("sam");
    s.add_person("p1", "Dana Whitfield");
    s.add_case("p1", "c1", "sam");
  }
};

}  // namespace

TEST_CASE("an interrupted upload resumes from the bytes received and is verified at the end") {
  World w;
  TestDevice d(w.s, "sam");
  Uploader up{w.s, d};
  const std::string data = bytes(700'000, 1);
  const std::string sha = sha256_of(data);

  auto fresh = up.status(sha);
  REQUIRE(fresh.status == 200);
  CHECK(fresh.json == json({{"received", 0}, {"complete", false}}));

  auto part = up.put(sha, data.substr(0, 300'000), 0, data.size());
  REQUIRE(part.status == 200);
  CHECK(part.json == json({{"received", 300'000}, {"complete", false}}));
  CHECK(up.status(sha).json["received"] == 300'000);

  // A retry of the first part (its response lost) is refused with where to resume.
  auto wrong = up.put(sha, data.substr(0, 300'000), 0, data.size());
  CHECK(wrong.status == 409);
  CHECK(wrong.error_code() == "offset");
  CHECK(wrong.json["received"] == 300'000);

  auto rest = up.put(sha, data.substr(300'000), 300'000, data.size());
  REQUIRE(rest.status == 200);
  CHECK(rest.json == json({{"received", 700'000}, {"complete", true}}));
  // Uploading a complete blob again is a no-op.
  CHECK(up.put(sha, data, 0, data.size()).json["complete"] == true);

  attach(d, sha, data.size());
  auto whole = w.s.call("GET", "/v1/blobs/" + sha, "", d.access_token);
  REQUIRE(whole.status == 200);
  CHECK(whole.body == data);

  auto range = w.s.call("GET", "/v1/blobs/" + sha, "", d.access_token, {{"Range", "bytes=262140-262150"}});
  REQUIRE(range.status == 206);
  CHECK(range.body == data.substr(262140, 11));
  CHECK(range.headers.find("Content-Range")->second == "bytes 262140-262150/700000");
  auto tail = w.s.call("GET", "/v1/blobs/" + sha, "", d.access_token, {{"Range", "bytes=-5"}});
  CHECK(tail.status == 206);
  CHECK(tail.body == data.substr(data.size() - 5));
  auto open = w.s.call("GET", "/v1/blobs/" + sha, "", d.access_token, {{"Range", "bytes=699990-"}});
  CHECK(open.body == data.substr(699990));
  for (const char* bad : {"bytes=700000-700001", "bytes=5-2", "bytes=0-1,4-5", "pages=1-2", "bytes=x-1"}) {
    auto r = w.s.call("GET", "/v1/blobs/" + sha, "", d.access_token, {{"Range", bad}});
    INFO(bad);
    CHECK(r.status == 416);
  }
}

TEST_CASE("bytes that do not match the SHA-256 are discarded with 422") {
  World w;
  TestDevice d(w.s, "sam");
  Uploader up{w.s, d};
  const std::string data = bytes(1000, 2);
  const std::string sha = sha256_of(data);
  std::string damaged = data;
  damaged[500] ^= 1;
  REQUIRE(up.put(sha, damaged.substr(0, 400), 0, data.size()).status == 200);
  auto bad = up.put(sha, damaged.substr(400), 400, data.size());
  CHECK(bad.status == 422);
  CHECK(bad.error_code() == "sha256_mismatch");
  CHECK(up.status(sha).json == json({{"received", 0}, {"complete", false}}));
  // Starting again with the right bytes works.
  CHECK(up.put(sha, data, 0, data.size()).json["complete"] == true);
}

TEST_CASE("uploads outside the limits are refused") {
  World w;
  TestDevice d(w.s, "sam");
  Uploader up{w.s, d};
  const std::string data = bytes(100, 3);
  const std::string sha = sha256_of(data);
  CHECK(up.put(sha, data, 0, doorstep::protocol::kMaxBlobBytes + 1).status == 413);
  CHECK(up.put(sha, data, 0, 50).status == 400);  // more than the declared size
  CHECK(up.put(sha, data, 5, 100).status == 409);  // nothing received yet
  CHECK(w.s.call("PUT", "/v1/blobs/" + sha, data, d.access_token).status == 400);  // no X-Blob-Size
  CHECK(w.s.call("PUT", "/v1/blobs/" + sha + "?offset=abc", data, d.access_token, {{"X-Blob-Size", "100"}}).status ==
        400);
  CHECK(w.s.call("PUT", "/v1/blobs/" + sha, data, d.access_token, {{"X-Blob-Size", "-1"}}).status == 400);
  REQUIRE(up.put(sha, data.substr(0, 10), 0, 100).status == 200);
  CHECK(up.put(sha, data.substr(10), 10, 101).status == 400);  // the size changed mid-upload
  CHECK(w.s.call("PUT", "/v1/blobs/NOTHEX", data, d.access_token, {{"X-Blob-Size", "100"}}).status == 404);
}

TEST_CASE("an incomplete or unknown blob is not served") {
  World w;
  TestDevice d(w.s, "sam");
  Uploader up{w.s, d};
  const std::string data = bytes(100, 4);
  const std::string sha = sha256_of(data);
  REQUIRE(up.put(sha, data.substr(0, 10), 0, 100).status == 200);
  attach(d, sha, 100);
  CHECK(w.s.call("GET", "/v1/blobs/" + sha, "", d.access_token).status == 404);
  CHECK(w.s.call("GET", "/v1/blobs/" + std::string(64, '0'), "", d.access_token).status == 404);
}

TEST_CASE("a form's picture answer is accepted only once the hub holds its blob, whole and of the size named") {
  World w;
  w.s.office("POST", "/v1/office/forms",
             {{"settings", {{"form_id", "home_check"}, {"version", 1}, {"title", "Home check"}}},
              {"survey", {{{"type", "image"}, {"name", "photo"}, {"label", "Photo"}, {"required", "yes"}}}}});
  TestDevice d(w.s, "sam");
  Uploader up{w.s, d};
  const std::string data = std::string("\x89PNG\r\n\x1a\n", 8) + bytes(400'000, 5);
  const std::string sha = sha256_of(data);
  const std::string ref = "sha256:" + sha + " image/png " + std::to_string(data.size());
  auto submit = [&](const std::string& photo) {
    auto r = d.push(json::array({d.op("form_submission", random_id(), "create",
                                      {{"case_id", "c1"}, {"form_id", "home_check"}, {"form_version", 1},
                                       {"answers", json{{"photo", photo}}.dump()},
                                       {"submitted_at", "2026-11-25T09:00:00Z"}, {"submitted_by", "sam"}})}));
    INFO(r.body);
    REQUIRE(r.status == 200);
    return r.json["results"][0];
  };
  const std::string missing = "the form has problems: photo: the picture " + sha.substr(0, 12) +
                              " was not uploaded to this hub";

  auto before = submit(ref);
  CHECK(before["outcome"] == "rejected");
  CHECK(before["reason"] == missing);
  // Half uploaded is not held.
  REQUIRE(up.put(sha, data.substr(0, 100'000), 0, data.size()).status == 200);
  CHECK(submit(ref)["reason"] == missing);
  REQUIRE(up.put(sha, data.substr(100'000), 100'000, data.size()).json["complete"] == true);
  auto after = submit(ref);
  CHECK(after["outcome"] == "applied");
  CHECK(submit("sha256:" + sha + " image/png 12")["reason"] ==
        "the form has problems: photo: the picture on this hub is not the size the answer names");
  CHECK(submit("photo.png")["reason"] ==
        "the form has problems: photo: Attach a photo; this answer does not name a stored picture.; "
        "photo: This question needs an answer.");
}
