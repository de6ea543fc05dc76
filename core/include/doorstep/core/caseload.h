// Caseload: the cases on this device with their person, next visit and warning
// markers, optionally narrowed by a full-text search over names, addresses and note
// text (FTS4). Read-only. Same threading as the Store.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "doorstep/core/result.h"
#include "doorstep/core/store.h"

namespace doorstep {

struct CaseloadEntry {
  std::string case_id;
  std::string person_id;
  std::string person_name;
  std::string kind;    // children, reablement, neighbourhood
  std::string status;
  std::string title;
  std::vector<std::string> markers;         // person's warning markers
  std::optional<std::string> next_visit;    // earliest planned visit not yet done
  std::optional<std::string> last_visit;    // latest completed visit
  bool visit_overdue = false;               // statutory interval passed since last_visit
};

class Caseload {
 public:
  explicit Caseload(Store& store) : store_(store) {}

  // Words beyond this are ignored (each word is one full-text clause).
  static constexpr std::size_t kMaxSearchWords = 8;

  // Every open case, by person name. search: words a person would type; each word
  // must match the start of a word in the person's name or address or in some note on
  // the case. Punctuation and FTS operators in search are ignored, never interpreted;
  // a search with no words in it lists the whole caseload.
  Result<std::vector<CaseloadEntry>> list(const std::string& search = "", std::int64_t limit = 500);

 private:
  Store& store_;
};

// Turns free text into a safe FTS4 MATCH expression ("word1* word2*"); empty if no words.
std::string fts_query(const std::string& text);

}  // namespace doorstep
