#include "hub/changes_text.h"

#include <simdjson.h>

#include <nlohmann/json.hpp>

#include "doorstep/core/schema.h"

namespace doorstep::server {

using nlohmann::json;

namespace {

Error damaged(const std::string& what) {
  return make_error(ErrorDomain::store, ErrorCode::corrupt, "a stored record is damaged (" + what + ")");
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// One stored field value (as record_rows.cpp keeps it) in its wire form: the checks
// of value_from_json(), and a set field's array text as an array (record_to_json()).
bool append_value(std::string& out, const FieldSpec& spec, const json& v) {
  if (v.is_null()) {
    out += "null";
    return true;
  }
  switch (spec.type) {
    case FieldType::text:
    case FieldType::timestamp:
      if (!v.is_string()) return false;
      append_json_string(out, v.get_ref<const std::string&>());
      return true;
    case FieldType::integer:
      if (!v.is_number_integer()) return false;
      out += std::to_string(v.get<std::int64_t>());
      return true;
    case FieldType::real:
      if (!v.is_number()) return false;
      out += dump(json(v.get<double>()));
      return true;
    case FieldType::text_set: {
      const json arr = v.is_string() ? json::parse(v.get_ref<const std::string&>(), nullptr, false) : v;
      if (!arr.is_array()) return false;
      for (const auto& e : arr)
        if (!e.is_string()) return false;
      out += dump(arr);
      return true;
    }
  }
  return false;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  const std::size_t start = out.size();
  out += '"';
  std::size_t run = 0;  // start of the bytes not yet copied that need no escape
  bool utf8_checked = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') continue;
    if (c >= 0x80) {  // not ASCII: valid UTF-8 is written as it is, as nlohmann writes it
      if (utf8_checked) continue;
      if (simdjson::validate_utf8(s.data(), s.size())) {
        utf8_checked = true;
        continue;
      }
      out.resize(start);  // nlohmann replaces what is not UTF-8
      out += dump(json(std::string(s)));
      return;
    }
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        static const char* hex = "0123456789abcdef";
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

ChangesText::ChangesText() { text_ = "{\"entries\":["; }

void ChangesText::begin_entry(std::int64_t seq) {
  if (entries_++ > 0) text_ += ',';
  text_ += "{\"seq\":";
  text_ += std::to_string(seq);
}

Status ChangesText::add_record(const SqlRow& row, std::int64_t seq, const std::vector<std::string>& changed_since_base) {
  const std::string& type = row.bytes(0);
  const RecordType* rt = find_record_type(type);
  if (rt == nullptr) return damaged("unknown type");
  if (!stored_.read(row.bytes(5), *rt, values_)) return add_record_in_full(row, *rt, seq, changed_since_base);
  begin_record(row, seq);
  for (std::size_t i = 0; i < rt->fields.size(); ++i) {
    if (i > 0) text_ += ',';
    append_json_string(text_, rt->fields[i].name);
    text_ += ':';
    const StoredFieldsReader::Value& v = values_[i];
    switch (v.kind) {
      case StoredFieldsReader::Value::missing:
      case StoredFieldsReader::Value::null: text_ += "null"; break;
      case StoredFieldsReader::Value::text: append_json_string(text_, v.string); break;
      case StoredFieldsReader::Value::integer: text_ += std::to_string(v.number); break;
    }
  }
  end_record(changed_since_base);
  return {};
}

void ChangesText::begin_record(const SqlRow& row, std::int64_t seq) {
  begin_entry(seq);
  text_ += ",\"record\":{\"type\":";
  append_json_string(text_, row.bytes(0));
  text_ += ",\"id\":";
  append_json_string(text_, row.bytes(1));
  text_ += ",\"rev\":";
  text_ += std::to_string(row.integer(2));
  text_ += ",\"hlc\":";
  append_json_string(text_, row.bytes(3));
  text_ += row.integer(4) != 0 ? ",\"deleted\":true,\"fields\":{" : ",\"deleted\":false,\"fields\":{";
}

void ChangesText::end_record(const std::vector<std::string>& changed_since_base) {
  text_ += "}}";
  if (!changed_since_base.empty()) {
    text_ += ",\"changed_since_base\":[";
    for (std::size_t i = 0; i < changed_since_base.size(); ++i) {
      if (i > 0) text_ += ',';
      append_json_string(text_, changed_since_base[i]);
    }
    text_ += ']';
  }
  text_ += '}';
}

Status ChangesText::add_record_in_full(const SqlRow& row, const RecordType& type, std::int64_t seq,
                                       const std::vector<std::string>& changed_since_base) {
  const RecordType* rt = &type;
  const json fields = json::parse(row.bytes(5), nullptr, false);
  if (!fields.is_object()) return damaged("fields");
  const std::size_t start = text_.size();
  const std::size_t count = entries_;
  begin_record(row, seq);
  bool first = true;
  for (const auto& spec : rt->fields) {
    if (!first) text_ += ',';
    first = false;
    append_json_string(text_, spec.name);
    text_ += ':';
    auto it = fields.find(std::string(spec.name));
    if (it == fields.end()) {
      text_ += "null";
    } else if (!append_value(text_, spec, *it)) {
      text_.resize(start);
      entries_ = count;
      return damaged("field " + std::string(spec.name));
    }
  }
  end_record(changed_since_base);
  return {};
}

void ChangesText::add_revocation(std::int64_t seq, const std::string& case_id) {
  begin_entry(seq);
  text_ += ",\"revoke_case\":";
  append_json_string(text_, case_id);
  text_ += '}';
}

std::string ChangesText::finish(const std::string& cursor, bool more, const std::string& server_hlc,
                                const std::string& epoch, std::int64_t epoch_base) {
  text_ += "],\"cursor\":";
  append_json_string(text_, cursor);
  text_ += more ? ",\"more\":true,\"server_hlc\":" : ",\"more\":false,\"server_hlc\":";
  append_json_string(text_, server_hlc);
  text_ += ",\"epoch\":";
  append_json_string(text_, epoch);
  text_ += ",\"epoch_base\":";
  text_ += std::to_string(epoch_base);
  text_ += '}';
  std::string out = std::move(text_);
  text_ = "{\"entries\":[";
  entries_ = 0;
  return out;
}

}  // namespace doorstep::server
