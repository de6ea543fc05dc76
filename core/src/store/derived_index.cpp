#include "derived_index.h"

#include <string>
#include <vector>

namespace doorstep::store {

namespace {

// The timeline entry of a row: must agree with TIMELINE_ROW in migrations.cpp (the
// update triggers), checked by tests/core/timeline_test.cpp. ?1 is the table's mark.
#define TIMELINE_CATCH_UP(KIND, TABLE, AT)                                                  \
  "INSERT OR REPLACE INTO timeline_entry(kind, id, case_id, person_id, at) "                \
  "SELECT '" KIND "', t.id, t.case_id, c.person_id, " AT " FROM " TABLE " t "                \
  "LEFT JOIN case_file c ON c.id = t.case_id WHERE t.rowid > ?1 AND t.deleted = 0"

struct DerivedIndex {
  const char* table;
  std::vector<const char*> catch_up;  // each binds ?1 = the mark
};

const std::vector<DerivedIndex>& derived_indexes() {
  static const std::vector<DerivedIndex> list = {
      {"case_note",
       {TIMELINE_CATCH_UP("note", "case_note", "coalesce(t.finalised_at, t.written_at)"),
        "INSERT INTO note_fts(docid, body) SELECT rowid, body FROM case_note WHERE rowid > ?1"}},
      {"visit", {TIMELINE_CATCH_UP("visit", "visit", "coalesce(t.checked_in_at, t.planned_start)")}},
      {"task_completion", {TIMELINE_CATCH_UP("task_completion", "task_completion", "t.completed_at")}},
      {"field_report", {TIMELINE_CATCH_UP("field_report", "field_report", "t.reported_at")}},
      {"form_submission", {TIMELINE_CATCH_UP("form", "form_submission", "t.submitted_at")}},
      {"person",
       {"INSERT INTO person_fts(docid, name, address) "
        "SELECT rowid, name, coalesce(address, '') FROM person WHERE rowid > ?1"}},
  };
  return list;
}

Result<std::int64_t> single_integer(db::Database& db, const std::string& sql, const std::string& param = {}) {
  auto st = db.prepare(sql);
  if (!st) return st.error();
  if (!param.empty()) (*st)->bind(1, param);
  auto row = (*st)->step();
  if (!row) return row.error();
  const std::int64_t v = *row ? (*st)->integer(0) : 0;
  (*st)->reset();
  return v;
}

}  // namespace

Status catch_up_derived_indexes(db::Database& db) {
  for (const auto& d : derived_indexes()) {
    const std::string key = std::string("indexed.") + d.table;
    auto mark = single_integer(db, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?", key);
    if (!mark) return mark.error();
    auto top = single_integer(db, std::string("SELECT coalesce(max(rowid), 0) FROM ") + d.table);
    if (!top) return top.error();
    if (*top <= *mark) continue;
    for (const char* sql : d.catch_up) {
      auto st = db.prepare(sql);
      if (!st) return st.error();
      DOORSTEP_TRY((*st)->bind(1, *mark).run());
    }
    auto up = db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)");
    if (!up) return up.error();
    DOORSTEP_TRY((*up)->bind(1, key).bind(2, std::to_string(*top)).run());
  }
  return {};
}

}  // namespace doorstep::store
