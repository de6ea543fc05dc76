// CaseForms: the forms on the device, starting, resuming, saving and discarding drafts.
// Submitting is in case_forms_submit.cpp.
#include "doorstep/core/case_forms.h"

#include <algorithm>

#include "../db/database.h"
#include "doorstep/core/forms/form_records.h"
#include "doorstep/core/forms/picture_answer.h"

namespace doorstep {

namespace {

Error not_found(const std::string& what) { return make_error(ErrorDomain::store, ErrorCode::not_found, what); }

forms::NowFn clock_of(Store& store) {
  const Clock* clock = &store.clock();
  return [clock] { return clock->now_ms(); };
}

// A record field as a form answer (numbers are doubles in forms).
forms::Value answer_from(const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  return std::monostate{};
}

Result<std::optional<std::int64_t>> latest_version(Store& store, const std::string& form_id) {
  auto st = store.database().prepare("SELECT max(version) FROM form_definition WHERE form_id = ? AND deleted = 0");
  if (!st) return st.error();
  (*st)->bind(1, form_id);
  auto row = (*st)->step();
  if (!row) return row.error();
  std::optional<std::int64_t> out;
  if (*row && !std::holds_alternative<std::monostate>((*st)->value(0))) out = (*st)->integer(0);
  (*st)->reset();
  return out;
}

Result<Record> live(Store& store, const std::string& type, const std::string& id, const std::string& label) {
  auto r = store.get(type, id);
  if (!r) return r.error();
  if (!*r || (*r)->deleted) return not_found("no " + label + " " + id.substr(0, 64) + " on this device");
  return std::move(**r);
}

}  // namespace

Result<std::vector<AvailableForm>> CaseForms::available() {
  if (store_.locked()) return make_error(ErrorDomain::state, ErrorCode::invalid_transition, "the store is locked");
  auto st = store_.database().prepare(
      "SELECT d.form_id, d.version, d.title FROM form_definition d WHERE d.deleted = 0 AND d.version = "
      "(SELECT max(e.version) FROM form_definition e WHERE e.form_id = d.form_id AND e.deleted = 0) "
      "ORDER BY d.title, d.form_id");
  if (!st) return st.error();
  std::vector<AvailableForm> out;
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back({(*st)->text(0), (*st)->integer(1), (*st)->text(2)});
  }
  return out;
}

Result<std::shared_ptr<const forms::FormDefinition>> CaseForms::definition(const std::string& form_id,
                                                                           std::int64_t version) {
  auto id = forms::definition_record_id(form_id, version);
  if (!id) return id.error();
  if (auto it = loaded_.find(*id); it != loaded_.end()) return it->second;
  auto rec = store_.get("form_definition", *id);
  if (!rec) return rec.error();
  if (!*rec)
    return not_found("version " + std::to_string(version) + " of the form " + form_id + " is not on this device");
  auto load = forms::definition_from_record(**rec);
  if (!load.ok())
    return make_error(ErrorDomain::store, ErrorCode::corrupt,
                      "the form " + form_id + " version " + std::to_string(version) + " does not load: " +
                          (load.problems.empty() ? std::string("no definition") : load.problems.front().describe()));
  loaded_[*id] = load.definition;
  return load.definition;
}

Result<FormDraft> CaseForms::describe(const Record& d) {
  FormDraft out;
  out.id = d.id;
  out.case_id = d.text("case_id");
  out.form_id = d.text("form_id");
  out.version = d.integer("form_version").value_or(0);
  out.started_at = d.text("started_at");
  out.saved_at = d.text("saved_at");
  auto latest = latest_version(store_, out.form_id);
  if (!latest) return latest.error();
  out.latest_version = latest->value_or(out.version);
  out.title = out.form_id;
  if (auto id = forms::definition_record_id(out.form_id, out.version)) {
    auto def = store_.get("form_definition", *id);
    if (!def) return def.error();
    if (*def) out.title = (*def)->text("title");
  }
  return out;
}

