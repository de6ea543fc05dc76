// Record: one synced row of any type, generic over the schema (schema.h).
// Value types; safe to copy and move between threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>

namespace doorstep {

// A field's value. Timestamps and lists are text (ISO 8601; a JSON array).
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;
using Fields = std::map<std::string, Value>;

struct Record {
  std::string type;     // schema name: "person", "case", "case_note", ...
  std::string id;       // UUID, minted where the record was created
  std::int64_t rev = 0; // server revision this state reflects; 0 = never seen by the server
  std::string hlc;      // Hlc::encode() of the last change
  bool deleted = false; // deletes are soft
  Fields fields;        // every schema field; null (monostate) when unset

  // Convenience readers: empty / nullopt when the field is null or of another type.
  std::string text(const std::string& name) const;
  std::optional<std::int64_t> integer(const std::string& name) const;
  std::optional<double> real(const std::string& name) const;
  bool is_null(const std::string& name) const;
};

// JSON rendering of values and field maps, shared by the outbox, the CLI and the wire.
std::string fields_to_json(const Fields& fields);

}  // namespace doorstep
