#include "hub/stored_fields.h"

#include <simdjson.h>

namespace doorstep::server {

// The DOM parser: its parsing stages are chosen for the CPU at run time (on-demand
// code is compiled into the caller, for the baseline CPU), and it checks the whole
// text, so a damaged row never takes this path.
struct StoredFieldsReader::Parser {
  simdjson::dom::parser parser;
};

StoredFieldsReader::StoredFieldsReader() : parser_(std::make_unique<Parser>()) {}
StoredFieldsReader::~StoredFieldsReader() = default;

namespace {

// The schema position of a field name, or -1.
int position(const RecordType& type, std::string_view name) {
  for (std::size_t i = 0; i < type.fields.size(); ++i)
    if (type.fields[i].name == name) return static_cast<int>(i);
  return -1;
}

}  // namespace

bool StoredFieldsReader::read(const std::string& fields_json, const RecordType& type, std::vector<Value>& out) {
  out.assign(type.fields.size(), Value{});
  padded_.assign(fields_json);
  padded_.resize(fields_json.size() + simdjson::SIMDJSON_PADDING);
  simdjson::dom::object object;
  if (parser_->parser.parse(padded_.data(), fields_json.size(), false).get_object().get(object)) return false;
  for (auto [name, v] : object) {
    const int at = position(type, name);
    if (at < 0) return false;
    Value& slot = out[static_cast<std::size_t>(at)];
    const FieldType want = type.fields[static_cast<std::size_t>(at)].type;
    switch (v.type()) {
      case simdjson::dom::element_type::NULL_VALUE: slot = Value{Value::null, {}, 0}; break;
      case simdjson::dom::element_type::STRING:
        if (want != FieldType::text && want != FieldType::timestamp) return false;
        slot = Value{Value::text, v.get_string().value_unsafe(), 0};
        break;
      case simdjson::dom::element_type::INT64:
        if (want != FieldType::integer) return false;
        slot = Value{Value::integer, {}, v.get_int64().value_unsafe()};
        break;
      default: return false;
    }
  }
  return true;
}

}  // namespace doorstep::server
