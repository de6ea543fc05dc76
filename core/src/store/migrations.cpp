#include "migrations.h"

#include <string>
#include <vector>

namespace doorstep::store {

namespace {

// Every synced table starts with the same four columns (docs/design.md, "Records").
#define RECORD_COLUMNS                                  \
  "id TEXT PRIMARY KEY NOT NULL, rev INTEGER NOT NULL DEFAULT 0, " \
  "hlc TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))"

// Foreign keys are deferred: a pulled page may carry a note before its case.
#define CASE_REF "REFERENCES case_file(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"

// Keeps timeline_entry in step with one table: a row per live record, rebuilt on
// every update (soft delete removes it). AT is the entry's time as an expression of new.
#define TIMELINE_ROW(KIND, AT)                                                              \
  "  INSERT INTO timeline_entry(kind, id, case_id, person_id, at)\n"                         \
  "  SELECT '" KIND "', new.id, new.case_id,\n"                                             \
  "         (SELECT person_id FROM case_file WHERE id = new.case_id), " AT "\n"             \
  "  WHERE new.deleted = 0;\n"
#define TIMELINE_TRIGGERS(KIND, TABLE, AT)                                                  \
  "CREATE TRIGGER timeline_" TABLE "_insert AFTER INSERT ON " TABLE " BEGIN\n"               \
  TIMELINE_ROW(KIND, AT) "END;\n"                                                          \
  "CREATE TRIGGER timeline_" TABLE "_update AFTER UPDATE ON " TABLE " BEGIN\n"               \
  "  DELETE FROM timeline_entry WHERE kind = '" KIND "' AND id = old.id;\n"                 \
  TIMELINE_ROW(KIND, AT) "END;\n"                                                          \
  "CREATE TRIGGER timeline_" TABLE "_delete AFTER DELETE ON " TABLE " BEGIN\n"               \
  "  DELETE FROM timeline_entry WHERE kind = '" KIND "' AND id = old.id;\n"                 \
  "END;\n"

// Must agree with core/src/schema.cpp (checked by tests/core/schema_test.cpp).
const char* kMigration1 = R"SQL(
CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);

CREATE TABLE person (
  )SQL" RECORD_COLUMNS R"SQL(,
  name TEXT NOT NULL, date_of_birth TEXT, address TEXT, phone TEXT,
  markers TEXT DEFAULT '[]');  -- NULL reads as no markers

CREATE TABLE case_file (
  )SQL" RECORD_COLUMNS R"SQL(,
  person_id TEXT NOT NULL REFERENCES person(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  kind TEXT NOT NULL CHECK (kind IN ('children', 'reablement', 'neighbourhood')),
  title TEXT,
  status TEXT NOT NULL DEFAULT 'open',
  team TEXT, worker TEXT, visit_interval_days INTEGER, opened_at TEXT);
CREATE INDEX case_file_person ON case_file(person_id);

CREATE TABLE case_note (
  )SQL" RECORD_COLUMNS R"SQL(,
  case_id TEXT NOT NULL )SQL" CASE_REF R"SQL(,
  body TEXT NOT NULL, category TEXT,
  visibility TEXT NOT NULL DEFAULT 'normal' CHECK (visibility IN ('normal', 'restricted')),
  author TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('draft', 'final')),
  amends TEXT, written_at TEXT NOT NULL, finalised_at TEXT);
CREATE INDEX case_note_case ON case_note(case_id, written_at);
CREATE INDEX case_note_amends ON case_note(amends);

CREATE TABLE visit (
  )SQL" RECORD_COLUMNS R"SQL(,
  case_id TEXT NOT NULL )SQL" CASE_REF R"SQL(,
  planned_start TEXT NOT NULL, planned_end TEXT, purpose TEXT,
  status TEXT NOT NULL CHECK (status IN ('planned', 'under_way', 'completed', 'no_access', 'cancelled')),
  checked_in_at TEXT, check_in_lat REAL, check_in_lon REAL, check_in_accuracy_m REAL,
  expected_end TEXT, checked_out_at TEXT, outcome TEXT);
CREATE INDEX visit_case ON visit(case_id, planned_start);
CREATE INDEX visit_planned ON visit(planned_start);

CREATE TABLE task (
  )SQL" RECORD_COLUMNS R"SQL(,
  case_id TEXT NOT NULL )SQL" CASE_REF R"SQL(,
  title TEXT NOT NULL, details TEXT, schedule TEXT);
CREATE INDEX task_case ON task(case_id);

CREATE TABLE task_completion (
  )SQL" RECORD_COLUMNS R"SQL(,
  task_id TEXT NOT NULL REFERENCES task(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  case_id TEXT NOT NULL )SQL" CASE_REF R"SQL(,
  completed_at TEXT NOT NULL, completed_by TEXT NOT NULL, note TEXT);
CREATE INDEX task_completion_task ON task_completion(task_id, completed_at);

CREATE TABLE field_report (
  )SQL" RECORD_COLUMNS R"SQL(,
  case_id TEXT )SQL" CASE_REF R"SQL(,
  category TEXT NOT NULL, description TEXT,
  lat REAL CHECK (lat IS NULL OR (lat BETWEEN -90 AND 90)),
  lon REAL CHECK (lon IS NULL OR (lon BETWEEN -180 AND 180)),
  accuracy_m REAL, address TEXT,
  priority TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  status TEXT NOT NULL DEFAULT 'reported',
  reporter TEXT NOT NULL, reported_at TEXT NOT NULL);
CREATE INDEX field_report_case ON field_report(case_id, reported_at);

CREATE TABLE attachment (
  )SQL" RECORD_COLUMNS R"SQL(,
  sha256 TEXT NOT NULL, owner_type TEXT NOT NULL, owner_id TEXT NOT NULL,
  case_id TEXT )SQL" CASE_REF R"SQL(,
  media_type TEXT NOT NULL, size_bytes INTEGER NOT NULL, file_name TEXT, added_at TEXT NOT NULL);
CREATE INDEX attachment_owner ON attachment(owner_type, owner_id);
CREATE INDEX attachment_sha ON attachment(sha256);

CREATE TABLE audit_event (
  )SQL" RECORD_COLUMNS R"SQL(,
  at TEXT NOT NULL, actor TEXT NOT NULL, device TEXT NOT NULL, action TEXT NOT NULL,
  record_type TEXT NOT NULL, record_id TEXT NOT NULL);
CREATE INDEX audit_event_record ON audit_event(record_type, record_id);

CREATE TABLE conflict (
  )SQL" RECORD_COLUMNS R"SQL(,
  record_type TEXT NOT NULL, record_id TEXT NOT NULL,
  case_id TEXT )SQL" CASE_REF R"SQL(,
  field TEXT NOT NULL,
  kept_value TEXT, other_value TEXT, kept_author TEXT, other_author TEXT,
  kept_hlc TEXT, other_hlc TEXT, resolution TEXT, resolved_by TEXT, resolved_at TEXT);
CREATE INDEX conflict_record ON conflict(record_type, record_id);

CREATE TABLE quarantine (
  )SQL" RECORD_COLUMNS R"SQL(,
  op_id TEXT NOT NULL, record_type TEXT NOT NULL, record_id TEXT NOT NULL,
  operation TEXT NOT NULL, reason TEXT NOT NULL, quarantined_at TEXT NOT NULL);

-- Local changes waiting to be pushed (docs/design.md, section Sync), in sequence order.
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  op_id TEXT NOT NULL UNIQUE,
  record_type TEXT NOT NULL, record_id TEXT NOT NULL,
  case_id TEXT,  -- the owning case, so a scope purge can find what is still unsent
  action TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
  base_rev INTEGER NOT NULL, fields TEXT NOT NULL, hlc TEXT NOT NULL);
CREATE INDEX outbox_record ON outbox(record_type, record_id);
CREATE INDEX outbox_case ON outbox(case_id);

-- A person's timeline as an index (kept by triggers in the same transaction as each
-- change), so a page is a range scan instead of a sort of everything they have.
-- person_id is NULL while a pulled entry's case has not arrived yet; the case's own
-- triggers fill it in.
CREATE TABLE timeline_entry (
  kind TEXT NOT NULL, id TEXT NOT NULL, case_id TEXT, person_id TEXT, at TEXT NOT NULL,
  PRIMARY KEY (kind, id)) WITHOUT ROWID;
