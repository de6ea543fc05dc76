// The store's sync-facing API: meta values, rebase on pulled state, acknowledging
// and quarantining outbox operations, purging a case that left the worker's scope.
#include <algorithm>

#include <nlohmann/json.hpp>
#include <set>

#include "../db/database.h"
#include "doorstep/core/forms/picture_answer.h"
#include "doorstep/core/json_fields.h"
#include "doorstep/core/record.h"
#include "doorstep/core/store.h"
#include "rebase.h"
#include "record_sql.h"

namespace doorstep {

namespace {

Result<std::int64_t> count(db::Database& db, const std::string& sql, const std::string& arg) {
  auto st = db.prepare(sql);
  if (!st) return st.error();
  (*st)->bind(1, arg);
  auto row = (*st)->step();
  if (!row) return row.error();
  std::int64_t n = *row ? (*st)->integer(0) : 0;
  (*st)->reset();
  return n;
}

}  // namespace

Result<std::optional<std::string>> Store::meta(const std::string& key) {
  if (locked()) return make_error(ErrorDomain::state, ErrorCode::invalid_transition, "the store is locked");
  auto st = db_->prepare("SELECT value FROM meta WHERE key = ?");
  if (!st) return st.error();
  (*st)->bind(1, key);
  auto row = (*st)->step();
  if (!row) return row.error();
  std::optional<std::string> out;
  if (*row) out = (*st)->text(0);
  (*st)->reset();
  return out;
}

Result<std::vector<Record>> Store::unsent_audit(std::int64_t limit) {
  if (locked()) return make_error(ErrorDomain::state, ErrorCode::invalid_transition, "the store is locked");
  const RecordType& rt = *find_record_type("audit_event");
  auto st = db_->prepare("SELECT " + store::column_list(rt) + " FROM audit_event WHERE rev = 0 ORDER BY rowid LIMIT ?");
  if (!st) return st.error();
  (*st)->bind(1, limit);
  return store::collect_records(rt, **st);
}

Result<std::int64_t> Store::pending_for_case(const std::string& case_id) {
  if (locked()) return make_error(ErrorDomain::state, ErrorCode::invalid_transition, "the store is locked");
  return count(*db_, "SELECT count(*) FROM outbox WHERE case_id = ?", case_id);
}

Status Writer::set_meta(const std::string& key, const std::string& value) {
  auto st = store_.database().prepare("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)");
  if (!st) return st.error();
  return (*st)->bind(1, key).bind(2, value).run();
}

Status Writer::apply_server_state(const Record& state) {
  const RecordType* rt = find_record_type(state.type);
  if (rt == nullptr)
    return make_error(ErrorDomain::sync, ErrorCode::invalid_argument, "unknown record type from server: " + state.type.substr(0, 40));
  // Nearly always nothing is pending for a pulled record (a first sync: never), and
  // then the state is the base as it is, without the copy a rebase makes.
  auto pending = store_.database().prepare("SELECT 1 FROM outbox WHERE record_type = ? AND record_id = ? LIMIT 1");
  if (!pending) return pending.error();
  (*pending)->bind(1, state.type).bind(2, state.id);
  auto row = (*pending)->step();
  if (!row) return row.error();
  (*pending)->reset();
  if (!*row) return put_base(state);
  auto r = store::rebase_on_pending(store_.database(), *rt, state);
  if (!r) return r.error();
  return put_base(*r);
}

Result<bool> Writer::outbox_empty() {
  auto st = store_.database().prepare("SELECT 1 FROM outbox LIMIT 1");
  if (!st) return st.error();
  auto row = (*st)->step();
  if (!row) return row.error();
  (*st)->reset();
  return !*row;
}

Status Writer::acknowledge(std::int64_t seq, std::int64_t rev) {
  auto& db = store_.database();
  auto op = db.prepare("SELECT record_type, record_id FROM outbox WHERE seq = ?");
  if (!op) return op.error();
  (*op)->bind(1, seq);
  auto row = (*op)->step();
  if (!row) return row.error();
  if (!*row) return {};  // already acknowledged (a retried push)
  const std::string type = (*op)->text(0), id = (*op)->text(1);
  (*op)->reset();
  const RecordType* rt = find_record_type(type);
  if (rt != nullptr && rev > 0) {
    auto up = db.prepare("UPDATE " + std::string(rt->table) + " SET rev = ?1 WHERE id = ?2 AND rev < ?1");
    if (!up) return up.error();
    DOORSTEP_TRY((*up)->bind(1, rev).bind(2, id).run());
  }
  auto del = db.prepare("DELETE FROM outbox WHERE seq = ?");
  if (!del) return del.error();
  return (*del)->bind(1, seq).run();
}

Status Writer::quarantine(std::int64_t seq, const std::string& reason) {
  auto& db = store_.database();
  auto op = db.prepare("SELECT op_id, record_type, record_id, action, base_rev, fields, hlc FROM outbox WHERE seq = ?");
  if (!op) return op.error();
  (*op)->bind(1, seq);
  auto row = (*op)->step();
  if (!row) return row.error();
  if (!*row) return {};
  auto& s = **op;
  nlohmann::json operation = {{"seq", seq},           {"op_id", s.text(0)},   {"record_type", s.text(1)},
                              {"record_id", s.text(2)}, {"action", s.text(3)}, {"base_rev", s.integer(4)},
                              {"fields", nlohmann::json::parse(s.text(5), nullptr, false)}, {"hlc", s.text(6)}};
  Record q;
  q.type = "quarantine";
  q.id = s.text(0);
  q.hlc = store_.hlc_clock().now().encode();
  std::string why = reason.empty() ? std::string("refused by the server") : reason.substr(0, 2000);
  if (!check_utf8(why, "reason").ok()) why = "refused by the server (its reason was not readable text)";
  q.fields = {{"op_id", s.text(0)},
              {"record_type", s.text(1)},
              {"record_id", s.text(2)},
              {"operation", operation.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)},
              {"reason", why},
              {"quarantined_at", format_timestamp(store_.clock().now_ms())}};
  s.reset();
  DOORSTEP_TRY(put_base(q));
  auto del = db.prepare("DELETE FROM outbox WHERE seq = ?");
  if (!del) return del.error();
  return (*del)->bind(1, seq).run();
}

