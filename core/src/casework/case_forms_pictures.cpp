// CaseForms: pictures for image and signature questions. The bytes go into the blob
// store as field report photos do; the answer names the blob; a blob is removed again
// once no attachment record and no draft refers to it.
#include <algorithm>

#include "../db/database.h"
#include "doorstep/core/blob_store.h"
#include "doorstep/core/case_forms.h"
#include "doorstep/core/field_reports.h"
#include "doorstep/core/forms/picture_answer.h"

namespace doorstep {

static_assert(forms::kMaxPictureBytes == FieldReports::kMaxPhotoBytes, "a form's photo has a report photo's limit");

namespace {

Error input(ErrorCode code, const std::string& msg) { return make_error(ErrorDomain::input, code, msg); }

// The question a path names: "photo" or "rooms[2]/photo".
Result<const forms::Question*> picture_question(const forms::FormSession& session, std::string_view path) {
  auto state = session.state(path);
  if (!state) return state.error();
  if (state->read_only)
    return make_error(ErrorDomain::state, ErrorCode::invalid_transition,
                      "'" + std::string(path.substr(0, 128)) + "' is read-only on this form");
  const auto slash = path.rfind('/');
  const forms::Question* q = session.definition().find(slash == std::string_view::npos ? path : path.substr(slash + 1));
  if (q == nullptr) return input(ErrorCode::not_found, "no question " + std::string(path.substr(0, 128)));
  if (!forms::takes_picture(*q))
    return input(ErrorCode::invalid_argument,
                 "'" + q->name + "' is a " + std::string(forms::to_string(q->type)) +
                     " question; only image and signature questions take a picture");
  return q;
}

Error too_large(const std::string& name, std::int64_t size) {
  return input(ErrorCode::too_large, name + " is " + std::to_string(size) + " bytes; a picture on a form is limited to " +
                                         std::to_string(forms::kMaxPictureBytes / (1 << 20)) + " MiB");
}

// Whether an attachment record or a saved draft (any case) names the blob. The same
// query as Writer::purge_case's, without the case.
Result<bool> referenced(Store& store, const std::string& sha) {
  auto st = store.database().prepare(
      "SELECT (SELECT count(*) FROM attachment WHERE sha256 = ?1)"
      " + (SELECT count(*) FROM form_draft WHERE draft LIKE '%sha256:' || ?1 || '%')");
  if (!st) return st.error();
  (*st)->bind(1, sha);
  auto row = (*st)->step();
  if (!row) return row.error();
  const bool named = *row && (*st)->integer(0) > 0;
  (*st)->reset();
  return named;
}

}  // namespace

Status CaseForms::answer_picture(forms::FormSession& session, std::string_view path, const std::string& sha256,
                                 std::int64_t size, const std::string& media_type, bool was_new) {
  const forms::PictureRef ref{sha256, media_type, size};
  auto st = session.answer(path, forms::Value(ref.text()));
  if (!st.ok() && was_new) (void)store_.blobs().remove(sha256);
  return st;
}

Status CaseForms::attach_picture(forms::FormSession& session, std::string_view path, const std::string& bytes) {
  auto q = picture_question(session, path);
  if (!q) return q.error();
  if (store_.locked()) return make_error(ErrorDomain::state, ErrorCode::invalid_transition, "the store is locked");
  const std::string name = "the picture for '" + (*q)->name + "'";
  if (static_cast<std::int64_t>(bytes.size()) > forms::kMaxPictureBytes)
    return too_large(name, static_cast<std::int64_t>(bytes.size()));
  auto media = photo_media_type_of(std::string_view(bytes).substr(0, 16), name);
  if (!media) return media.error();
  // Content already held is not written again, and is not ours to remove on failure.
  auto blob = store_.blobs().import_bytes(bytes);
  if (!blob) return blob.error();
  return answer_picture(session, path, blob->sha256, blob->size, *media, blob->added);
}

Status CaseForms::attach_picture_file(forms::FormSession& session, std::string_view path,
                                      const std::filesystem::path& file) {
  auto q = picture_question(session, path);
  if (!q) return q.error();
  if (store_.locked()) return make_error(ErrorDomain::state, ErrorCode::invalid_transition, "the store is locked");
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec || !std::filesystem::is_regular_file(file, ec))
    return input(ErrorCode::not_found, "cannot read the picture " + file.string());
  if (static_cast<std::int64_t>(size) > forms::kMaxPictureBytes)
    return too_large(file.filename().string(), static_cast<std::int64_t>(size));
  auto media = photo_media_type(file);
  if (!media) return media.error();
  auto blob = store_.blobs().import_file(file, forms::kMaxPictureBytes);
  if (!blob) return blob.error();
  return answer_picture(session, path, blob->sha256, blob->size, *media, blob->added);
}

Status CaseForms::abandon(const forms::FormSession& session) {
  // release_pictures keeps whatever a saved draft or an attachment record still names.
  return release_pictures(forms::picture_hashes_in(session.to_draft().dump()));
}

Status CaseForms::release_pictures(const std::vector<std::string>& sha256s) {
  for (const auto& sha : sha256s) {
    auto used = referenced(store_, sha);
    if (!used) return used.error();
    if (!*used) DOORSTEP_TRY(store_.blobs().remove(sha));
  }
  return {};
}

}  // namespace doorstep