CREATE INDEX timeline_person ON timeline_entry(person_id, at, kind, id);
)SQL"
    TIMELINE_TRIGGERS("note", "case_note", "coalesce(new.finalised_at, new.written_at)")
    TIMELINE_TRIGGERS("visit", "visit", "coalesce(new.checked_in_at, new.planned_start)")
    TIMELINE_TRIGGERS("task_completion", "task_completion", "new.completed_at")
    TIMELINE_TRIGGERS("field_report", "field_report", "new.reported_at") R"SQL(
CREATE TRIGGER timeline_case_insert AFTER INSERT ON case_file BEGIN
  UPDATE timeline_entry SET person_id = new.person_id WHERE case_id = new.id;
END;
CREATE TRIGGER timeline_case_update AFTER UPDATE OF person_id ON case_file BEGIN
  UPDATE timeline_entry SET person_id = new.person_id WHERE case_id = new.id;
END;
CREATE TRIGGER timeline_case_delete AFTER DELETE ON case_file BEGIN
  DELETE FROM timeline_entry WHERE case_id = old.id;
END;

-- Full-text search over person names and note text (FTS4; SQLite 3.15 has no FTS5).
CREATE VIRTUAL TABLE person_fts USING fts4(name, address, tokenize=unicode61);
-- External content: the index reads note text from case_note itself, so the text is
-- not stored twice.
CREATE VIRTUAL TABLE note_fts USING fts4(content='case_note', body, tokenize=unicode61);
-- Merge index segments a little at a time: without it, every 4,096th note save
-- pays for one large merge (50-350 ms here, seconds on a slow tablet, growing 16x
-- each level).
INSERT INTO note_fts(note_fts) VALUES ('automerge=8');
INSERT INTO person_fts(person_fts) VALUES ('automerge=8');

