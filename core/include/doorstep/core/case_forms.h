// CaseForms: filling in forms about a case on the device (docs/design.md, "Forms").
// The forms a worker can start are the form_definition records the office
// published (the latest version of each); a form being filled in is a draft kept in the encrypted store
// (form_draft, local-only, like a note draft) that survives a restart and keeps the
// version it was started on, even after a newer one arrives; submitting writes the
// form_submission, its save_to values into the case and person records (ordinary edits
// that sync and merge field by field), their outbox operations and audit events in one
// transaction. Same threading as the Store: one thread at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "doorstep/core/forms/definition.h"
#include "doorstep/core/forms/session.h"
#include "doorstep/core/record.h"
#include "doorstep/core/result.h"
#include "doorstep/core/store.h"

namespace doorstep {

// A form the worker can start: the latest version the device holds.
struct AvailableForm {
  std::string form_id;
  std::int64_t version = 0;
  std::string title;
};

// A form being filled in on this device.
struct FormDraft {
  std::string id;  // the form_draft record's id
  std::string case_id;
  std::string form_id;
  std::int64_t version = 0;      // the version it was started on, and will be submitted as
  std::int64_t latest_version = 0;  // the newest version on the device (> version: a newer one arrived)
  std::string title;             // the title of `version`
  std::string started_at, saved_at;
};

// A draft opened for filling in: its record and the session over its version.
struct OpenForm {
  FormDraft draft;
  forms::FormSession session;
};

// The outcome of submit(): the submission, or the problems that refused it (nothing
// changed). A failure of the store itself is an Error instead.
struct FormSubmitOutcome {
  std::optional<Record> submission;            // the form_submission record as stored
  std::vector<forms::AnswerProblem> problems;  // survey order; empty when submitted
  std::vector<Record> saved_to;                // case / person records changed by save_to
  std::vector<Record> attachments;             // one per picture answered (owner: the submission)
  bool ok() const { return submission.has_value(); }
};

class CaseForms {
 public:
  // The store must outlive this object. Loaded definitions are kept while it lives
  // (a published version never changes).
  explicit CaseForms(Store& store) : store_(store) {}

  // The latest version of every form on the device, by title.
  Result<std::vector<AvailableForm>> available();
  // One version's definition, loaded and checked again from its record. not_found when
  // the device does not hold that version; store/corrupt when the record does not load.
  Result<std::shared_ptr<const forms::FormDefinition>> definition(const std::string& form_id, std::int64_t version);

  // Starts the latest version of form_id for a case: defaults, then prefill of every
  // save_to question from the case and its person (person.address, case.title, ...).
  // The draft is saved at once (one transaction). not_found for an unknown case or form.
  Result<OpenForm> start(const std::string& case_id, const std::string& form_id);
  // Reopens a draft on the version it was started on.
  Result<OpenForm> resume(const std::string& draft_id);
  // Saves the session's answers into its draft (one transaction, no outbox operation).
  // invalid_argument when the session is for another form or version than the draft.
  Status save(const std::string& draft_id, const forms::FormSession& session);
  // Drafts on this device, oldest first; case_id "" for every case.
  Result<std::vector<FormDraft>> drafts(const std::string& case_id = "");
  // Deletes a draft (its answers are gone), and the pictures only it referred to.
  Status discard(const std::string& draft_id);

  // Pictures for image and signature questions (forms/picture_answer.h): the bytes
  // (JPEG, PNG, HEIC or WebP, at most forms::kMaxPictureBytes) are encrypted into the
  // store's blob store and the question at `path` is answered with their reference,
  // "sha256:<hex> <media type> <bytes>". save() keeps it in the draft; submit() writes
  // an attachment record for it, so sync uploads the picture before the submission and
  // the worker's other devices fetch it. Errors leave the session's answer and the blob
  // store as they were: input/not_found (unknown path or instance, unreadable file),
  // input/invalid_argument (not an image or signature question, empty or not a
  // picture), input/too_large, state/invalid_transition (a read-only question, or the
  // store is locked). A picture attached but never saved stays in the blob store until
  // the store is wiped: callers save or discard.
  Status attach_picture(forms::FormSession& session, std::string_view path, const std::string& bytes);
  Status attach_picture_file(forms::FormSession& session, std::string_view path, const std::filesystem::path& file);
  // For a session the caller drops without saving: removes the pictures attached to it
  // that no saved draft and no attachment record refers to. Drafts are unchanged.
  Status abandon(const forms::FormSession& session);

  // Submits the session as its draft's version. When the session has problems, they
  // come back and nothing changes (the draft is not saved either); a picture answer
  // whose blob is no longer on the device is such a problem. Otherwise one transaction
  // writes an attachment record (owner_type form_submission) for each picture answered,
  // then the form_submission (queued after them), each save_to value as an edit of the
  // case or person record (queued; skipped when the record already holds the value),
  // the audit events, and removes the draft. Pictures the draft held that the
  // submission does not name are then removed from the blob store.
  Result<FormSubmitOutcome> submit(const std::string& draft_id, forms::FormSession& session);

  // The forms submitted on a case, oldest first.
  Result<std::vector<Record>> submissions(const std::string& case_id);

 private:
  Result<FormDraft> describe(const Record& draft);
  // Removes each blob no attachment record and no draft refers to any more.
  Status release_pictures(const std::vector<std::string>& sha256s);
  Status answer_picture(forms::FormSession& session, std::string_view path, const std::string& sha256,
                        std::int64_t size, const std::string& media_type, bool was_new);
  Store& store_;
  std::map<std::string, std::shared_ptr<const forms::FormDefinition>> loaded_;  // by record id
};

// Fills answers in from JSON, as a script or a support tool writes them:
// {"name": value, "repeat_name": [{"member": value, ...}, ...]}. Text, numbers and
// booleans are answers; null clears; a list of text answers a select_multiple; a list of
// objects sets a repeat's instances (added or removed to match) and answers each.
// Answers are applied in form order, not the order the JSON names them in, so one that
// filters another question's choices is in place first.
// Stops at the first refused answer: invalid_argument (or not_found) naming its path,
// and the session is then part-filled, so callers drop it rather than save it.
Status fill_answers(forms::FormSession& session, const nlohmann::json& answers);

}  // namespace doorstep
