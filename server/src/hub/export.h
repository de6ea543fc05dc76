// Export: every record of every type as JSON lines (messages.h record_to_json), for
// the council's own systems. Pages through the record table by revision with a short
// read transaction per page, so a long download holds no lock; a record changed
// while the export runs may appear twice (its newer state last).
// Stateless over the Hub: thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "hub/hub.h"
#include "hub/office_sessions.h"

namespace doorstep::server {

class Export {
 public:
  explicit Export(Hub& hub) : hub_(hub) {}

  // Records the "exported" audit event (who, in which role, from where).
  Status begin(const OfficeCaller& by);
  // The next lines after revision *after (one record per line, '\n'-terminated);
  // advances *after. An empty string: the export is complete.
  Result<std::string> next_lines(std::int64_t* after, std::int64_t max_records = 500);

 private:
  Hub& hub_;
};

}  // namespace doorstep::server