CREATE TRIGGER person_fts_insert AFTER INSERT ON person BEGIN
  INSERT INTO person_fts(docid, name, address) VALUES (new.rowid, new.name, coalesce(new.address, ''));
END;
CREATE TRIGGER person_fts_update AFTER UPDATE OF name, address ON person BEGIN
  UPDATE person_fts SET name = new.name, address = coalesce(new.address, '') WHERE docid = old.rowid;
END;
CREATE TRIGGER person_fts_delete AFTER DELETE ON person BEGIN
  DELETE FROM person_fts WHERE docid = old.rowid;
END;
CREATE TRIGGER note_fts_insert AFTER INSERT ON case_note BEGIN
  INSERT INTO note_fts(docid, body) VALUES (new.rowid, new.body);
END;
-- With external content, FTS4 reads the old text from case_note to unindex it, so the
-- delete must run BEFORE the row changes (the FTS4 documentation's pattern).
CREATE TRIGGER note_fts_before_update BEFORE UPDATE OF body ON case_note BEGIN
  DELETE FROM note_fts WHERE docid = old.rowid;
END;
CREATE TRIGGER note_fts_update AFTER UPDATE OF body ON case_note BEGIN
  INSERT INTO note_fts(docid, body) VALUES (new.rowid, new.body);
END;
CREATE TRIGGER note_fts_delete BEFORE DELETE ON case_note BEGIN
  DELETE FROM note_fts WHERE docid = old.rowid;
END;
)SQL";

// Migration 2: the timeline and full-text indexes of newly inserted rows are no longer
// kept by per-row triggers but caught up once per write transaction, set-based
// (derived_index.cpp). Per-row triggers cost about 40 us a row, and each trigger opens
// a statement savepoint at which FTS4 flushes its pending terms as a new segment, so a
// pulled page of 2,000 notes wrote 2,000 tiny segments. Rows up to
// meta 'indexed.<table>' are indexed; update and delete triggers still act at once,
// on indexed rows only. Deleting the highest rows lowers the mark, so a reused rowid
// is never mistaken for an indexed one.
#define INDEXED(TABLE) "coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed." TABLE "'), 0)"
#define INDEXED_MARK(TABLE)                                                                      \
  "INSERT OR REPLACE INTO meta(key, value) SELECT 'indexed." TABLE "', coalesce(max(rowid), 0) FROM " TABLE ";\n" \
  "CREATE TRIGGER indexed_" TABLE "_delete AFTER DELETE ON " TABLE " BEGIN\n"                          \
  "  UPDATE meta SET value = (SELECT coalesce(max(rowid), 0) FROM " TABLE ")\n"                     \
  "  WHERE key = 'indexed." TABLE "' AND CAST(value AS INTEGER) > (SELECT coalesce(max(rowid), 0) FROM " TABLE ");\n" \
  "END;\n"

