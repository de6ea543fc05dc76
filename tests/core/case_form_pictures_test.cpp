// Pictures on forms: a photo or signature answered on a form must be kept like a field
// report's photo: encrypted in the blob store, named by the answer, kept by the draft,
// sent with the submission as an attachment queued before it, and removed from the
// device once nothing names it. A bad file changes nothing. What the worker would lose
// otherwise: the photo itself (only a file name would travel), or space and privacy
// (pictures of a discarded form left on the tablet).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "doorstep/core/blob_store.h"
#include "doorstep/core/case_forms.h"
#include "doorstep/core/forms/form_records.h"
#include "doorstep/core/forms/picture_answer.h"
#include "doorstep/core/loader.h"
#include "temp_store.h"

using namespace doorstep;
using namespace doorstep::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// A home check: one photo (required), one signature, one text question.
const json kHomeCheck = {
    {"settings", {{"form_id", "home_check"}, {"version", 1}, {"title", "Home check"}}},
    {"survey",
     {{{"type", "image"}, {"name", "photo"}, {"label", "Photo of the kitchen"}, {"required", "yes"}},
      {{"type", "signature"}, {"name", "signature"}, {"label", "Signature of the parent"}},
      {{"type", "text"}, {"name", "comment"}, {"label", "Comment"}}}}};

std::string png(const std::string& marker, std::size_t size = 4096) {
  std::string s("\x89PNG\r\n\x1a\n", 8);
  while (s.size() < size) s += marker + " pixel data " + std::to_string(s.size()) + ";";
  s.resize(size);
  return s;
}

void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

struct Fixture {
  TempDir tmp;
  ManualClock clock{1795600800000};  // 2026-11-25T10:00:00Z
  std::unique_ptr<Store> store = make_store(tmp / "alex", fast_options(&clock));
  Fixture() {
    load_sample(*store);
    auto r = load_json(*store, json{{"forms", json::array({kHomeCheck})}}.dump());
    INFO((r.ok() ? std::string() : r.error().describe()));
    REQUIRE(r.ok());
  }
  fs::path file(const std::string& name, const std::string& bytes) {
    const fs::path p = tmp / name;
    write_bytes(p, bytes);
    return p;
  }
  std::size_t blob_files() {
    if (!fs::exists(store->paths().blobs())) return 0;
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(store->paths().blobs())) n += e.is_regular_file() ? 1 : 0;
    return n;
  }
  std::string blob(const std::string& sha) {
    std::string out;
    auto st = store->blobs().read(sha, [&](const std::string& chunk) -> Status {
      out += chunk;
      return {};
    });
    REQUIRE(st.ok());
    return out;
  }
};

OpenForm started(CaseForms& forms) {
  auto f = forms.start("c1", "home_check");
  INFO((f.ok() ? std::string() : f.error().describe()));
  REQUIRE(f.ok());
  return std::move(*f);
}

std::string text_of(const forms::FormSession& s, const std::string& path) {
  auto st = s.state(path);
  REQUIRE(st.ok());
  const auto* t = std::get_if<std::string>(&st->value);
  return t ? *t : std::string();
}

forms::PictureRef ref_of(const forms::FormSession& s, const std::string& path) {
  auto ref = forms::parse_picture_ref(text_of(s, path));
  REQUIRE(ref.has_value());
  return *ref;
}

void ok(const Status& st) {
  INFO((st.ok() ? std::string() : st.error().describe()));
  REQUIRE(st.ok());
}

}  // namespace

TEST_CASE("a photo and a signature go into the encrypted blob store and the answers name them", "[forms][pictures]") {
  Fixture f;
  CaseForms forms(*f.store);
  auto open = started(forms);
  const std::string kitchen = png("KITCHENPLAINTEXT", 150 * 1024);  // several 64 KiB chunks
  ok(forms.attach_picture_file(open.session, "photo", f.file("kitchen.png", kitchen)));
  const std::string signature = png("SIGNATUREPLAINTEXT", 900);
  ok(forms.attach_picture(open.session, "signature", signature));

  const auto photo = ref_of(open.session, "photo");
  CHECK(photo.sha256 == *sha256_file(f.tmp / "kitchen.png"));
  CHECK(photo.media_type == "image/png");
  CHECK(photo.size_bytes == 150 * 1024);
  CHECK(text_of(open.session, "photo") == "sha256:" + photo.sha256 + " image/png 153600");
  const auto sig = ref_of(open.session, "signature");
  CHECK(sig.size_bytes == 900);
  // Encrypted at rest: the blob files hold neither picture's bytes.
  REQUIRE(f.blob_files() == 2);
  for (const auto& e : fs::directory_iterator(f.store->paths().blobs())) {
    const std::string on_disk = read_all(e.path());
    CHECK(on_disk.find("KITCHENPLAINTEXT") == std::string::npos);
    CHECK(on_disk.find("SIGNATUREPLAINTEXT") == std::string::npos);
  }

  // The draft keeps the references across closing the store; the bytes come back whole.
  ok(forms.save(open.draft.id, open.session));
  const std::string draft_id = open.draft.id;
  f.store.reset();
  f.store = open_store(f.tmp / "alex", fast_options(&f.clock));
  CaseForms again(*f.store);
  auto resumed = again.resume(draft_id);
  REQUIRE(resumed.ok());
  CHECK(ref_of(resumed->session, "photo").sha256 == photo.sha256);
  CHECK(f.blob(photo.sha256) == kitchen);
  CHECK(f.blob(sig.sha256) == signature);
}

