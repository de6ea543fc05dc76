#include "record_sql.h"

#include <map>

#include "doorstep/core/store.h"

namespace doorstep::store {

namespace {

struct TypeSql {
  std::string columns, select_by_id, insert, update;
};

const TypeSql& sql_for(const RecordType& rt) {
  static const std::map<std::string_view, TypeSql> all = [] {
    std::map<std::string_view, TypeSql> m;
    for (const auto& t : record_types()) {
      TypeSql s;
      s.columns = "id, rev, hlc, deleted";
      std::string placeholders = "?, ?, ?, ?";
      std::string sets = "rev = ?2, hlc = ?3, deleted = ?4";
      int n = 4;
      for (const auto& f : t.fields) {
        ++n;
        s.columns += ", " + std::string(f.name);
        placeholders += ", ?";
        sets += ", " + std::string(f.name) + " = ?" + std::to_string(n);
      }
      s.select_by_id = "SELECT " + s.columns + " FROM " + std::string(t.table) + " WHERE id = ?";
      s.insert = "INSERT INTO " + std::string(t.table) + " (" + s.columns + ") VALUES (" + placeholders + ")";
      s.update = "UPDATE " + std::string(t.table) + " SET " + sets + " WHERE id = ?1";
      m.emplace(t.name, std::move(s));
    }
    return m;
  }();
  return all.at(rt.name);
}

void bind_record(db::Statement& st, const RecordType& rt, const Record& r) {
  st.bind(1, r.id).bind(2, r.rev).bind(3, r.hlc).bind(4, std::int64_t{r.deleted ? 1 : 0});
  int i = 5;
  for (const auto& f : rt.fields) {
    auto it = r.fields.find(std::string(f.name));
    if (it == r.fields.end()) st.bind_null(i);
    else st.bind(i, it->second);
    ++i;
  }
}

}  // namespace

const std::string& column_list(const RecordType& rt) { return sql_for(rt).columns; }

Record row_to_record(const RecordType& rt, const db::Statement& st, int o) {
  Record r;
  r.type = std::string(rt.name);
  r.id = st.text(o);
  r.rev = st.integer(o + 1);
  r.hlc = st.text(o + 2);
  r.deleted = st.integer(o + 3) != 0;
  int i = o + 4;
  for (const auto& f : rt.fields) r.fields.emplace(std::string(f.name), st.value(i++));
  return r;
}

Result<std::optional<Record>> read_record(db::Database& db, const RecordType& rt, const std::string& id) {
  auto st = db.prepare(sql_for(rt).select_by_id);
  if (!st) return st.error();
  (*st)->bind(1, id);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return std::optional<Record>{};
  Record r = row_to_record(rt, **st);
  (*st)->reset();
  return std::optional<Record>(std::move(r));
}

Result<std::vector<Record>> read_records(db::Database& db, const RecordType& rt, const std::string& where_field,
                                         const std::string& equals, std::int64_t limit) {
  std::string sql = "SELECT " + column_list(rt) + " FROM " + std::string(rt.table);
  if (!where_field.empty()) sql += " WHERE " + where_field + " = ?1";
  sql += " ORDER BY rowid LIMIT ?2";
  auto st = db.prepare(sql);
  if (!st) return st.error();
  if (!where_field.empty()) (*st)->bind(1, equals);
  (*st)->bind(2, limit);
  return collect_records(rt, **st);
}

Result<std::vector<Record>> collect_records(const RecordType& rt, db::Statement& st) {
  std::vector<Record> out;
  for (;;) {
    auto row = st.step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(row_to_record(rt, st));
  }
  return out;
}

Status write_record(db::Database& db, const RecordType& rt, const Record& r) {
  const auto& sql = sql_for(rt);
  auto up = db.prepare(sql.update);
  if (!up) return up.error();
  bind_record(**up, rt, r);
  DOORSTEP_TRY((*up)->run());
  if (db.changes() > 0) return {};
  auto ins = db.prepare(sql.insert);
  if (!ins) return ins.error();
  bind_record(**ins, rt, r);
  return (*ins)->run();
}

Status delete_record(db::Database& db, const RecordType& rt, const std::string& id) {
  auto st = db.prepare("DELETE FROM " + std::string(rt.table) + " WHERE id = ?");
  if (!st) return st.error();
  return (*st)->bind(1, id).run();
}

Status check_fields(const RecordType& rt, const Fields& fields) {
  for (const auto& [name, value] : fields) {
    const FieldSpec* f = rt.field(name);
    if (f == nullptr)
      return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                        std::string(rt.name) + " has no field \"" + name.substr(0, 64) + "\"");
    if (std::holds_alternative<std::monostate>(value)) continue;
    const bool is_text = std::holds_alternative<std::string>(value);
    bool ok = true;
    switch (f->type) {
      case FieldType::text:
      case FieldType::timestamp:
      case FieldType::text_set: ok = is_text; break;
      case FieldType::integer: ok = std::holds_alternative<std::int64_t>(value); break;
      case FieldType::real: ok = !is_text; break;
    }
    if (!ok)
      return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                        std::string(rt.name) + "." + name + " has the wrong type");
    if (is_text) DOORSTEP_TRY(check_utf8(std::get<std::string>(value), std::string(rt.name) + "." + name));
  }
  return {};
}

}  // namespace doorstep::store
