#include "doorstep/core/timeline.h"

#include <nlohmann/json.hpp>

#include "../db/database.h"

namespace doorstep {

namespace {

// Every entry kind, as (kind, id, case_id, at, status), for one person, newest first.
// Task definitions have no time of their own: their completions are the events.
// Summaries are read afterwards for the page's rows only (summary_sql): building one
// for each of a person's entries before the sort took half the page time with 5,000
// entries (bench/store_bench.cpp).
constexpr const char* kTimelineSql = R"SQL(
SELECT kind, id, case_id, at, status FROM (
  SELECT 'note' AS kind, n.id AS id, n.case_id AS case_id, coalesce(n.finalised_at, n.written_at) AS at,
         n.state AS status
    FROM case_note n JOIN case_file c ON c.id = n.case_id
   WHERE c.person_id = ?1 AND n.deleted = 0
  UNION ALL
  SELECT 'visit', v.id, v.case_id, coalesce(v.checked_in_at, v.planned_start), v.status
    FROM visit v JOIN case_file c ON c.id = v.case_id
   WHERE c.person_id = ?1 AND v.deleted = 0
  UNION ALL
  SELECT 'task_completion', tc.id, tc.case_id, tc.completed_at, 'done'
    FROM task_completion tc JOIN task t ON t.id = tc.task_id JOIN case_file c ON c.id = tc.case_id
   WHERE c.person_id = ?1 AND tc.deleted = 0
  UNION ALL
  SELECT 'field_report', r.id, r.case_id, r.reported_at, r.status
    FROM field_report r JOIN case_file c ON c.id = r.case_id
   WHERE c.person_id = ?1 AND r.deleted = 0
)
WHERE ?2 = 0 OR (at, kind, id) < (?3, ?4, ?5)
ORDER BY at DESC, kind DESC, id DESC
LIMIT ?6
)SQL";

// The one-line summary of one entry of the given kind; ?1 is the entry's id.
const char* summary_sql(const std::string& kind) {
  if (kind == "note")
    return "SELECT CASE WHEN amends IS NULL THEN '' ELSE 'Amendment: ' END || substr(body, 1, 120) "
           "FROM case_note WHERE id = ?1";
  if (kind == "visit")
    return "SELECT coalesce(purpose, 'visit') || coalesce(': ' || outcome, '') FROM visit WHERE id = ?1";
  if (kind == "task_completion")
    return "SELECT t.title || coalesce(': ' || tc.note, '') "
           "FROM task_completion tc JOIN task t ON t.id = tc.task_id WHERE tc.id = ?1";
  return "SELECT category || coalesce(': ' || substr(description, 1, 100), '') FROM field_report WHERE id = ?1";
}

struct Cursor {
  std::string at, kind, id;
};

std::optional<Cursor> parse_cursor(const std::string& c) {
  auto a = c.find('|');
  auto b = a == std::string::npos ? std::string::npos : c.find('|', a + 1);
  if (b == std::string::npos) return std::nullopt;
  Cursor out{c.substr(0, a), c.substr(a + 1, b - a - 1), c.substr(b + 1)};
  if (!parse_timestamp(out.at).ok() || !is_record_id(out.id)) return std::nullopt;
  return out;
}

}  // namespace

Result<TimelinePage> Timeline::page(const std::string& person_id, const std::string& cursor, int limit) {
  if (limit < 1 || limit > 500)
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "a timeline page holds 1 to 500 entries");
  std::optional<Cursor> after;
  if (!cursor.empty()) {
    after = parse_cursor(cursor);
    if (!after) return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "not a timeline cursor");
  }
  auto person = store_.get("person", person_id);
  if (!person) return person.error();
  if (!*person || (*person)->deleted)
    return make_error(ErrorDomain::store, ErrorCode::not_found, "no person " + person_id.substr(0, 64) + " on this device");

  TimelinePage page;
  page.person = std::move(**person);
  auto markers = nlohmann::json::parse(page.person.text("markers"), nullptr, false);
  if (markers.is_array())
    for (const auto& m : markers)
      if (m.is_string()) page.markers.push_back(m.get<std::string>());

  auto st = store_.database().prepare(kTimelineSql);
  if (!st) return st.error();
  auto& s = **st;
  s.bind(1, person_id).bind(2, std::int64_t{after ? 1 : 0});
  if (after) s.bind(3, after->at).bind(4, after->kind).bind(5, after->id);
  else s.bind(3, "").bind(4, "").bind(5, "");
  s.bind(6, std::int64_t{limit} + 1);  // one extra tells whether an older page exists
  for (;;) {
    auto row = s.step();
    if (!row) return row.error();
    if (!*row) break;
    page.entries.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), ""});
  }
  if (static_cast<int>(page.entries.size()) > limit) {
    page.entries.pop_back();
    const auto& last = page.entries.back();
    page.next_cursor = last.at + "|" + last.kind + "|" + last.id;
  }
  for (auto& e : page.entries) {
    auto sum = store_.database().prepare(summary_sql(e.kind));
    if (!sum) return sum.error();
    (*sum)->bind(1, e.id);
    auto row = (*sum)->step();
    if (!row) return row.error();
    if (*row) e.summary = (*sum)->text(0);
    (*sum)->reset();
  }
  // Opening a person's record is itself recorded (who viewed what, when).
  auto audited = store_.write([&](Writer& w) { return w.audit("viewed", "person", person_id); });
  if (!audited.ok()) return audited.error();
  return page;
}

}  // namespace doorstep
