#include "hub/changes.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "hub/changes_text.h"
#include "hub/record_rows.h"
#include "hub/scope.h"

namespace doorstep::server {

namespace {

enum class Phase { revocations, records, live };

struct Position {
  Phase phase = Phase::revocations;
  std::int64_t snapshot = 0;  // S; -1 = take it now
  std::int64_t after = 0;     // seq (revocations, live) or rev (records)
  std::int64_t rank = 0;      // records phase
};

const char* kRankExpr =
    "(CASE r.type WHEN 'person' THEN 0 WHEN 'case' THEN 1 WHEN 'task' THEN 2 WHEN 'field_report' THEN 3 ELSE 4 END)";
constexpr std::int64_t kLastRank = 4;

Error bad_cursor() { return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "the cursor is not one this server made"); }

bool number(std::string_view s, std::int64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  std::from_chars(s.data(), s.data() + s.size(), out);
  return true;
}

// "<tag>_<position>": the tag is returned apart ("" when absent).
bool split_tag(const std::string& cursor, std::string& tag, std::string& position) {
  const auto bar = cursor.find('_');
  if (bar == std::string::npos) {
    tag.clear();
    position = cursor;
    return true;
  }
  tag = cursor.substr(0, bar);
  position = cursor.substr(bar + 1);
  if (tag.empty()) return false;
  for (char ch : tag)
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
  return true;
}

Result<Position> parse_cursor(const std::string& c) {
  Position p;
  if (c.empty()) {
    p.snapshot = -1;
    return p;
  }
  if (c[0] != 's') {
    if (!number(c, p.after)) return bad_cursor();
    p.phase = Phase::live;
    return p;
  }
  const auto dot = c.find('.');
  if (dot == std::string::npos || !number(std::string_view(c).substr(1, dot - 1), p.snapshot)) return bad_cursor();
  const std::string_view rest = std::string_view(c).substr(dot + 1);
  if (!rest.empty() && rest[0] == 'r') {
    if (!number(rest.substr(1), p.after)) return bad_cursor();
    p.phase = Phase::revocations;
    return p;
  }
  const auto dot2 = rest.find('.');
  if (dot2 == std::string_view::npos || !number(rest.substr(0, dot2), p.rank) || !number(rest.substr(dot2 + 1), p.after) ||
      p.rank > kLastRank)
    return bad_cursor();
  p.phase = Phase::records;
  return p;
}

std::string cursor_text(const Position& p) {
  switch (p.phase) {
    case Phase::revocations: return "s" + std::to_string(p.snapshot) + ".r" + std::to_string(p.after);
    case Phase::records:
      return "s" + std::to_string(p.snapshot) + "." + std::to_string(p.rank) + "." + std::to_string(p.after);
    case Phase::live: return std::to_string(p.after);
  }
  return std::to_string(p.after);
}

// The keys (k_type, k_id, k_rev) of the worker's records with lower < rev (and, for a
// snapshot, rev <= its S): scope_condition() one branch at a time, so that each is an
// index range over (case_id, rev) or (person_id, rev). SQLite took the case_id index
// for the OR of branches too, but then read every record row of the caseload to test
// rev: a delta sync of a 20,400-record caseload took 59 ms, now 23 ms (sync_bench).
// The records of the worker's cases (nearly all of them) have a case and the other
// branches take only records without one (form definitions: without one, or of
// another case), so the first branch is joined with UNION ALL: removing duplicates
// from it sorted every key of the caseload again, about 20 ms per 5,000-record page.
// Parameters: scope_key_params().
std::string scope_keys(bool snapshot) {
  const std::string cmp = snapshot ? " AND r.rev > ? AND r.rev <= ?" : " AND r.rev > ?";
  const std::string cases = "(SELECT c.id FROM record c WHERE c.type = 'case' AND c.worker = ? AND c.closed = 0)";
  return "SELECT r.type AS k_type, r.id AS k_id, r.rev AS k_rev FROM record r WHERE r.case_id IN " + cases + cmp +
         " UNION ALL SELECT o.k_type, o.k_id, o.k_rev FROM ("
         "SELECT r.type AS k_type, r.id AS k_id, r.rev AS k_rev FROM record r WHERE r.case_id IS NULL AND r.person_id IN"
         " (SELECT c.person_id FROM record c WHERE c.type = 'case' AND c.worker = ? AND c.closed = 0)" + cmp +
         " UNION SELECT r.type, r.id, r.rev FROM record r WHERE r.case_id IS NULL AND r.author = ?" + cmp +
         " UNION SELECT r.type, r.id, r.rev FROM record r WHERE r.type = 'form_definition'"
         " AND (r.case_id IS NULL OR r.case_id NOT IN " + cases + ")" + cmp + ") o";
}

// snapshot: the snapshot's S for scope_keys(true), nullopt for the live feed.
SqlParams scope_key_params(const std::string& worker, std::int64_t lower, std::optional<std::int64_t> snapshot,
                           SqlParams tail) {
  SqlParams p;
  for (int branch = 0; branch < 4; ++branch) {
    p.push_back(worker);
    p.push_back(lower);
    if (snapshot) p.push_back(*snapshot);
  }
  for (auto& t : tail) p.push_back(std::move(t));
  return p;
}

}  // namespace

