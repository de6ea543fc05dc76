// The table-driven schema: every record type, its table, fields, SQL types and
// merge policies (docs/design.md, "Records"). The store, sync and merge code are generic
// over this table. Immutable after start-up; safe to read from any thread.
//
// Must agree with the CREATE TABLE statements in core/src/store/migrations.cpp;
// tests/core/schema_test.cpp checks every column against the live database.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace doorstep {

enum class FieldType {
  text,
  integer,
  real,
  timestamp,  // text, ISO 8601 UTC with milliseconds
  text_set,   // text, a JSON array of distinct strings
};

// How a concurrent change to one field combines with another (sync merge).
enum class MergePolicy {
  later_wins,    // scalar: later HLC wins, the other value kept in a conflict
  status_lattice,// visit status: planned < under_way < {completed, no_access, cancelled}
  set_union,     // warning markers: union with explicit removals
  office_owned,  // only the office (server) may change it; a device's change is rejected
  fixed,         // set at creation, never changed (owner ids, kind)
};

enum class RecordKind {
  editable,      // fields merge by policy
  finalisable,   // drafts stay on the device; once final, immutable (notes)
  append_only,   // created, never changed (task completions, audit events, form submissions)
  immutable,     // content-addressed (attachments)
  office_owned,  // created only by the office or server (conflicts, form definitions); fields merge by policy
  local_only,    // never synced (quarantine, form drafts)
};

struct FieldSpec {
  std::string_view name;
  FieldType type;
  MergePolicy merge;
  bool required;  // must be non-null and, for text, non-empty when created
};

struct RecordType {
  std::string_view name;        // wire and API name
  std::string_view table;       // SQL table
  RecordKind kind;
  std::string_view case_field;  // field naming the owning case ("" if none); used by scope purge
  std::vector<FieldSpec> fields;

  const FieldSpec* field(std::string_view field_name) const;
};

const std::vector<RecordType>& record_types();
// nullptr for an unknown name.
const RecordType* find_record_type(std::string_view name);

}  // namespace doorstep
