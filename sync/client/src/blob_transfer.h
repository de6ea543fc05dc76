// BlobTransfer: attachments up before the operations that reference them (resumable
// from the server's offset, plaintext streamed from the encrypted blob store, never
// written to disk) and down for the caseload (verified by SHA-256, size-capped).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "doorstep/core/store.h"
#include "session.h"

namespace doorstep::client {

class BlobTransfer {
 public:
  BlobTransfer(Store& store, Session& session) : store_(store), session_(session) {}

  // Uploads the blob unless the server already has all of it. Returns bytes sent.
  // A retiring device, which the hub does not answer the status, sends from the start.
  Result<std::int64_t> upload(const std::string& sha256, std::int64_t size);
  // Downloads every attachment in the store whose blob is not on the device.
  // Returns the number fetched; bytes are added to *bytes.
  Result<std::int64_t> fetch_missing(std::int64_t* bytes);

 private:
  // Sends the blob from byte received on. A 409 from the hub sets *hub_has to the
  // bytes it holds.
  Result<std::int64_t> send_from(const std::string& sha256, std::int64_t size, std::int64_t received,
                                 std::optional<std::int64_t>* hub_has);
  Store& store_;
  Session& session_;
};

}  // namespace doorstep::client
