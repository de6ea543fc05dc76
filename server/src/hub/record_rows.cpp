#include "hub/record_rows.h"

#include <nlohmann/json.hpp>

#include "doorstep/core/json_fields.h"
#include "doorstep/core/schema.h"

namespace doorstep::server {

using nlohmann::json;

const char* const kRecordColumns =
    "r.type, r.id, r.rev, r.hlc, r.deleted, r.fields, r.stamps, "
    "r.case_id, r.person_id, r.worker, r.closed, r.author, r.blob_sha256";

namespace {

Error damaged(const std::string& what) {
  return make_error(ErrorDomain::store, ErrorCode::corrupt, "a stored record is damaged (" + what + ")");
}

json stamp_json(const protocol::FieldStamp& s) { return {{"rev", s.rev}, {"hlc", s.hlc}, {"author", s.author}}; }

protocol::FieldStamp stamp_from(const json& j) {
  protocol::FieldStamp s;
  if (!j.is_object()) return s;
  if (j.contains("rev") && j["rev"].is_number_integer()) s.rev = j["rev"].get<std::int64_t>();
  if (j.contains("hlc") && j["hlc"].is_string()) s.hlc = j["hlc"].get<std::string>();
  if (j.contains("author") && j["author"].is_string()) s.author = j["author"].get<std::string>();
  return s;
}

SqlValue text_or_null(const std::string& s) { return s.empty() ? SqlValue{} : SqlValue{s}; }

}  // namespace

std::string stamps_to_text(const protocol::ServerRecord& r) {
  json fields = json::object();
  for (const auto& [name, stamp] : r.stamps) fields[name] = stamp_json(stamp);
  return json{{"fields", fields}, {"deleted", stamp_json(r.deleted_stamp)}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

Result<StoredRecord> row_to_stored(const SqlRow& row, bool with_stamps) {
  StoredRecord out;
  Record& r = out.state.record;
  r.type = row.text(0);
  r.id = row.text(1);
  r.rev = row.integer(2);
  r.hlc = row.text(3);
  r.deleted = row.integer(4) != 0;
  const RecordType* rt = find_record_type(r.type);
  if (rt == nullptr) return damaged("unknown type");
  const json fields = json::parse(row.text(5), nullptr, false);
  if (!fields.is_object()) return damaged("fields");
  for (const auto& spec : rt->fields) {
    const std::string name(spec.name);
    auto it = fields.find(name);
    if (it == fields.end()) {
      r.fields[name] = Value{};
      continue;
    }
    auto v = value_from_json(spec, *it);
    if (!v) return damaged("field " + name);
    r.fields[name] = std::move(*v);
  }
  if (with_stamps) {
    const json stamps = json::parse(row.text(6), nullptr, false);
    if (!stamps.is_object()) return damaged("stamps");
    if (stamps.contains("fields") && stamps["fields"].is_object())
      for (const auto& [name, s] : stamps["fields"].items()) out.state.stamps[name] = stamp_from(s);
    if (stamps.contains("deleted")) out.state.deleted_stamp = stamp_from(stamps["deleted"]);
  }
  out.scope.case_id = row.text(7);
  out.scope.person_id = row.text(8);
  out.scope.worker = row.text(9);
  out.scope.closed = row.integer(10) != 0;
  out.scope.author = row.text(11);
  out.scope.blob_sha256 = row.text(12);
  return out;
}

Result<std::optional<StoredRecord>> load_record(SqlBackend& db, const std::string& type, const std::string& id) {
  auto rows = db.query(std::string("SELECT ") + kRecordColumns + " FROM record r WHERE r.type = ? AND r.id = ?",
                       {type, id});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<StoredRecord>();
  auto s = row_to_stored(rows->front());
  if (!s) return s.error();
  return std::optional<StoredRecord>(std::move(*s));
}

Status save_record(SqlBackend& db, const protocol::ServerRecord& state, const ScopeColumns& scope,
                   bool known_new) {
  const Record& r = state.record;
  const std::string fields = fields_to_json(r.fields);
  const std::string stamps = stamps_to_text(state);
  const std::int64_t deleted = r.deleted ? 1 : 0, closed = scope.closed ? 1 : 0;
  if (!known_new) {
    auto up = db.exec(
        "UPDATE record SET rev = ?, hlc = ?, deleted = ?, fields = ?, stamps = ?, case_id = ?, person_id = ?,"
        " worker = ?, closed = ?, author = ?, blob_sha256 = ? WHERE type = ? AND id = ?",
        {r.rev, r.hlc, deleted, fields, stamps, text_or_null(scope.case_id), text_or_null(scope.person_id),
         text_or_null(scope.worker), closed, text_or_null(scope.author), text_or_null(scope.blob_sha256), r.type, r.id});
    if (!up) return up.error();
    if (*up > 0) return {};
  }
  auto ins = db.exec(
      "INSERT INTO record (type, id, rev, hlc, deleted, fields, stamps, case_id, person_id, worker, closed, author,"
      " blob_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {r.type, r.id, r.rev, r.hlc, deleted, fields, stamps, text_or_null(scope.case_id), text_or_null(scope.person_id),
       text_or_null(scope.worker), closed, text_or_null(scope.author), text_or_null(scope.blob_sha256)});
  if (!ins) return ins.error();
  return {};
}

Result<std::int64_t> next_seq(SqlBackend& db) {
  // Outside a write transaction two instances could commit numbers out of order.
  if (!db.in_transaction())
    return make_error(ErrorDomain::store, ErrorCode::internal, "a sequence number outside a write transaction");
  if (db.has_returning()) {
    auto rows = db.query("UPDATE counter SET value = value + 1 WHERE name = 'seq' RETURNING value");
    if (!rows) return rows.error();
    if (rows->empty()) return make_error(ErrorDomain::store, ErrorCode::corrupt, "the sequence counter is missing");
    return rows->front().integer(0);
  }
  auto up = db.exec("UPDATE counter SET value = value + 1 WHERE name = 'seq'");
  if (!up) return up.error();
  return current_seq(db);
}

Result<std::int64_t> current_seq(SqlBackend& db) {
  auto rows = db.query("SELECT value FROM counter WHERE name = 'seq'");
  if (!rows) return rows.error();
  if (rows->empty()) return make_error(ErrorDomain::store, ErrorCode::corrupt, "the sequence counter is missing");
  return rows->front().integer(0);
}

Status rerev_record(SqlBackend& db, const std::string& type, const std::string& id) {
  auto seq = next_seq(db);
  if (!seq) return seq.error();
  auto up = db.exec("UPDATE record SET rev = ? WHERE type = ? AND id = ?", {*seq, type, id});
  if (!up) return up.error();
  return {};
}

}  // namespace doorstep::server
