// StoredFieldsReader: reads a stored record's `fields` object (as record_rows.cpp
// keeps it) for the changes page with simdjson's DOM parser, one reusable
// instance, instead of a JSON tree per row: that tree (a std::map and a string per
// field) was about a tenth of the hub's CPU in a first sync (sync_bench --peer).
// It covers what nearly every row holds: text, timestamps, whole numbers and nulls.
// Anything else (decimals, sets, a name the schema lacks, a value of the wrong kind,
// damage) answers false, and the caller reads the row the full way, which keeps its
// checks and messages. One reader per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "doorstep/core/schema.h"

namespace doorstep::server {

class StoredFieldsReader {
 public:
  struct Value {
    enum Kind { missing, null, text, integer } kind = missing;
    std::string_view string;  // unescaped, valid UTF-8; valid until the next read()
    std::int64_t number = 0;
  };

  StoredFieldsReader();
  ~StoredFieldsReader();
  StoredFieldsReader(const StoredFieldsReader&) = delete;
  StoredFieldsReader& operator=(const StoredFieldsReader&) = delete;

  // The values of `fields_json` in the order of type.fields; false when the row
  // holds something this reader leaves to the full reader (see above).
  bool read(const std::string& fields_json, const RecordType& type, std::vector<Value>& out);

 private:
  struct Parser;
  std::unique_ptr<Parser> parser_;
  std::string padded_;  // the row's text with the padding simdjson reads past its end
};

}  // namespace doorstep::server