Result<std::string> Changes::page(const AccessClaims& caller, const std::string& cursor, std::int64_t limit,
                                  EpochMismatch* mismatch, bool changed_since_base) {
  std::string tag, position;
  if (!split_tag(cursor, tag, position)) return bad_cursor();
  auto pos = parse_cursor(position);
  if (!pos) return pos.error();
  limit = std::clamp<std::int64_t>(limit, 1, protocol::kMaxPageEntries);
  const std::string& worker = caller.user;

  // Past the CPU's cores, pages built at once only slow each other and the pushes.
  auto turn = hub_.page_gate().enter();
  auto lease = hub_.pool().lease();
  if (!lease) return lease.error();
  SqlBackend& db = **lease;
  Transaction tx(db);
  DOORSTEP_TRY(tx.begin(TxMode::read));  // one snapshot for the whole page
  auto now_seq = current_seq(db);
  if (!now_seq) return now_seq.error();
  auto epoch = read_epoch(db);
  if (!epoch) return epoch.error();
  const std::string current_tag = epoch_tag(epoch->epoch);
  // Never answer a cursor of another history with this one's changes: the device
  // would silently miss what this history holds below its position.
  auto restored = [&](const std::string& why) -> Error {
    if (mismatch) *mismatch = EpochMismatch{true, why, *epoch};
    return make_error(ErrorDomain::sync, ErrorCode::conflict, why);
  };
  if (!tag.empty() && tag != current_tag)
    return restored("the server's history was restored from a backup since this cursor was made; "
                    "read again from the start");
  if (pos->snapshot < 0) pos->snapshot = *now_seq;
  if ((pos->phase != Phase::live && pos->snapshot > *now_seq) || (pos->phase == Phase::live && pos->after > *now_seq))
    return restored("the cursor is ahead of the server's history (restored without a new epoch?); "
                    "read again from the start");

  ChangesText out;
  auto room = [&] { return static_cast<std::int64_t>(out.entries()) < limit && out.bytes() < kMaxPageBytes; };
  // Entries of a first-sync snapshot are all "as of" the snapshot's sequence number,
  // which keeps every page in non-decreasing seq order (the wire contract) while the
  // snapshot itself goes in dependency order.
  auto add_record = [&](const SqlRow& row, std::int64_t seq) -> Status {
    std::vector<std::string> changed;
    if (changed_since_base && row.integer(2) > epoch->base) {
      auto s = row_to_stored(row, true);
      if (!s) return s.error();
      for (const auto& [name, stamp] : s->state.stamps)
        if (stamp.rev > epoch->base) changed.push_back(name);
      if (s->state.deleted_stamp.rev > epoch->base) changed.push_back("deleted");
    }
    return out.add_record(row, seq, changed);
  };

  if (pos->phase == Phase::revocations) {
    // Cases that left the worker's scope before the snapshot: a device restarting
    // from the start may still hold them.
    auto rows = db.query(
        "SELECT max(v.seq), v.case_id FROM revocation v WHERE v.worker = ? AND v.seq <= ?"
        " AND v.case_id NOT IN (SELECT c.id FROM record c WHERE c.type = 'case' AND c.worker = ? AND c.closed = 0)"
        " GROUP BY v.case_id HAVING max(v.seq) > ? ORDER BY 1 LIMIT ?",
        {worker, pos->snapshot, worker, pos->after, limit});
    if (!rows) return rows.error();
    for (const auto& r : *rows) {
      if (!room()) break;
      out.add_revocation(pos->snapshot, r.text(1));
      pos->after = r.integer(0);
    }
    if (room()) {
      pos->phase = Phase::records;
      pos->rank = 0;
      pos->after = 0;
    }
  }
  if (pos->phase == Phase::records && room()) {
    // The ordering (rank, rev) is not an index, so the page's keys are chosen first in
    // a subquery that sorts only (type, id, rank, rev), and the whole rows (with their
    // JSON) are read for the page alone: sorting every row in scope with its text, page
    // after page, was most of the hub's time in a first sync.
    // In the last rank, the position's rev bounds every branch's index range too, so
    // each page of it reads only the keys still to come.
    std::string rank = kRankExpr;
    rank.replace(rank.find("r.type"), 6, "u.k_type");
    const std::int64_t lower = pos->rank == kLastRank ? pos->after : 0;
    const std::string keys = "SELECT u.k_type, u.k_id, " + rank + " AS k_rank, u.k_rev FROM (" + scope_keys(true) +
                             ") u WHERE (" + rank + " > ? OR (" + rank + " = ? AND u.k_rev > ?)) ORDER BY " + rank +
                             ", u.k_rev LIMIT ?";
    auto rows = db.query(std::string("SELECT ") + kRecordColumns + " FROM (" + keys +
                             ") k JOIN record r ON r.type = k.k_type AND r.id = k.k_id ORDER BY k.k_rank, k.k_rev",
                         scope_key_params(worker, lower, pos->snapshot, {pos->rank, pos->rank, pos->after, limit}));
    if (!rows) return rows.error();
    for (const auto& row : *rows) {
      if (!room()) break;
      DOORSTEP_TRY(add_record(row, pos->snapshot));
      const std::string& t = row.bytes(0);
      pos->rank = t == "person" ? 0 : t == "case" ? 1 : t == "task" ? 2 : t == "field_report" ? 3 : 4;
      pos->after = row.integer(2);
    }
    if (room()) {
      pos->phase = Phase::live;
      pos->after = pos->snapshot;
    }
  }
  bool more = true;
  if (pos->phase == Phase::live && room()) {
    const std::int64_t want = limit - static_cast<std::int64_t>(out.entries());
    auto recs = db.query(std::string("SELECT ") + kRecordColumns + " FROM (SELECT * FROM (" + scope_keys(false) +
                             ") u ORDER BY u.k_rev LIMIT ?) k JOIN record r ON r.type = k.k_type AND r.id = k.k_id"
                             " ORDER BY k.k_rev",
                         scope_key_params(worker, pos->after, std::nullopt, {want}));
    if (!recs) return recs.error();
    auto revs = db.query("SELECT seq, case_id FROM revocation WHERE worker = ? AND seq > ? ORDER BY seq LIMIT ?",
                         {worker, pos->after, want});
    if (!revs) return revs.error();
    std::size_t i = 0, j = 0;
    while (room() && (i < recs->size() || j < revs->size())) {
      const bool take_rev = j < revs->size() && (i >= recs->size() || (*revs)[j].integer(0) < (*recs)[i].integer(2));
      if (take_rev) {
        out.add_revocation((*revs)[j].integer(0), (*revs)[j].text(1));
        pos->after = (*revs)[j].integer(0);
        ++j;
      } else {
        DOORSTEP_TRY(add_record((*recs)[i], (*recs)[i].integer(2)));
        pos->after = (*recs)[i].integer(2);
        ++i;
      }
    }
    more = !room();
    // Nothing more now: continue from the present, skipping what is out of scope.
    if (!more) pos->after = std::max(pos->after, *now_seq);
  }
  DOORSTEP_TRY(tx.commit());
  hub_.metrics().count_changes_entries(static_cast<std::int64_t>(out.entries()));
  return out.finish(current_tag + "_" + cursor_text(*pos), more, hub_.hlc().tick(), epoch->epoch, epoch->base);
}

}  // namespace doorstep::server
