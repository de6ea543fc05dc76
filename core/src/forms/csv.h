// Private to the forms loader: a small RFC 4180 CSV reader for XLSForm sheets saved as
// CSV. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "doorstep/core/result.h"

namespace doorstep::forms {

struct CsvRecord {
  int line = 0;  // 1-based line where the record starts (differs from the record
                 // number when an earlier quoted field spans lines)
  std::vector<std::string> fields;
};

// Reads every record. Accepts a UTF-8 byte order mark, CRLF, LF or CR line ends,
// quoted fields with embedded commas, quotes ("") and line breaks, and a last line with
// or without a line end. A bare '"' inside an unquoted field is kept as text.
// Errors (input/invalid_argument, naming the record): an unterminated quoted field; text
// after a closing quote; a field over max_field bytes; more than max_records records.
Result<std::vector<CsvRecord>> read_csv(std::string_view text, std::size_t max_field,
                                        std::size_t max_records);

}  // namespace doorstep::forms
