// Timeline: one person's history across all their cases — notes, visits, tasks,
// task completions, field reports and submitted forms — newest first, paged, with the person's
// warning markers first. Opening it (the first page) records a "viewed" audit event.
// Same threading as the Store.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "doorstep/core/record.h"
#include "doorstep/core/result.h"
#include "doorstep/core/store.h"

namespace doorstep {

struct TimelineEntry {
  std::string kind;     // "note", "visit", "task_completion", "field_report", "form"
  std::string id;
  std::string case_id;
  std::string at;       // the entry's time, ISO 8601
  std::string status;   // note state, visit status, report status, "submitted" (forms)
  std::string summary;  // one line: first 120 characters of a note, a visit's purpose, a form's title, ...
};

struct TimelinePage {
  Record person;
  std::vector<std::string> markers;
  std::vector<TimelineEntry> entries;
  std::optional<std::string> next_cursor;  // pass back for the next (older) page
};

class Timeline {
 public:
  explicit Timeline(Store& store) : store_(store) {}

  // limit: 1..500 entries. cursor: empty for the newest page.
  Result<TimelinePage> page(const std::string& person_id, const std::string& cursor = "", int limit = 50);

 private:
  Store& store_;
};

}  // namespace doorstep
