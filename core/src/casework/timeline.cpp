#include "doorstep/core/timeline.h"

#include <nlohmann/json.hpp>

#include "../db/database.h"

namespace doorstep {

namespace {

// The person's entries from the timeline_entry index (migrations.cpp keeps it),
// newest first: a range scan of one index, whatever the person's history holds.
// Task definitions have no time of their own: their completions are the events.
constexpr const char* kTimelineSql = R"SQL(
SELECT kind, id, case_id, at FROM timeline_entry
 WHERE person_id = ?1 AND (?2 = 0 OR (at, kind, id) < (?3, ?4, ?5))
 ORDER BY at DESC, kind DESC, id DESC
 LIMIT ?6
)SQL";

// The status and one-line summary of one entry of the given kind; ?1 is its id.
const char* detail_sql(const std::string& kind) {
  if (kind == "note")
    return "SELECT state, CASE WHEN amends IS NULL THEN '' ELSE 'Amendment: ' END || substr(body, 1, 120) "
           "FROM case_note WHERE id = ?1";
  if (kind == "visit")
    return "SELECT status, coalesce(purpose, 'visit') || coalesce(': ' || outcome, '') FROM visit WHERE id = ?1";
  if (kind == "task_completion")
    return "SELECT 'done', t.title || coalesce(': ' || tc.note, '') "
           "FROM task_completion tc JOIN task t ON t.id = tc.task_id WHERE tc.id = ?1";
  if (kind == "form")
    return "SELECT 'submitted', coalesce((SELECT d.title FROM form_definition d WHERE d.form_id = s.form_id "
           "AND d.version = s.form_version LIMIT 1), s.form_id) || ' (version ' || s.form_version || ')' "
           "FROM form_submission s WHERE s.id = ?1";
  return "SELECT status, category || coalesce(': ' || substr(description, 1, 100), '') FROM field_report WHERE id = ?1";
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
    page.entries.push_back({s.text(0), s.text(1), s.text(2), s.text(3), "", ""});
  }
  if (static_cast<int>(page.entries.size()) > limit) {
    page.entries.pop_back();
    const auto& last = page.entries.back();
    page.next_cursor = last.at + "|" + last.kind + "|" + last.id;
  }
  for (auto& e : page.entries) {
    auto detail = store_.database().prepare(detail_sql(e.kind));
    if (!detail) return detail.error();
    (*detail)->bind(1, e.id);
    auto row = (*detail)->step();
    if (!row) return row.error();
    if (*row) {
      e.status = (*detail)->text(0);
      e.summary = (*detail)->text(1);
    }
    (*detail)->reset();
  }
  // Opening a person's record is itself recorded (who viewed what, when); reading
  // further pages of the same record is part of that one view.
  if (!after) {
    auto audited = store_.write([&](Writer& w) { return w.audit("viewed", "person", person_id); });
    if (!audited.ok()) return audited.error();
  }
  return page;
}

}  // namespace doorstep
