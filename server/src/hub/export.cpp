#include "hub/export.h"

#include "doorstep/core/hlc.h"
#include "doorstep/protocol/messages.h"
#include "hub/office_audit.h"
#include "hub/record_rows.h"

namespace doorstep::server {

Status Export::begin(const OfficeCaller& by) { return audit_office(hub_, by, "exported", "record", "*"); }

Result<std::string> Export::next_lines(std::int64_t* after, std::int64_t max_records) {
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  auto rows = (*db)->query(std::string("SELECT ") + kRecordColumns + " FROM record r WHERE r.rev > ? ORDER BY r.rev LIMIT ?",
                           {*after, max_records});
  if (!rows) return rows.error();
  std::string out;
  for (const auto& row : *rows) {
    auto s = row_to_stored(row);
    if (!s) return s.error();
    *after = s->state.record.rev;
    out += protocol::dump(protocol::record_to_json(s->state.record));
    out += '\n';
  }
  return out;
}

}  // namespace doorstep::server
