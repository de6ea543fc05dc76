// Generic SQL for any record type, built once from the schema (schema.h).
// Private to core; not thread-safe beyond the Database it is given.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "../db/database.h"
#include "doorstep/core/record.h"
#include "doorstep/core/schema.h"

namespace doorstep::store {

// "id, rev, hlc, deleted, <fields in schema order>"
const std::string& column_list(const RecordType& rt);
// Reads a record from a statement whose first columns are column_list(rt), at offset.
Record row_to_record(const RecordType& rt, const db::Statement& st, int offset = 0);

// Steps a bound statement whose columns are column_list(rt) and collects every row.
Result<std::vector<Record>> collect_records(const RecordType& rt, db::Statement& st);

Result<std::optional<Record>> read_record(db::Database& db, const RecordType& rt, const std::string& id);
Result<std::vector<Record>> read_records(db::Database& db, const RecordType& rt, const std::string& where_field,
                                         const std::string& equals, std::int64_t limit);
// Inserts, or replaces every column of, the row with record.id (UPDATE, then INSERT
// if absent: INSERT OR REPLACE would fire ON DELETE CASCADE on the record's children).
Status write_record(db::Database& db, const RecordType& rt, const Record& record);
Status delete_record(db::Database& db, const RecordType& rt, const std::string& id);

// Checks values against the schema: known fields, SQL type, UTF-8 text.
Status check_fields(const RecordType& rt, const Fields& fields);

}  // namespace doorstep::store
