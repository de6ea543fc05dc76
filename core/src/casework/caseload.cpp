#include "doorstep/core/caseload.h"

#include <nlohmann/json.hpp>

#include "../db/database.h"

namespace doorstep {

std::string fts_query(const std::string& text) {
  // Words are runs of letters and digits (any non-ASCII byte counts as a letter,
  // so accented names survive); everything else separates words. Each word becomes
  // a prefix term; FTS operators (AND, OR, NOT, NEAR) are lower-cased so FTS4 reads
  // them as plain words.
  std::string out, word;
  auto flush = [&] {
    if (word.empty()) return;
    if (word == "AND" || word == "OR" || word == "NOT" || word.rfind("NEAR", 0) == 0)
      for (auto& ch : word) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (!out.empty()) out += ' ';
    out += word + "*";
    word.clear();
  };
  for (unsigned char c : text) {
    if (std::isalnum(c) || c >= 0x80) word += static_cast<char>(c);
    else flush();
  }
  flush();
  return out;
}

Result<std::vector<CaseloadEntry>> Caseload::list(const std::string& search, std::int64_t limit) {
  if (store_.locked()) return make_error(ErrorDomain::state, ErrorCode::invalid_transition, "the store is locked");
  DOORSTEP_TRY(check_utf8(search, "the search"));
  // Each word may match the person's name or address or any note on the case, so
  // "dana uniform" finds Dana's case through a note that mentions her uniform.
  std::vector<std::string> words;
  {
    std::string q = fts_query(search);
    std::size_t start = 0;
    while (start < q.size() && words.size() < kMaxSearchWords) {
      std::size_t end = q.find(' ', start);
      if (end == std::string::npos) end = q.size();
      words.push_back(q.substr(start, end - start));
      start = end + 1;
    }
  }
  std::string sql =
      "SELECT c.id, p.id, p.name, c.kind, c.status, coalesce(c.title, ''), p.markers, "
      " (SELECT min(v.planned_start) FROM visit v WHERE v.case_id = c.id AND v.status IN ('planned', 'under_way') "
      "  AND v.deleted = 0), "
      " (SELECT max(coalesce(v.checked_out_at, v.planned_start)) FROM visit v WHERE v.case_id = c.id "
      "  AND v.status = 'completed' AND v.deleted = 0), "
      " c.visit_interval_days "
      "FROM case_file c JOIN person p ON p.id = c.person_id "
      "WHERE c.deleted = 0 AND p.deleted = 0 AND c.status <> 'closed' ";
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string n = std::to_string(i + 2);
    sql += "AND (p.rowid IN (SELECT docid FROM person_fts WHERE person_fts MATCH ?" + n +
           ") OR c.id IN (SELECT n.case_id FROM case_note n WHERE n.rowid IN "
           "(SELECT docid FROM note_fts WHERE note_fts MATCH ?" + n + "))) ";
  }
  sql += "ORDER BY p.name COLLATE NOCASE, c.id LIMIT ?1";
  auto st = store_.database().prepare(sql);
  if (!st) return st.error();
  (*st)->bind(1, limit);
  for (std::size_t i = 0; i < words.size(); ++i) (*st)->bind(static_cast<int>(i + 2), words[i]);
  const std::int64_t now = store_.clock().now_ms();
  std::vector<CaseloadEntry> out;
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    auto& s = **st;
    CaseloadEntry e;
    e.case_id = s.text(0);
    e.person_id = s.text(1);
    e.person_name = s.text(2);
    e.kind = s.text(3);
    e.status = s.text(4);
    e.title = s.text(5);
    auto markers = nlohmann::json::parse(s.text(6), nullptr, false);
    if (markers.is_array())
      for (const auto& m : markers)
        if (m.is_string()) e.markers.push_back(m.get<std::string>());
    if (!s.is_null(7)) e.next_visit = s.text(7);
    if (!s.is_null(8)) e.last_visit = s.text(8);
    if (!s.is_null(9) && s.integer(9) > 0) {
      const std::int64_t interval_ms = s.integer(9) * 86'400'000;
      if (e.last_visit) {
        auto last = parse_timestamp(*e.last_visit);
        e.visit_overdue = last.ok() && now - *last > interval_ms;
      } else {
        e.visit_overdue = true;  // a statutory visit is due and none is recorded
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace doorstep
