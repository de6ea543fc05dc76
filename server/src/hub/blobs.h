// Blobs: attachment bytes, content-addressed by SHA-256, uploaded resumably before
// the records that reference them and served only to callers whose scope holds an
// attachment record referencing them (docs/design.md, "Sync").
//
// Kept in the database as chunks (blob_chunk) so one backend holds everything; a
// blob is complete once its declared size has arrived and its SHA-256 verified.
// Stateless over the Hub: thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hub/hub.h"
#include "hub/office_sessions.h"
#include "hub/tokens.h"

namespace doorstep::server {

struct BlobStatus {
  std::int64_t received = 0;
  bool complete = false;
};

struct BlobRange {
  std::int64_t first = 0;  // inclusive
  std::int64_t last = 0;   // inclusive
  std::int64_t total = 0;  // the blob's size
};

class Blobs {
 public:
  explicit Blobs(Hub& hub) : hub_(hub) {}

  // Appends data at offset. Errors: invalid_argument (bad sha256, size, or data past
  // the size); too_large (size over protocol::kMaxBlobBytes); conflict when offset is
  // not the bytes received so far (status() says how many); input/corrupt when the
  // complete data does not hash to sha256 (the upload is discarded).
  Result<BlobStatus> put(const std::string& sha256, std::int64_t offset, std::int64_t total, const std::string& data);
  Result<BlobStatus> status(const std::string& sha256);
  // Whether the caller may read the blob: the office always; a worker when an
  // attachment record in their scope references it.
  Result<bool> may_read(const AccessClaims& caller, const std::string& sha256);
  // An office caller: an admin any blob; a manager a blob an attachment of their teams names.
  Result<bool> office_may_read(const OfficeCaller& caller, const std::string& sha256);
  // The size of a complete blob; nullopt if absent or incomplete.
  Result<std::optional<std::int64_t>> size(const std::string& sha256);
  // Bytes [first, last] of a complete blob.
  Result<std::string> read(const std::string& sha256, std::int64_t first, std::int64_t last);

 private:
  Hub& hub_;
};

}  // namespace doorstep::server
