// CaseNotes: writing case notes (docs/design.md, "Records"). A draft stays on the device
// and may change or be discarded; finalising sends it; a final note never changes,
// and a correction is a new final note that amends it. Each call is one transaction
// (the note, its outbox operation, its audit event). Same threading as the Store.
#pragma once

#include <string>
#include <vector>

#include "doorstep/core/record.h"
#include "doorstep/core/result.h"
#include "doorstep/core/store.h"

namespace doorstep {

struct NoteInput {
  std::string case_id;
  std::string body;                  // UTF-8, 1 byte to kMaxNoteBytes
  std::string category;              // optional, e.g. "home visit", "phone call"
  std::string visibility = "normal"; // "normal" or "restricted"
};

class CaseNotes {
 public:
  static constexpr std::size_t kMaxNoteBytes = 1 << 20;  // 1 MiB: about 150,000 words

  explicit CaseNotes(Store& store) : store_(store) {}

  // A new final note, sent on the next sync.
  Result<Record> add(const NoteInput& note);
  // Creates a draft (draft_id empty) or replaces the text of an existing draft.
  Result<Record> save_draft(const NoteInput& note, const std::string& draft_id = "");
  // Makes a draft final; immutable from then on.
  Result<Record> finalise(const std::string& note_id);
  // A new final note correcting note_id (which must be final). Amending an amendment
  // is allowed and forms a chain.
  Result<Record> amend(const std::string& note_id, const std::string& body);
  // Deletes a draft that never left the device.
  Status discard_draft(const std::string& note_id);

  Result<std::vector<Record>> drafts();
  // The notes that amend note_id, directly or through a chain, oldest first.
  Result<std::vector<Record>> amendments(const std::string& note_id);

 private:
  Result<Record> write_new(const NoteInput& note, const std::string& state, const std::string& amends);
  Store& store_;
};

}  // namespace doorstep