TEST_CASE("a picture that is missing, empty, too large or not a picture is refused and changes nothing",
          "[forms][pictures]") {
  Fixture f;
  CaseForms forms(*f.store);
  auto open = started(forms);
  ok(forms.attach_picture_file(open.session, "photo", f.file("first.png", png("first"))));
  const std::string before = text_of(open.session, "photo");
  REQUIRE(f.blob_files() == 1);

  const fs::path big = f.tmp / "huge.png";
  write_bytes(big, png("huge", 64));
  fs::resize_file(big, static_cast<std::uintmax_t>(forms::kMaxPictureBytes) + 1);
  struct Case {
    const char* what;
    Status st;
    ErrorCode code;
  };
  const std::vector<Case> cases = {
      {"a file that is not there", forms.attach_picture_file(open.session, "photo", f.tmp / "gone.jpg"),
       ErrorCode::not_found},
      {"an empty file", forms.attach_picture_file(open.session, "photo", f.file("empty.jpg", "")),
       ErrorCode::invalid_argument},
      {"a text file", forms.attach_picture_file(open.session, "photo", f.file("notes.jpg", "just some notes")),
       ErrorCode::invalid_argument},
      {"a file over the limit", forms.attach_picture_file(open.session, "photo", big), ErrorCode::too_large},
      {"a directory", forms.attach_picture_file(open.session, "photo", f.tmp.path()), ErrorCode::not_found},
      {"bytes that are not a picture", forms.attach_picture(open.session, "signature", "scribble"),
       ErrorCode::invalid_argument},
      {"no bytes", forms.attach_picture(open.session, "signature", ""), ErrorCode::invalid_argument},
      {"a text question", forms.attach_picture(open.session, "comment", png("c")), ErrorCode::invalid_argument},
      {"an unknown question", forms.attach_picture(open.session, "no_such", png("c")), ErrorCode::not_found},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    REQUIRE_FALSE(c.st.ok());
    CHECK(c.st.error().code == c.code);
    CHECK_FALSE(c.st.error().message.empty());
  }
  CHECK(text_of(open.session, "photo") == before);
  CHECK(f.blob_files() == 1);
  CHECK(forms::is_empty(open.session.state("signature")->value));

  // A file name typed as the answer is not a picture.
  auto typed = open.session.answer("photo", forms::Value(std::string("kitchen.jpg")));
  REQUIRE_FALSE(typed.ok());
  CHECK(typed.error().message == "Attach a photo; this answer does not name a stored picture.");
  CHECK(text_of(open.session, "photo") == before);
}

TEST_CASE("submitting queues each picture's attachment before the submission that names it", "[forms][pictures]") {
  Fixture f;
  CaseForms forms(*f.store);
  auto open = started(forms);
  const std::string bytes = png("doorstep");
  ok(forms.attach_picture_file(open.session, "photo", f.file("kitchen.png", bytes)));
  ok(forms.attach_picture(open.session, "signature", bytes));  // the same picture twice: one attachment
  ok(forms.save(open.draft.id, open.session));
  const auto photo = ref_of(open.session, "photo");

  auto out = forms.submit(open.draft.id, open.session);
  REQUIRE(out.ok());
  INFO(forms::describe_problems(out->problems));
  REQUIRE(out->ok());
  REQUIRE(out->attachments.size() == 1);
  const Record& a = out->attachments[0];
  CHECK(a.text("sha256") == photo.sha256);
  CHECK(a.text("owner_type") == "form_submission");
  CHECK(a.text("owner_id") == out->submission->id);
  CHECK(a.text("case_id") == "c1");
  CHECK(a.text("media_type") == "image/png");
  CHECK(a.integer("size_bytes") == static_cast<std::int64_t>(bytes.size()));
  CHECK(json::parse(out->submission->text("answers"))["photo"] == photo.text());

  auto ops = f.store->outbox();
  REQUIRE(ops.ok());
  REQUIRE(ops->size() == 2);
  CHECK((*ops)[0].record_type == "attachment");
  CHECK((*ops)[0].action == "create");
  CHECK((*ops)[1].record_type == "form_submission");
  CHECK((*ops)[1].record_id == out->submission->id);
  // The picture stays: the attachment names it now.
  CHECK(f.store->blobs().contains(photo.sha256));
}

