// CaseForms: submitting a form (one transaction: the submission, the save_to edits,
// their outbox operations and audit events, the draft removed), the submissions of a
// case, and filling answers in from JSON.
#include <algorithm>
#include <cmath>
#include <map>

#include "doorstep/core/blob_store.h"
#include "doorstep/core/case_forms.h"
#include "doorstep/core/forms/picture_answer.h"
#include "doorstep/core/json_fields.h"

namespace doorstep {

namespace {

Error invalid(const std::string& msg) { return make_error(ErrorDomain::input, ErrorCode::invalid_argument, msg); }

// A save_to answer (a Submission value: number or text) as the record field's value.
Result<Value> field_value(const FieldSpec& spec, const nlohmann::json& answer) {
  nlohmann::json j = answer;
  if (spec.type == FieldType::text && !j.is_string()) {
    j = j.is_number_integer() ? std::to_string(j.get<std::int64_t>()) : j.dump();
  } else if (spec.type == FieldType::integer && j.is_number_float()) {
    const double d = j.get<double>();
    if (std::floor(d) != d) return invalid("\"" + std::string(spec.name) + "\" takes a whole number");
    j = static_cast<std::int64_t>(d);
  } else if (spec.type == FieldType::timestamp && j.is_string()) {
    auto t = normalise_timestamp(j.get<std::string>());
    if (!t) return t.error();
    j = *t;
  }
  return value_from_json(spec, j);
}

}  // namespace

Result<FormSubmitOutcome> CaseForms::submit(const std::string& draft_id, forms::FormSession& session) {
  auto draft = store_.get("form_draft", draft_id);
  if (!draft) return draft.error();
  if (!*draft)
    return make_error(ErrorDomain::store, ErrorCode::not_found, "no form draft " + draft_id.substr(0, 64) + " on this device");
  const Record d = std::move(**draft);
  const auto& def = session.definition();
  if (def.form_id != d.text("form_id") || def.version != d.integer("form_version").value_or(-1))
    return invalid("the answers are for " + def.form_id + " version " + std::to_string(def.version) +
                   ", not the draft's form");

  FormSubmitOutcome out;
  forms::SubmitResult result = session.submit();
  if (!result.ok()) {
    out.problems = std::move(result.problems);
    return out;
  }
  const forms::Submission& sub = *result.submission;
  const std::string case_id = d.text("case_id");
  // Each picture must still be in the blob store, or the hub could never have it.
  std::vector<forms::PictureRef> pictures;
  for (const auto& p : forms::picture_answers(def, sub.answers)) {
    if (!p.ref || !store_.blobs().contains(p.ref->sha256)) {
      out.problems.push_back({p.path, "The picture is no longer on this device; attach it again."});
      continue;
    }
    const bool seen = std::any_of(pictures.begin(), pictures.end(),
                                  [&](const forms::PictureRef& r) { return r.sha256 == p.ref->sha256; });
    if (!seen) pictures.push_back(*p.ref);
  }
  if (!out.problems.empty()) return out;
  const std::string submission_id = new_uuid();

  auto st = store_.write([&](Writer& w) -> Status {
    auto the_case = w.get("case", case_id);
    if (!the_case) return the_case.error();
    if (!*the_case || (*the_case)->deleted)
      return make_error(ErrorDomain::store, ErrorCode::not_found, "the case " + case_id + " is no longer on this device");
    // The pictures' attachment records first: the pusher uploads each blob before its
    // attachment's operation, so the hub holds the picture before the submission arrives.
    for (const auto& p : pictures) {
      auto a = w.change("attachment", new_uuid(),
                        {{"sha256", p.sha256},
                         {"owner_type", std::string("form_submission")},
                         {"owner_id", submission_id},
                         {"case_id", case_id},
                         {"media_type", p.media_type},
                         {"size_bytes", p.size_bytes},
                         {"added_at", format_timestamp(store_.clock().now_ms())}},
                        "attached");
      if (!a) return a.error();
      out.attachments.push_back(std::move(*a));
    }
    Fields f{{"case_id", case_id},
             {"form_id", sub.form_id},
             {"form_version", sub.version},
             {"answers", sub.answers.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)},
             {"submitted_at", format_timestamp(store_.clock().now_ms())},
             {"submitted_by", store_.user()}};
    auto made = w.change("form_submission", submission_id, f, "submitted");
    if (!made) return made.error();
    out.submission = std::move(*made);

    // save_to: the answers flow into the records as ordinary edits, one per record,
    // only where the record does not already hold the value.
    std::map<std::pair<std::string, std::string>, Fields> edits;
    for (const auto& s : sub.save_to) {
      const std::string type = s.target == "case" ? "case" : "person";
      const std::string id = type == "case" ? case_id : (*the_case)->text("person_id");
      const FieldSpec* spec = find_record_type(type)->field(s.field);
      if (spec == nullptr) return invalid("the form saves to " + s.target + "." + s.field + ", which does not exist");
      auto v = field_value(*spec, s.value);
      if (!v) return v.error();
      auto cur = w.get(type, id);
      if (!cur) return cur.error();
      if (!*cur) return make_error(ErrorDomain::store, ErrorCode::not_found, "no " + type + " " + id + " on this device");
      auto held = (*cur)->fields.find(s.field);
      if (held != (*cur)->fields.end() && held->second == *v) continue;
      edits[{type, id}][s.field] = *v;
    }
    for (const auto& [key, fields] : edits) {
      auto changed = w.change(key.first, key.second, fields, "changed_by_form");
      if (!changed) return changed.error();
      out.saved_to.push_back(std::move(*changed));
    }
    return w.discard("form_draft", draft_id, "form_draft_submitted");
  });
  if (!st.ok()) return st.error();
  // Pictures attached to the draft and replaced, or left on questions that no longer
  // apply: nothing refers to them now.
  auto held = forms::picture_hashes_in(d.text("draft"));
  for (const auto& sha : forms::picture_hashes_in(session.to_draft().dump())) held.push_back(sha);
  (void)release_pictures(held);  // best effort: the submission is written either way
  return out;
}