Result<OpenForm> CaseForms::start(const std::string& case_id, const std::string& form_id) {
  auto the_case = live(store_, "case", case_id, "case");
  if (!the_case) return the_case.error();
  auto person = live(store_, "person", the_case->text("person_id"), "person");
  if (!person) return person.error();
  auto latest = latest_version(store_, form_id);
  if (!latest) return latest.error();
  if (!*latest) return not_found("no form " + form_id.substr(0, 64) + " on this device");
  auto def = definition(form_id, **latest);
  if (!def) return def.error();

  // Data captured once: what the records already hold fills the questions that save to them.
  forms::FormSession::Prefill prefill;
  for (const auto& q : (*def)->questions) {
    if (!q.save_to) continue;
    const Record& from = q.save_to->record == "case" ? *the_case : *person;
    auto it = from.fields.find(q.save_to->field);
    if (it == from.fields.end()) continue;
    forms::Value v = answer_from(it->second);
    if (!forms::is_empty(v)) prefill[q.save_to->text()] = v;
  }
  auto session = forms::FormSession::start(*def, prefill, clock_of(store_));

  const std::string id = new_uuid();
  const std::string now = format_timestamp(store_.clock().now_ms());
  Fields f{{"case_id", case_id},
           {"form_id", form_id},
           {"form_version", **latest},
           {"draft", session.to_draft().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)},
           {"started_at", now},
           {"saved_at", now},
           {"author", store_.user()}};
  Record stored;
  auto st = store_.write([&](Writer& w) -> Status {
    auto r = w.change("form_draft", id, f, "form_started", false);
    if (!r) return r.error();
    stored = std::move(*r);
    return {};
  });
  if (!st.ok()) return st.error();
  auto described = describe(stored);
  if (!described) return described.error();
  return OpenForm{std::move(*described), std::move(session)};
}

Result<OpenForm> CaseForms::resume(const std::string& draft_id) {
  auto rec = live(store_, "form_draft", draft_id, "form draft");
  if (!rec) return rec.error();
  auto doc = nlohmann::json::parse(rec->text("draft"), nullptr, false);
  if (doc.is_discarded())
    return make_error(ErrorDomain::store, ErrorCode::corrupt, "the form draft " + draft_id + " is damaged");
  // The draft says which version it belongs to; a newer version on the device does not
  // change that.
  auto form = forms::FormSession::draft_form(doc);
  if (!form) return form.error();
  if (form->first != rec->text("form_id") || form->second != rec->integer("form_version").value_or(-1))
    return make_error(ErrorDomain::store, ErrorCode::corrupt,
                      "the form draft " + draft_id + " does not match the form it was started on");
  auto def = definition(form->first, form->second);
  if (!def) return def.error();
  auto session = forms::FormSession::from_draft(*def, doc, clock_of(store_));
  if (!session) return session.error();
  auto described = describe(*rec);
  if (!described) return described.error();
  return OpenForm{std::move(*described), std::move(*session)};
}

Status CaseForms::save(const std::string& draft_id, const forms::FormSession& session) {
  const std::string text = session.to_draft().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::vector<std::string> dropped;  // pictures the saved draft held and this one does not
  auto st = store_.write([&](Writer& w) -> Status {
    auto cur = w.get("form_draft", draft_id);
    if (!cur) return cur.error();
    if (!*cur) return not_found("no form draft " + draft_id.substr(0, 64) + " on this device");
    const auto& def = session.definition();
    if (def.form_id != (*cur)->text("form_id") || def.version != (*cur)->integer("form_version").value_or(-1))
      return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                        "the answers are for " + def.form_id + " version " + std::to_string(def.version) +
                            ", not the draft's form");
    const auto kept = forms::picture_hashes_in(text);
    for (const auto& sha : forms::picture_hashes_in((*cur)->text("draft")))
      if (std::find(kept.begin(), kept.end(), sha) == kept.end()) dropped.push_back(sha);
    auto r = w.change("form_draft", draft_id, {{"draft", text}, {"saved_at", format_timestamp(store_.clock().now_ms())}},
                      "form_draft_saved", false);
    if (!r) return r.error();
    return {};
  });
  if (!st.ok()) return st;
  (void)release_pictures(dropped);  // best effort: the draft is saved either way
  return {};
}

Result<std::vector<FormDraft>> CaseForms::drafts(const std::string& case_id) {
  auto list = case_id.empty() ? store_.list("form_draft", "", "", 100000)
                              : store_.list("form_draft", "case_id", case_id, 100000);
  if (!list) return list.error();
  std::vector<FormDraft> out;
  for (const auto& r : *list) {
    auto d = describe(r);
    if (!d) return d.error();
    out.push_back(std::move(*d));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const FormDraft& a, const FormDraft& b) { return a.started_at < b.started_at; });
  return out;
}

Status CaseForms::discard(const std::string& draft_id) {
  std::vector<std::string> pictures;
  auto st = store_.write([&](Writer& w) -> Status {
    auto cur = w.get("form_draft", draft_id);
    if (!cur) return cur.error();
    if (!*cur) return not_found("no form draft " + draft_id.substr(0, 64) + " on this device");
    pictures = forms::picture_hashes_in((*cur)->text("draft"));
    return w.discard("form_draft", draft_id, "form_draft_discarded");
  });
  if (!st.ok()) return st;
  (void)release_pictures(pictures);  // best effort: the draft is gone either way
  return {};
}

}  // namespace doorstep