TEST_CASE("a submission whose picture has left the device is refused with the question named", "[forms][pictures]") {
  Fixture f;
  CaseForms forms(*f.store);
  auto open = started(forms);
  ok(forms.attach_picture_file(open.session, "photo", f.file("kitchen.png", png("k"))));
  ok(forms.save(open.draft.id, open.session));
  REQUIRE(f.store->blobs().remove(ref_of(open.session, "photo").sha256).ok());
  auto out = forms.submit(open.draft.id, open.session);
  REQUIRE(out.ok());
  REQUIRE_FALSE(out->ok());
  REQUIRE(out->problems.size() == 1);
  CHECK(out->problems[0].path == "photo");
  CHECK(out->problems[0].message == "The picture is no longer on this device; attach it again.");
  CHECK(f.store->outbox()->empty());
  CHECK(forms.drafts()->size() == 1);
}

TEST_CASE("pictures no draft or attachment names any more leave the device", "[forms][pictures]") {
  Fixture f;
  CaseForms forms(*f.store);
  auto first = started(forms);
  auto second = started(forms);
  const std::string shared = png("shared");
  ok(forms.attach_picture(first.session, "photo", png("replaced")));
  const auto replaced = ref_of(first.session, "photo");
  ok(forms.save(first.draft.id, first.session));
  // Replacing the photo and saving removes the old one.
  ok(forms.attach_picture(first.session, "photo", shared));
  ok(forms.save(first.draft.id, first.session));
  CHECK_FALSE(f.store->blobs().contains(replaced.sha256));
  const auto kept = ref_of(first.session, "photo");
  // The same picture in another draft: discarding the first keeps it for the second.
  ok(forms.attach_picture(second.session, "photo", shared));
  ok(forms.save(second.draft.id, second.session));
  ok(forms.discard(first.draft.id));
  CHECK(f.store->blobs().contains(kept.sha256));
  ok(forms.discard(second.draft.id));
  CHECK_FALSE(f.store->blobs().contains(kept.sha256));

  // A session dropped without saving gives its new pictures back.
  auto third = started(forms);
  ok(forms.attach_picture(third.session, "signature", png("unsaved")));
  const auto unsaved = ref_of(third.session, "signature");
  ok(forms.abandon(third.session));
  CHECK_FALSE(f.store->blobs().contains(unsaved.sha256));
  CHECK(f.blob_files() == 0);
}

TEST_CASE("a draft saved with a file name for a picture still opens, without that answer", "[forms][pictures]") {
  Fixture f;
  CaseForms forms(*f.store);
  auto open = started(forms);
  ok(forms.save(open.draft.id, open.session));
  json draft = open.session.to_draft();
  draft["answers"]["photo"] = "kitchen.jpg";
  draft["answers"]["comment"] = "kept";
  REQUIRE(f.store
              ->write([&](Writer& w) -> Status {
                auto r = w.change("form_draft", open.draft.id, {{"draft", draft.dump()}}, "form_draft_saved", false);
                if (!r) return r.error();
                return {};
              })
              .ok());
  auto resumed = forms.resume(open.draft.id);
  INFO((resumed.ok() ? std::string() : resumed.error().describe()));
  REQUIRE(resumed.ok());
  CHECK(forms::is_empty(resumed->session.state("photo")->value));
  CHECK(text_of(resumed->session, "comment") == "kept");
}

TEST_CASE("a case leaving the caseload takes the pictures of its unfinished forms with it", "[forms][pictures]") {
  Fixture f;
  CaseForms forms(*f.store);
  auto open = started(forms);
  ok(forms.attach_picture(open.session, "photo", png("CANARY-kitchen")));
  ok(forms.save(open.draft.id, open.session));
  const auto photo = ref_of(open.session, "photo");
  std::vector<std::string> to_delete;
  ok(f.store->write([&](Writer& w) -> Status {
    auto shas = w.purge_case("c1");
    if (!shas) return shas.error();
    to_delete = *shas;
    return {};
  }));
  // The caller (the sync engine's scope purge) deletes these files after the commit.
  CHECK(to_delete == std::vector<std::string>{photo.sha256});
  // The draft's answers went to the quarantine, as any unfinished form's do.
  CHECK(f.store->list("quarantine")->size() == 1);
}
