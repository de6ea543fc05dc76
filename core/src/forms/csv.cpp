// RFC 4180 CSV reading for XLSForm sheets.
#include "forms/csv.h"

namespace doorstep::forms {
namespace {

Error csv_error(std::size_t record, const std::string& what) {
  return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                    "CSV row " + std::to_string(record) + ": " + what);
}

}  // namespace

Result<std::vector<CsvRecord>> read_csv(std::string_view s, std::size_t max_field,
                                        std::size_t max_records) {
  if (s.size() >= 3 && s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  std::vector<CsvRecord> out;
  std::size_t i = 0;
  int line = 1;
  while (i < s.size()) {
    if (out.size() >= max_records)
      return csv_error(out.size() + 1, "more than " + std::to_string(max_records) + " rows");
    CsvRecord rec;
    rec.line = line;
    std::size_t number = out.size() + 1;
    // One record: fields separated by ',' up to an unquoted line end or the input's end.
    for (;;) {
      std::string field;
      if (i < s.size() && s[i] == '"') {
        ++i;
        for (;;) {
          if (i >= s.size()) return csv_error(number, "a quoted cell is never closed");
          char c = s[i];
          if (c == '"') {
            if (i + 1 < s.size() && s[i + 1] == '"') {
              field.push_back('"');
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (c == '\n' || (c == '\r' && !(i + 1 < s.size() && s[i + 1] == '\n'))) ++line;
          field.push_back(c);
          ++i;
          if (field.size() > max_field)
            return csv_error(number, "a cell is longer than " + std::to_string(max_field) + " bytes");
        }
        if (i < s.size() && s[i] != ',' && s[i] != '\r' && s[i] != '\n')
          return csv_error(number, "text after a closing quote (write \"\" for a quote inside a quoted cell)");
      } else {
        while (i < s.size() && s[i] != ',' && s[i] != '\r' && s[i] != '\n') {
          field.push_back(s[i]);
          ++i;
          if (field.size() > max_field)
            return csv_error(number, "a cell is longer than " + std::to_string(max_field) + " bytes");
        }
      }
      rec.fields.push_back(std::move(field));
      if (i < s.size() && s[i] == ',') {
        ++i;
        continue;
      }
      // Line end (CRLF, LF or CR) or end of input closes the record.
      if (i < s.size() && s[i] == '\r') {
        ++i;
        if (i < s.size() && s[i] == '\n') ++i;
      } else if (i < s.size() && s[i] == '\n') {
        ++i;
      }
      ++line;
      break;
    }
    out.push_back(std::move(rec));
  }
  return out;
}

}  // namespace doorstep::forms
