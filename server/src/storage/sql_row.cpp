#include <charconv>

#include "storage/sql_backend.h"

namespace doorstep::server {

std::string SqlRow::text(std::size_t i) const {
  const SqlValue& v = values_.at(i);
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* b = std::get_if<Bytes>(&v)) return b->data;
  if (auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  if (auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  return {};
}

std::int64_t SqlRow::integer(std::size_t i) const {
  const SqlValue& v = values_.at(i);
  if (auto* n = std::get_if<std::int64_t>(&v)) return *n;
  if (auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  if (auto* s = std::get_if<std::string>(&v)) {
    std::int64_t out = 0;
    std::from_chars(s->data(), s->data() + s->size(), out);
    return out;
  }
  return 0;
}

const std::string& SqlRow::bytes(std::size_t i) const {
  static const std::string empty;
  const SqlValue& v = values_.at(i);
  if (auto* b = std::get_if<Bytes>(&v)) return b->data;
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  return empty;
}

}  // namespace doorstep::server
