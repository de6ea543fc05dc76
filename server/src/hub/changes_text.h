// Changes page text: the body of GET /v1/sync/changes written straight from record
// rows into one string, in the wire form of protocol::to_json(ChangesResponse)
// (docs/api.md), without building a Record or a JSON tree per row. Building and
// dumping those trees was most of the hub's time in a first sync (sync_bench).
// One writer per page; not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "doorstep/core/result.h"
#include "hub/stored_fields.h"
#include "storage/sql_backend.h"

namespace doorstep::server {

class ChangesText {
 public:
  ChangesText();

  // One record entry from a row read with kRecordColumns (record_rows.h). seq is the
  // entry's sequence number; changed_since_base, when not empty, is sent with it.
  // store/corrupt when the stored record is damaged (unknown type, fields that are
  // not an object or do not fit the schema), as row_to_stored() reports it.
  Status add_record(const SqlRow& row, std::int64_t seq, const std::vector<std::string>& changed_since_base = {});
  void add_revocation(std::int64_t seq, const std::string& case_id);

  std::size_t entries() const { return entries_; }
  std::size_t bytes() const { return text_.size(); }

  // Closes the page; the writer is empty afterwards.
  std::string finish(const std::string& cursor, bool more, const std::string& server_hlc, const std::string& epoch,
                     std::int64_t epoch_base);

 private:
  void begin_entry(std::int64_t seq);
  void begin_record(const SqlRow& row, std::int64_t seq);
  void end_record(const std::vector<std::string>& changed_since_base);
  // A row the fast reader leaves (stored_fields.h): a JSON tree, every check.
  Status add_record_in_full(const SqlRow& row, const RecordType& type, std::int64_t seq,
                            const std::vector<std::string>& changed_since_base);

  std::string text_;
  std::size_t entries_ = 0;
  StoredFieldsReader stored_;
  std::vector<StoredFieldsReader::Value> values_;
};

// Appends s as a JSON string (quoted, escaped; bytes that are not UTF-8 become
// U+FFFD, as nlohmann's dump with error_handler_t::replace writes them).
void append_json_string(std::string& out, std::string_view s);

}  // namespace doorstep::server
