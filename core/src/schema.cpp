#include "doorstep/core/schema.h"

namespace doorstep {

namespace {
using F = FieldType;
using M = MergePolicy;

std::vector<RecordType> build() {
  return {
      {"person", "person", RecordKind::editable, "",
       {{"name", F::text, M::later_wins, true},
        {"date_of_birth", F::text, M::later_wins, false},
        {"address", F::text, M::later_wins, false},
        {"phone", F::text, M::later_wins, false},
        {"markers", F::text_set, M::set_union, false}}},
      {"case", "case_file", RecordKind::editable, "",
       {{"person_id", F::text, M::fixed, true},
        {"kind", F::text, M::fixed, true},
        {"title", F::text, M::later_wins, false},
        {"status", F::text, M::office_owned, true},
        {"team", F::text, M::office_owned, false},
        {"worker", F::text, M::office_owned, false},
        {"visit_interval_days", F::integer, M::office_owned, false},
        {"opened_at", F::timestamp, M::fixed, false}}},
      {"case_note", "case_note", RecordKind::finalisable, "case_id",
       {{"case_id", F::text, M::fixed, true},
        {"body", F::text, M::fixed, true},
        {"category", F::text, M::fixed, false},
        {"visibility", F::text, M::fixed, true},
        {"author", F::text, M::fixed, true},
        {"state", F::text, M::fixed, true},
        {"amends", F::text, M::fixed, false},
        {"written_at", F::timestamp, M::fixed, true},
        {"finalised_at", F::timestamp, M::fixed, false}}},
      {"visit", "visit", RecordKind::editable, "case_id",
       {{"case_id", F::text, M::fixed, true},
        {"planned_start", F::timestamp, M::later_wins, true},
        {"planned_end", F::timestamp, M::later_wins, false},
        {"purpose", F::text, M::later_wins, false},
        {"status", F::text, M::status_lattice, true},
        {"checked_in_at", F::timestamp, M::later_wins, false},
        {"check_in_lat", F::real, M::later_wins, false},
        {"check_in_lon", F::real, M::later_wins, false},
        {"check_in_accuracy_m", F::real, M::later_wins, false},
        {"expected_end", F::timestamp, M::later_wins, false},
        {"checked_out_at", F::timestamp, M::later_wins, false},
        {"outcome", F::text, M::later_wins, false}}},
      {"task", "task", RecordKind::editable, "case_id",
       {{"case_id", F::text, M::fixed, true},
        {"title", F::text, M::later_wins, true},
        {"details", F::text, M::later_wins, false},
        {"schedule", F::text, M::later_wins, false}}},
      {"task_completion", "task_completion", RecordKind::append_only, "case_id",
       {{"task_id", F::text, M::fixed, true},
        {"case_id", F::text, M::fixed, true},
        {"completed_at", F::timestamp, M::fixed, true},
        {"completed_by", F::text, M::fixed, true},
        {"note", F::text, M::fixed, false}}},
      {"field_report", "field_report", RecordKind::editable, "case_id",
       {{"case_id", F::text, M::fixed, false},
        {"category", F::text, M::later_wins, true},
        {"description", F::text, M::later_wins, false},
        {"lat", F::real, M::later_wins, false},
        {"lon", F::real, M::later_wins, false},
        {"accuracy_m", F::real, M::later_wins, false},
        {"address", F::text, M::later_wins, false},
        {"priority", F::text, M::later_wins, true},
        {"status", F::text, M::office_owned, true},
        {"reporter", F::text, M::fixed, true},
        {"reported_at", F::timestamp, M::fixed, true}}},
      {"attachment", "attachment", RecordKind::immutable, "case_id",
       {{"sha256", F::text, M::fixed, true},
        {"owner_type", F::text, M::fixed, true},
        {"owner_id", F::text, M::fixed, true},
        {"case_id", F::text, M::fixed, false},
        {"media_type", F::text, M::fixed, true},
        {"size_bytes", F::integer, M::fixed, true},
        {"file_name", F::text, M::fixed, false},
        {"added_at", F::timestamp, M::fixed, true}}},
      {"audit_event", "audit_event", RecordKind::append_only, "",
       {{"at", F::timestamp, M::fixed, true},
        {"actor", F::text, M::fixed, true},
        {"device", F::text, M::fixed, true},
        {"action", F::text, M::fixed, true},
        {"record_type", F::text, M::fixed, true},
        {"record_id", F::text, M::fixed, true}}},
      {"conflict", "conflict", RecordKind::office_owned, "case_id",
       {{"record_type", F::text, M::fixed, true},
        {"record_id", F::text, M::fixed, true},
        {"case_id", F::text, M::fixed, false},
        {"field", F::text, M::fixed, true},
        {"kept_value", F::text, M::fixed, false},
        {"other_value", F::text, M::fixed, false},
        {"kept_author", F::text, M::fixed, false},
        {"other_author", F::text, M::fixed, false},
        {"kept_hlc", F::text, M::fixed, false},
        {"other_hlc", F::text, M::fixed, false},
        {"resolution", F::text, M::later_wins, false},
        {"resolved_by", F::text, M::later_wins, false},
        {"resolved_at", F::timestamp, M::later_wins, false}}},
      // Forms (docs/design.md, "Forms"). A published definition version never changes;
      // its id is "<form_id>-v<version>" (forms/form_records.h).
      {"form_definition", "form_definition", RecordKind::office_owned, "",
       {{"form_id", F::text, M::fixed, true},
        {"version", F::integer, M::fixed, true},
        {"title", F::text, M::fixed, true},
        {"definition", F::text, M::fixed, true},  // the definition as canonical JSON
        {"published_at", F::timestamp, M::fixed, false}}},
      {"form_submission", "form_submission", RecordKind::append_only, "case_id",
       {{"case_id", F::text, M::fixed, true},
        {"form_id", F::text, M::fixed, true},
        {"form_version", F::integer, M::fixed, true},
        {"answers", F::text, M::fixed, true},  // JSON object: Submission::answers
        {"submitted_at", F::timestamp, M::fixed, true},
        {"submitted_by", F::text, M::fixed, true}}},
      // A form being filled in: stays on the device (like a note draft).
      {"form_draft", "form_draft", RecordKind::local_only, "case_id",
       {{"case_id", F::text, M::fixed, true},
        {"form_id", F::text, M::fixed, true},
        {"form_version", F::integer, M::fixed, true},
        {"draft", F::text, M::later_wins, true},  // FormSession::to_draft() JSON
        {"started_at", F::timestamp, M::fixed, true},
        {"saved_at", F::timestamp, M::later_wins, true},
        {"author", F::text, M::fixed, true}}},
      {"quarantine", "quarantine", RecordKind::local_only, "",
       {{"op_id", F::text, M::fixed, true},
        {"record_type", F::text, M::fixed, true},
        {"record_id", F::text, M::fixed, true},
        {"operation", F::text, M::fixed, true},
        {"reason", F::text, M::fixed, true},
        {"quarantined_at", F::timestamp, M::fixed, true}}},
  };
}
}  // namespace

const FieldSpec* RecordType::field(std::string_view field_name) const {
  for (const auto& f : fields)
    if (f.name == field_name) return &f;
  return nullptr;
}

const std::vector<RecordType>& record_types() {
  static const std::vector<RecordType> types = build();
  return types;
}

const RecordType* find_record_type(std::string_view name) {
  for (const auto& t : record_types())
    if (t.name == name) return &t;
  return nullptr;
}

}  // namespace doorstep
