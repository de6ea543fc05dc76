#include "blob_transfer.h"

#include "doorstep/core/blob_store.h"
#include "doorstep/protocol/messages.h"

namespace doorstep::client {

namespace {
constexpr std::size_t kUploadChunk = 1 << 20;  // bytes per PUT
}

Result<std::int64_t> BlobTransfer::upload(const std::string& sha, std::int64_t size) {
  auto status = session_.call_json({"GET", "/v1/blobs/" + sha + "/status", "", {}});
  std::int64_t received = 0;
  if (status) {
    const auto& j = *status;
    if (!j.is_object()) return make_error(ErrorDomain::sync, ErrorCode::invalid_argument, "malformed blob status");
    if (j.contains("complete") && j["complete"].is_boolean() && j["complete"].get<bool>()) return std::int64_t{0};
    if (j.contains("received") && j["received"].is_number_integer()) received = j["received"].get<std::int64_t>();
  } else if (status.error().code == ErrorCode::erased && session_.retire_requested()) {
    // A retiring device may not read from the hub (410 "retired"), but its uploads are
    // taken: send from the start, and the hub says where it is if it holds a part.
  } else if (status.error().code != ErrorCode::not_found) {
    return status.error();
  }
  if (received < 0 || received > size) received = 0;
  // A hub that holds a different part than expected (another upload of the same
  // photo, a status not asked) answers 409 with what it holds: start again from there.
  for (int attempt = 0;; ++attempt) {
    std::optional<std::int64_t> hub_has;
    auto sent = send_from(sha, size, received, &hub_has);
    if (sent || !hub_has || attempt >= 2 || *hub_has < 0 || *hub_has > size) return sent;
    received = *hub_has;
  }
}

Result<std::int64_t> BlobTransfer::send_from(const std::string& sha, std::int64_t size, std::int64_t received,
                                             std::optional<std::int64_t>* hub_has) {
  // Stream the decrypted content, sending 1 MiB pieces from the server's offset.
  std::int64_t offset = 0, sent = 0;
  std::string piece;
  Status st = store_.blobs().read(sha, [&](const std::string& chunk) -> Status {
    std::size_t start = 0;
    if (offset + static_cast<std::int64_t>(chunk.size()) <= received) {
      offset += static_cast<std::int64_t>(chunk.size());
      return {};
    }
    if (offset < received) start = static_cast<std::size_t>(received - offset);
    piece.append(chunk, start, std::string::npos);
    offset += static_cast<std::int64_t>(chunk.size());
    if (piece.size() >= kUploadChunk || offset == size) {
      const std::int64_t at = received + sent;
      HttpResponse refused;
      auto r = session_.call({"PUT", "/v1/blobs/" + sha + "?offset=" + std::to_string(at), piece,
                              {{"Content-Type", "application/octet-stream"}, {"X-Blob-Size", std::to_string(size)}}},
                             &refused);
      if (!r) {
        if (r.error().code == ErrorCode::conflict && refused.status == 409) {
          auto j = protocol::parse_json_text(refused.body, 64 * 1024);
          if (j && j->is_object() && j->contains("received") && (*j)["received"].is_number_integer())
            *hub_has = (*j)["received"].get<std::int64_t>();
        }
        return r.error();
      }
      // A retired device's uploads still work; the answer may say so, as a push's does.
      auto j = protocol::parse_json_text(r->body, 64 * 1024);
      if (j && j->is_object() && j->contains("retire") && (*j)["retire"].is_boolean() && (*j)["retire"].get<bool>())
        session_.note_retire();
      sent += static_cast<std::int64_t>(piece.size());
      piece.clear();
    }
    return {};
  });
  if (!st.ok()) return st.error();
  if (offset != size || !piece.empty())
    return make_error(ErrorDomain::store, ErrorCode::corrupt,
                      "attachment " + sha.substr(0, 12) + " does not have the size its record states");
  return sent;
}

Result<std::int64_t> BlobTransfer::fetch_missing(std::int64_t* bytes) {
  auto attachments = store_.list("attachment", "", "", 1'000'000);
  if (!attachments) return attachments.error();
  std::int64_t fetched = 0;
  for (const auto& a : *attachments) {
    const std::string sha = a.text("sha256");
    if (a.deleted || store_.blobs().contains(sha)) continue;
    if (a.integer("size_bytes").value_or(0) > protocol::kMaxBlobBytes) continue;  // too big to prefetch
    auto r = session_.call({"GET", "/v1/blobs/" + sha, "", {}});
    if (!r) {
      // No connection or credentials: stop the pass. Anything else concerns this blob
      // only (not uploaded yet by its author, refused, damaged): try it next time.
      if (stops_pass(r.error())) return r.error();
      continue;
    }
    auto stored = store_.blobs().import_bytes(r->body, sha);
    if (!stored) {
      if (stored.error().code == ErrorCode::corrupt) continue;  // wrong content: discarded, fetched again later
      return stored.error();
    }
    if (bytes) *bytes += static_cast<std::int64_t>(r->body.size());
    ++fetched;
  }
  return fetched;
}

}  // namespace doorstep::client