Result<std::vector<Record>> CaseForms::submissions(const std::string& case_id) {
  auto list = store_.list("form_submission", "case_id", case_id, 100000);
  if (!list) return list.error();
  std::stable_sort(list->begin(), list->end(),
                   [](const Record& a, const Record& b) { return a.text("submitted_at") < b.text("submitted_at"); });
  return list;
}

namespace {

Result<forms::Value> answer_value(const forms::FormDefinition& def, const std::string& name, const nlohmann::json& v,
                                  const std::string& path) {
  if (v.is_null()) return forms::Value{};
  if (v.is_string()) return forms::Value{v.get<std::string>()};
  if (v.is_boolean()) return forms::Value{v.get<bool>()};
  if (v.is_number()) return forms::Value{v.get<double>()};
  const forms::Question* q = def.find(name);
  if (v.is_array() && q != nullptr && q->type == forms::QuestionType::select_multiple) {
    std::string joined;
    for (const auto& e : v) {
      if (!e.is_string()) return invalid(path + ": a list of choices must be text");
      if (!joined.empty()) joined += ' ';
      joined += e.get<std::string>();
    }
    return forms::Value{joined};
  }
  return invalid(path + ": an answer is text, a number, true/false or null");
}

Status answer_one(forms::FormSession& session, const std::string& name, const std::string& path,
                  const nlohmann::json& v) {
  auto value = answer_value(session.definition(), name, v, path);
  if (!value) return value.error();
  auto st = session.answer(path, *value);
  if (!st.ok()) return make_error(st.error().domain, st.error().code, path + ": " + st.error().message);
  return {};
}

}  // namespace

namespace {

// One repeat's instances from a list of objects, each instance's answers in form order.
Status fill_repeat(forms::FormSession& session, int repeat, const nlohmann::json& v) {
  const auto& def = session.definition();
  const std::string& name = def.questions[static_cast<std::size_t>(repeat)].name;
  if (!v.is_array()) return invalid(name + ": a repeat takes a list of objects, one per instance");
  const int want = static_cast<int>(v.size());
  while (session.repeat_count(name) < want) {
    auto added = session.add_repeat(name);
    if (!added) return make_error(added.error().domain, added.error().code, name + ": " + added.error().message);
  }
  while (session.repeat_count(name) > want) DOORSTEP_TRY(session.remove_repeat(name, session.repeat_count(name)));
  for (int k = 0; k < want; ++k) {
    const auto& obj = v[static_cast<std::size_t>(k)];
    const std::string at = name + "[" + std::to_string(k + 1) + "]";
    if (!obj.is_object()) return invalid(at + ": each instance is an object of answers");
    // Names that are not members of this repeat are refused (by the session) first.
    for (const auto& [member, mv] : obj.items()) {
      const forms::Question* q = def.find(member);
      if (q == nullptr || q->repeat != repeat) DOORSTEP_TRY(answer_one(session, member, at + "/" + member, mv));
    }
    for (const auto& q : def.questions)
      if (q.repeat == repeat)
        if (auto it = obj.find(q.name); it != obj.end()) DOORSTEP_TRY(answer_one(session, q.name, at + "/" + q.name, *it));
  }
  return {};
}

}  // namespace

// Answers go in in form order, whatever order the JSON names them in: an answer that
// filters another question's choices (choice_filter) or makes it relevant is in place
// before that question is answered, as when a worker fills the form in.
Status fill_answers(forms::FormSession& session, const nlohmann::json& answers) {
  if (!answers.is_object()) return invalid("the answers must be a JSON object of question name to answer");
  const auto& def = session.definition();
  // Names the form does not have at the top level are refused (by the session) first.
  for (const auto& [name, v] : answers.items()) {
    const forms::Question* q = def.find(name);
    if (q == nullptr || q->repeat >= 0) DOORSTEP_TRY(answer_one(session, name, name, v));
  }
  for (std::size_t i = 0; i < def.questions.size(); ++i) {
    const forms::Question& q = def.questions[i];
    if (q.repeat >= 0) continue;
    auto it = answers.find(q.name);
    if (it == answers.end()) continue;
    if (q.type == forms::QuestionType::repeat) {
      DOORSTEP_TRY(fill_repeat(session, static_cast<int>(i), *it));
      continue;
    }
    DOORSTEP_TRY(answer_one(session, q.name, q.name, *it));
  }
  return {};
}

}  // namespace doorstep