const char* kMigration2 = R"SQL(
DROP TRIGGER timeline_case_note_insert;
DROP TRIGGER timeline_visit_insert;
DROP TRIGGER timeline_task_completion_insert;
DROP TRIGGER timeline_field_report_insert;
DROP TRIGGER note_fts_insert;
DROP TRIGGER person_fts_insert;
DROP TRIGGER note_fts_before_update;
DROP TRIGGER note_fts_update;
DROP TRIGGER note_fts_delete;
CREATE TRIGGER note_fts_before_update BEFORE UPDATE OF body ON case_note
WHEN old.rowid <= )SQL" INDEXED("case_note") R"SQL( BEGIN
  DELETE FROM note_fts WHERE docid = old.rowid;
END;
CREATE TRIGGER note_fts_update AFTER UPDATE OF body ON case_note
WHEN new.rowid <= )SQL" INDEXED("case_note") R"SQL( BEGIN
  INSERT INTO note_fts(docid, body) VALUES (new.rowid, new.body);
END;
CREATE TRIGGER note_fts_delete BEFORE DELETE ON case_note
WHEN old.rowid <= )SQL" INDEXED("case_note") R"SQL( BEGIN
  DELETE FROM note_fts WHERE docid = old.rowid;
END;
)SQL" INDEXED_MARK("case_note") INDEXED_MARK("visit") INDEXED_MARK("task_completion")
    INDEXED_MARK("field_report") INDEXED_MARK("person");

// Migration 3: forms (docs/design.md, "Forms"). Published definitions (every version the
// device has received: a draft started on one is finished on it), submissions (synced,
// immutable, on the timeline as kind "form") and drafts (local-only, the session's
// to_draft() JSON). New submissions reach the timeline through the catch-up of
// derived_index.cpp, as migration 2 does for the other kinds; updates and deletes
// through the triggers below.
#define TIMELINE_CHANGE_TRIGGERS(KIND, TABLE, AT)                                           \
  "CREATE TRIGGER timeline_" TABLE "_update AFTER UPDATE ON " TABLE " BEGIN\n"               \
  "  DELETE FROM timeline_entry WHERE kind = '" KIND "' AND id = old.id;\n"                 \
  TIMELINE_ROW(KIND, AT) "END;\n"                                                          \
  "CREATE TRIGGER timeline_" TABLE "_delete AFTER DELETE ON " TABLE " BEGIN\n"               \
  "  DELETE FROM timeline_entry WHERE kind = '" KIND "' AND id = old.id;\n"                 \
  "END;\n"

const char* kMigration3 = R"SQL(
CREATE TABLE form_definition (
  )SQL" RECORD_COLUMNS R"SQL(,
  form_id TEXT NOT NULL, version INTEGER NOT NULL, title TEXT NOT NULL, definition TEXT NOT NULL,
  published_at TEXT);
CREATE INDEX form_definition_form ON form_definition(form_id, version);

CREATE TABLE form_submission (
  )SQL" RECORD_COLUMNS R"SQL(,
  case_id TEXT NOT NULL )SQL" CASE_REF R"SQL(,
  form_id TEXT NOT NULL, form_version INTEGER NOT NULL, answers TEXT NOT NULL,
  submitted_at TEXT NOT NULL, submitted_by TEXT NOT NULL);
CREATE INDEX form_submission_case ON form_submission(case_id, submitted_at);

CREATE TABLE form_draft (
  )SQL" RECORD_COLUMNS R"SQL(,
  case_id TEXT NOT NULL )SQL" CASE_REF R"SQL(,
  form_id TEXT NOT NULL, form_version INTEGER NOT NULL, draft TEXT NOT NULL,
  started_at TEXT NOT NULL, saved_at TEXT NOT NULL, author TEXT NOT NULL);
CREATE INDEX form_draft_case ON form_draft(case_id);
)SQL" TIMELINE_CHANGE_TRIGGERS("form", "form_submission", "new.submitted_at") INDEXED_MARK("form_submission");

const std::vector<const char*> kMigrations = {kMigration1, kMigration2, kMigration3};

}  // namespace

Status migrate(db::Database& db) {
  static_assert(kSchemaVersion == 3, "kMigrations and kSchemaVersion must agree");
  auto v = db.pragma("PRAGMA user_version");
  if (!v) return v.error();
  const int current = std::stoi(v->empty() ? "0" : *v);
  if (current > static_cast<int>(kMigrations.size()))
    return make_error(ErrorDomain::store, ErrorCode::corrupt,
                      "the store was written by a newer Doorstep (schema " + std::to_string(current) +
                          "); this build knows schema " + std::to_string(kMigrations.size()));
  for (int next = current + 1; next <= static_cast<int>(kMigrations.size()); ++next) {
    db::Transaction tx(db);
    DOORSTEP_TRY(tx.begin());
    DOORSTEP_TRY(db.exec(kMigrations[static_cast<std::size_t>(next - 1)]));
    DOORSTEP_TRY(db.exec("PRAGMA user_version = " + std::to_string(next)));
    DOORSTEP_TRY(tx.commit());
  }
  return {};
}

}  // namespace doorstep::store