Result<std::vector<std::string>> Writer::purge_case(const std::string& case_id) {
  auto& db = store_.database();
  auto pending = count(db, "SELECT count(*) FROM outbox WHERE case_id = ?", case_id);
  if (!pending) return pending.error();
  if (*pending > 0)
    return make_error(ErrorDomain::state, ErrorCode::invalid_transition,
                      "case " + case_id + " still has " + std::to_string(*pending) + " unsent changes");
  // Blobs referenced only from this case.
  auto blobs = db.prepare(
      "SELECT DISTINCT sha256 FROM attachment a WHERE a.case_id = ?1 AND NOT EXISTS "
      "(SELECT 1 FROM attachment b WHERE b.sha256 = a.sha256 AND coalesce(b.case_id, '') <> ?1)");
  if (!blobs) return blobs.error();
  (*blobs)->bind(1, case_id);
  std::vector<std::string> shas;
  for (;;) {
    auto row = (*blobs)->step();
    if (!row) return row.error();
    if (!*row) break;
    shas.push_back((*blobs)->text(0));
  }
  // Pictures answered on the case's unfinished forms are blobs no attachment names:
  // they go too, unless a form on another case names the same picture.
  auto drafted = db.prepare("SELECT draft FROM form_draft WHERE case_id = ?");
  if (!drafted) return drafted.error();
  (*drafted)->bind(1, case_id);
  std::vector<std::string> drafted_shas;
  for (;;) {
    auto row = (*drafted)->step();
    if (!row) return row.error();
    if (!*row) break;
    for (auto& sha : forms::picture_hashes_in((*drafted)->text(0))) drafted_shas.push_back(std::move(sha));
  }
  for (const auto& sha : drafted_shas) {
    if (std::find(shas.begin(), shas.end(), sha) != shas.end()) continue;
    auto elsewhere = db.prepare(
        "SELECT (SELECT count(*) FROM attachment WHERE sha256 = ?1 AND coalesce(case_id, '') <> ?2)"
        " + (SELECT count(*) FROM form_draft WHERE case_id <> ?2 AND draft LIKE '%sha256:' || ?1 || '%')");
    if (!elsewhere) return elsewhere.error();
    (*elsewhere)->bind(1, sha).bind(2, case_id);
    auto row = (*elsewhere)->step();
    if (!row) return row.error();
    const bool named = *row && (*elsewhere)->integer(0) > 0;
    (*elsewhere)->reset();
    if (!named) shas.push_back(sha);
  }
  auto person = db.prepare("SELECT person_id FROM case_file WHERE id = ?");
  if (!person) return person.error();
  (*person)->bind(1, case_id);
  auto prow = (*person)->step();
  if (!prow) return prow.error();
  std::string person_id = *prow ? (*person)->text(0) : "";
  (*person)->reset();
  // A draft never left the device, so the server cannot hand it to anyone: its text
  // (a note's, or a form's answers) moves to the quarantine with the reason instead of
  // disappearing with the case.
  for (const auto& [type, where] : {std::pair<const char*, const char*>{"case_note", " AND state = 'draft'"},
                                    {"form_draft", ""}}) {
    const RecordType& rt = *find_record_type(type);
    auto drafts = db.prepare("SELECT " + store::column_list(rt) + " FROM " + std::string(rt.table) +
                             " WHERE case_id = ?" + where);
    if (!drafts) return drafts.error();
    (*drafts)->bind(1, case_id);
    auto list = store::collect_records(rt, **drafts);
    if (!list) return list.error();
    for (const auto& d : *list) {
      Record q;
      q.type = "quarantine";
      q.id = d.id;
      q.hlc = store_.hlc_clock().now().encode();
      nlohmann::json op = {{"record_type", type}, {"record_id", d.id}, {"action", "draft"},
                           {"fields", nlohmann::json::parse(fields_to_json(d.fields), nullptr, false)}};
      q.fields = {{"op_id", d.id},
                  {"record_type", std::string(type)},
                  {"record_id", d.id},
                  {"operation", op.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)},
                  {"reason", std::string(type == std::string("case_note")
                                             ? "an unfinished draft on a case that has left your caseload; "
                                               "its text is kept here for you to pass on"
                                             : "an unfinished form on a case that has left your caseload; "
                                               "its answers are kept here for you to pass on")},
                  {"quarantined_at", format_timestamp(store_.clock().now_ms())}};
      DOORSTEP_TRY(put_base(q));
    }
  }
  // Children first, then the case, then the person if no other case needs them.
  for (const auto& rt : record_types()) {
    if (rt.case_field.empty()) continue;
    auto del = db.prepare("DELETE FROM " + std::string(rt.table) + " WHERE " + std::string(rt.case_field) + " = ?");
    if (!del) return del.error();
    DOORSTEP_TRY((*del)->bind(1, case_id).run());
  }
  auto del_case = db.prepare("DELETE FROM case_file WHERE id = ?");
  if (!del_case) return del_case.error();
  DOORSTEP_TRY((*del_case)->bind(1, case_id).run());
  if (!person_id.empty()) {
    auto others = count(db, "SELECT count(*) FROM case_file WHERE person_id = ?", person_id);
    if (!others) return others.error();
    if (*others == 0) {
      auto del_person = db.prepare("DELETE FROM person WHERE id = ?");
      if (!del_person) return del_person.error();
      DOORSTEP_TRY((*del_person)->bind(1, person_id).run());
      // What belongs to the person rather than to a case goes with them: conflicts
      // about their details (which hold old names, addresses, phone numbers) and
      // attachments owned by the person.
      auto del_conflicts = db.prepare("DELETE FROM conflict WHERE record_type = 'person' AND record_id = ?");
      if (!del_conflicts) return del_conflicts.error();
      DOORSTEP_TRY((*del_conflicts)->bind(1, person_id).run());
      auto person_blobs = db.prepare("SELECT DISTINCT sha256 FROM attachment WHERE owner_type = 'person' AND owner_id = ?");
      if (!person_blobs) return person_blobs.error();
      (*person_blobs)->bind(1, person_id);
      for (;;) {
        auto row = (*person_blobs)->step();
        if (!row) return row.error();
        if (!*row) break;
        shas.push_back((*person_blobs)->text(0));
      }
      auto del_attachments = db.prepare("DELETE FROM attachment WHERE owner_type = 'person' AND owner_id = ?");
      if (!del_attachments) return del_attachments.error();
      DOORSTEP_TRY((*del_attachments)->bind(1, person_id).run());
    }
  }
  DOORSTEP_TRY(audit("purged", "case", case_id));
  return shas;
}

Status Writer::mark_audit_sent(const std::vector<std::string>& ids) {
  auto st = store_.database().prepare("UPDATE audit_event SET rev = 1 WHERE id = ?");
  if (!st) return st.error();
  for (const auto& id : ids) {
    (*st)->reset();
    DOORSTEP_TRY((*st)->bind(1, id).run());
  }
  return {};
}

}  // namespace doorstep
