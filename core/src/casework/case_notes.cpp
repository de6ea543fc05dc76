#include "doorstep/core/case_notes.h"

#include "../db/database.h"
#include "../store/record_sql.h"

namespace doorstep {

namespace {

Error input_error(const std::string& msg) {
  return make_error(ErrorDomain::input, ErrorCode::invalid_argument, msg);
}

Status check_body(const std::string& body) {
  if (body.empty()) return input_error("the note is empty");
  if (body.size() > CaseNotes::kMaxNoteBytes)
    return make_error(ErrorDomain::input, ErrorCode::too_large,
                      "the note is " + std::to_string(body.size() / 1024) + " KiB; the limit is " +
                          std::to_string(CaseNotes::kMaxNoteBytes / 1024) + " KiB");
  return check_utf8(body, "the note");
}

Status check_note(Store& store, const NoteInput& n) {
  DOORSTEP_TRY(check_body(n.body));
  if (n.visibility != "normal" && n.visibility != "restricted")
    return input_error("visibility must be \"normal\" or \"restricted\"");
  auto c = store.get("case", n.case_id);
  if (!c) return c.error();
  if (!*c || (*c)->deleted)
    return make_error(ErrorDomain::store, ErrorCode::not_found, "no case " + n.case_id.substr(0, 64) + " on this device");
  return {};
}

}  // namespace

Result<Record> CaseNotes::write_new(const NoteInput& n, const std::string& state, const std::string& amends) {
  DOORSTEP_TRY(check_note(store_, n));
  const std::string now = format_timestamp(store_.clock().now_ms());
  Fields f{{"case_id", n.case_id},   {"body", n.body},       {"visibility", n.visibility},
           {"author", store_.user()}, {"state", state},      {"written_at", now}};
  if (!n.category.empty()) f["category"] = n.category;
  if (!amends.empty()) f["amends"] = amends;
  if (state == "final") f["finalised_at"] = now;
  Result<Record> out = make_error(ErrorDomain::store, ErrorCode::internal, "not written");
  const std::string id = new_uuid();
  auto st = store_.write([&](Writer& w) -> Status {
    auto r = w.change("case_note", id, f, amends.empty() ? (state == "draft" ? "draft_saved" : "created") : "amended",
                      state == "final");
    if (!r) return r.error();
    out = std::move(*r);
    return {};
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<Record> CaseNotes::add(const NoteInput& note) { return write_new(note, "final", ""); }

Result<Record> CaseNotes::save_draft(const NoteInput& note, const std::string& draft_id) {
  if (draft_id.empty()) return write_new(note, "draft", "");
  DOORSTEP_TRY(check_body(note.body));
  Result<Record> out = make_error(ErrorDomain::store, ErrorCode::internal, "not written");
  auto st = store_.write([&](Writer& w) -> Status {
    auto cur = w.get("case_note", draft_id);
    if (!cur) return cur.error();
    if (!*cur) return make_error(ErrorDomain::store, ErrorCode::not_found, "no note " + draft_id.substr(0, 64));
    if ((*cur)->text("state") != "draft")
      return make_error(ErrorDomain::state, ErrorCode::immutable, "the note is final and cannot change; amend it instead");
    Fields f{{"body", note.body}, {"written_at", format_timestamp(store_.clock().now_ms())}};
    if (!note.category.empty()) f["category"] = note.category;
    auto r = w.change("case_note", draft_id, f, "draft_saved", false);
    if (!r) return r.error();
    out = std::move(*r);
    return {};
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<Record> CaseNotes::finalise(const std::string& note_id) {
  Result<Record> out = make_error(ErrorDomain::store, ErrorCode::internal, "not written");
  auto st = store_.write([&](Writer& w) -> Status {
    auto cur = w.get("case_note", note_id);
    if (!cur) return cur.error();
    if (!*cur) return make_error(ErrorDomain::store, ErrorCode::not_found, "no note " + note_id.substr(0, 64));
    if ((*cur)->text("state") != "draft")
      return make_error(ErrorDomain::state, ErrorCode::immutable, "the note is already final");
    auto r = w.change("case_note", note_id,
                      {{"state", "final"}, {"finalised_at", format_timestamp(store_.clock().now_ms())}}, "finalised");
    if (!r) return r.error();
    out = std::move(*r);
    return {};
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<Record> CaseNotes::amend(const std::string& note_id, const std::string& body) {
  auto cur = store_.get("case_note", note_id);
  if (!cur) return cur.error();
  if (!*cur) return make_error(ErrorDomain::store, ErrorCode::not_found, "no note " + note_id.substr(0, 64));
  if ((*cur)->text("state") != "final")
    return make_error(ErrorDomain::state, ErrorCode::invalid_transition, "a draft is edited, not amended");
  NoteInput n;
  n.case_id = (*cur)->text("case_id");
  n.body = body;
  n.category = (*cur)->text("category");
  n.visibility = (*cur)->text("visibility");
  return write_new(n, "final", note_id);
}

Status CaseNotes::discard_draft(const std::string& note_id) {
  return store_.write([&](Writer& w) -> Status {
    auto cur = w.get("case_note", note_id);
    if (!cur) return cur.error();
    if (!*cur) return make_error(ErrorDomain::store, ErrorCode::not_found, "no note " + note_id.substr(0, 64));
    if ((*cur)->text("state") != "draft")
      return make_error(ErrorDomain::state, ErrorCode::immutable, "a final note cannot be deleted; amend it instead");
    return w.discard("case_note", note_id, "draft_discarded");
  });
}

Result<std::vector<Record>> CaseNotes::drafts() { return store_.list("case_note", "state", "draft"); }

Result<std::vector<Record>> CaseNotes::amendments(const std::string& note_id) {
  std::vector<Record> chain;
  std::string current = note_id;
  for (int depth = 0; depth < 1000; ++depth) {
    auto next = store_.list("case_note", "amends", current, 100);
    if (!next) return next.error();
    if (next->empty()) break;
    for (auto& r : *next) chain.push_back(r);
    current = next->back().id;
  }
  return chain;
}

}  // namespace doorstep
