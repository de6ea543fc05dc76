#include "hub/blobs.h"

#include "hub/office_scope.h"

#include <sodium.h>

#include "doorstep/protocol/messages.h"
#include "hub/record_rules.h"
#include "hub/scope.h"

namespace doorstep::server {

namespace {

constexpr std::size_t kChunkBytes = 256u << 10;

Error invalid(const std::string& msg) { return make_error(ErrorDomain::input, ErrorCode::invalid_argument, msg); }

}  // namespace

Result<BlobStatus> Blobs::put(const std::string& sha, std::int64_t offset, std::int64_t total, const std::string& data) {
  if (!is_sha256_hex(sha)) return invalid("a blob is named by 64 lower-case hex digits of its SHA-256");
  if (total <= 0) return invalid("X-Blob-Size must be the blob's whole size in bytes");
  if (total > protocol::kMaxBlobBytes) return make_error(ErrorDomain::input, ErrorCode::too_large, "the blob is larger than 64 MiB");
  if (offset < 0) return invalid("offset must not be negative");

  auto lease = hub_.pool().lease();
  if (!lease) return lease.error();
  SqlBackend& db = **lease;
  Transaction tx(db);
  DOORSTEP_TRY(tx.begin(TxMode::write));
  auto rows = db.query("SELECT size, received, complete FROM blob WHERE sha256 = ?", {sha});
  if (!rows) return rows.error();
  std::int64_t received = 0;
  if (!rows->empty()) {
    const auto& r = rows->front();
    if (r.integer(2) != 0) return BlobStatus{r.integer(0), true};  // already here: nothing to do
    if (r.integer(0) != total) return invalid("X-Blob-Size differs from the upload in progress");
    received = r.integer(1);
  }
  if (offset != received)
    return make_error(ErrorDomain::server, ErrorCode::conflict, "offset must equal the bytes already received");
  if (received + static_cast<std::int64_t>(data.size()) > total) return invalid("more data than X-Blob-Size");
  const std::string now = hub_.hlc().timestamp();
  if (rows->empty()) {
    auto ins = db.exec("INSERT INTO blob (sha256, size, received, complete, created_at) VALUES (?, ?, 0, 0, ?)",
                       {sha, total, now});
    if (!ins) return ins.error();
  }
  for (std::size_t at = 0; at < data.size(); at += kChunkBytes) {
    auto ins = db.exec("INSERT INTO blob_chunk (sha256, start_at, data) VALUES (?, ?, ?)",
                       {sha, received + static_cast<std::int64_t>(at), Bytes{data.substr(at, kChunkBytes)}});
    if (!ins) return ins.error();
  }
  received += static_cast<std::int64_t>(data.size());
  bool complete = false;
  if (received == total) {
    // Verify the whole blob, chunk by chunk.
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    std::int64_t next = 0;
    for (;;) {
      auto chunk = db.query("SELECT start_at, data FROM blob_chunk WHERE sha256 = ? AND start_at >= ? ORDER BY start_at LIMIT 1",
                            {sha, next});
      if (!chunk) return chunk.error();
      if (chunk->empty()) break;
      const std::string& bytes = chunk->front().bytes(1);
      crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
      next = chunk->front().integer(0) + static_cast<std::int64_t>(bytes.size());
    }
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, h);
    char hex[2 * sizeof h + 1];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    if (std::string(hex, 2 * sizeof h) != sha) {
      auto d1 = db.exec("DELETE FROM blob_chunk WHERE sha256 = ?", {sha});
      if (!d1) return d1.error();
      auto d2 = db.exec("DELETE FROM blob WHERE sha256 = ?", {sha});
      if (!d2) return d2.error();
      DOORSTEP_TRY(tx.commit());
      return make_error(ErrorDomain::input, ErrorCode::corrupt,
                        "the uploaded bytes do not match the SHA-256; the upload was discarded");
    }
    complete = true;
  }
  auto up = db.exec("UPDATE blob SET received = ?, complete = ? WHERE sha256 = ?",
                    {received, std::int64_t{complete ? 1 : 0}, sha});
  if (!up) return up.error();
  DOORSTEP_TRY(tx.commit());
  hub_.metrics().count_blob_bytes("received", static_cast<std::int64_t>(data.size()));
  return BlobStatus{received, complete};
}

Result<BlobStatus> Blobs::status(const std::string& sha) {
  if (!is_sha256_hex(sha)) return invalid("a blob is named by 64 lower-case hex digits of its SHA-256");
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  auto rows = (*db)->query("SELECT received, complete FROM blob WHERE sha256 = ?", {sha});
  if (!rows) return rows.error();
  if (rows->empty()) return BlobStatus{};
  return BlobStatus{rows->front().integer(0), rows->front().integer(1) != 0};
}

Result<bool> Blobs::office_may_read(const OfficeCaller& caller, const std::string& sha) {
  if (caller.role == Role::admin) return true;
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  auto rows = (*db)->query("SELECT id FROM record WHERE type = 'attachment' AND blob_sha256 = ? AND deleted = 0", {sha});
  if (!rows) return rows.error();
  for (const auto& r : *rows) {
    auto teams = record_teams(**db, "attachment", r.text(0));
    if (!teams) return teams.error();
    if (*teams && covers_any(caller, **teams)) return true;
  }
  return false;
}

Result<bool> Blobs::may_read(const AccessClaims& caller, const std::string& sha) {
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  SqlParams params{sha};
  for (auto& p : scope_params(caller.user)) params.push_back(p);
  auto rows = (*db)->query(std::string("SELECT 1 FROM record r WHERE r.type = 'attachment' AND r.blob_sha256 = ?"
                                       " AND r.deleted = 0 AND ") +
                               scope_condition(),
                           params);
  if (!rows) return rows.error();
  return !rows->empty();
}

Result<std::optional<std::int64_t>> Blobs::size(const std::string& sha) {
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  auto rows = (*db)->query("SELECT size FROM blob WHERE sha256 = ? AND complete = 1", {sha});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(rows->front().integer(0));
}

Result<std::string> Blobs::read(const std::string& sha, std::int64_t first, std::int64_t last) {
  auto db = hub_.pool().lease();
  if (!db) return db.error();
  const std::int64_t from_chunk = first - static_cast<std::int64_t>(kChunkBytes) + 1;
  auto rows = (*db)->query(
      "SELECT start_at, data FROM blob_chunk WHERE sha256 = ? AND start_at >= ? AND start_at <= ? ORDER BY start_at",
      {sha, from_chunk, last});
  if (!rows) return rows.error();
  std::string out;
  out.reserve(static_cast<std::size_t>(last - first + 1));
  for (const auto& r : *rows) {
    const std::int64_t start = r.integer(0);
    const std::string& bytes = r.bytes(1);
    const std::int64_t end = start + static_cast<std::int64_t>(bytes.size()) - 1;
    if (end < first || start > last) continue;
    const std::int64_t a = std::max(first, start), b = std::min(last, end);
    out.append(bytes, static_cast<std::size_t>(a - start), static_cast<std::size_t>(b - a + 1));
  }
  if (static_cast<std::int64_t>(out.size()) != last - first + 1)
    return make_error(ErrorDomain::store, ErrorCode::corrupt, "a stored blob is missing chunks");
  hub_.metrics().count_blob_bytes("sent", static_cast<std::int64_t>(out.size()));
  return out;
}

}  // namespace doorstep::server
