// PUT /v1/blobs/{sha256}?offset=N, GET /v1/blobs/{sha256}/status, GET /v1/blobs/{sha256}.
#include "doorstep/protocol/messages.h"
#include "http/auth.h"
#include "http/json_io.h"
#include "http/routes.h"
#include "hub/office_audit.h"
#include "hub/blobs.h"

namespace doorstep::server::http {

using nlohmann::json;

namespace {

// A non-negative decimal of at most 15 digits; nullopt otherwise.
std::optional<std::int64_t> decimal(const std::string& s) {
  if (s.empty() || s.size() > 15) return std::nullopt;
  std::int64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

// "bytes=a-b", "bytes=a-" or "bytes=-n" against total; nullopt when unsatisfiable
// or not a single range.
std::optional<BlobRange> parse_range(const std::string& h, std::int64_t total) {
  const std::string prefix = "bytes=";
  if (h.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  const std::string spec = h.substr(prefix.size());
  const auto dash = spec.find('-');
  if (dash == std::string::npos || spec.find(',') != std::string::npos) return std::nullopt;
  const std::string a = spec.substr(0, dash), b = spec.substr(dash + 1);
  BlobRange r{0, total - 1, total};
  if (a.empty()) {
    auto n = decimal(b);
    if (!n || *n == 0) return std::nullopt;
    r.first = std::max<std::int64_t>(0, total - *n);
    return r;
  }
  auto first = decimal(a);
  if (!first || *first >= total) return std::nullopt;
  r.first = *first;
  if (!b.empty()) {
    auto last = decimal(b);
    if (!last || *last < *first) return std::nullopt;
    r.last = std::min(*last, total - 1);
  }
  return r;
}

json status_json(const BlobStatus& s) { return {{"received", s.received}, {"complete", s.complete}}; }

}  // namespace

void add_blob_routes(Router& r, Hub& hub) {
  const std::string blob = std::string("/v1/blobs/") + kShaPattern;

  r.put(blob, "/v1/blobs/{sha256}", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto caller = require_device(hub, req, res, true);  // a retiring device hands its photos over
    if (!caller) return;
    const std::string sha = req.matches[1];
    std::optional<std::int64_t> offset = req.has_param("offset") ? decimal(req.get_param_value("offset")) : 0;
    if (!offset) return send_error(res, 400, "invalid_argument", "offset must be a whole number of bytes");
    auto total = decimal(req.get_header_value("X-Blob-Size"));
    if (!total) return send_error(res, 400, "invalid_argument", "X-Blob-Size must give the blob's size in bytes");
    Blobs blobs(hub);
    auto out = blobs.put(sha, *offset, *total, req.body);
    if (out) return send_json(res, 200, status_json(*out));
    if (out.error().code == ErrorCode::conflict) {
      auto now = blobs.status(sha);
      json body = protocol::to_json(protocol::ErrorBody{"offset", out.error().message, false});
      body["received"] = now ? now->received : 0;
      return send_json(res, 409, body);
    }
    if (out.error().code == ErrorCode::corrupt && out.error().domain == ErrorDomain::input)
      return send_error(res, 422, "sha256_mismatch", out.error().message);
    send_error(res, out.error());
  });

  r.get(blob + "/status", "/v1/blobs/{sha256}/status", [&hub](const httplib::Request& req, httplib::Response& res) {
    // A retiring device asks where an upload stands before it hands its photos over.
    auto caller = require_any(hub, req, res, {Role::admin, Role::manager}, true);
    if (!caller) return;
    auto out = Blobs(hub).status(req.matches[1]);
    if (!out) return send_error(res, out.error());
    // What the office learns of an attachment is a read of it too.
    if (caller->office)
      if (auto a = audit_view(hub, *caller->office, "blob", req.matches[1], "status"); !a.ok())
        return send_error(res, a.error());
    send_json(res, 200, status_json(*out));
  });

  r.get(blob, "/v1/blobs/{sha256}", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto caller = require_any(hub, req, res, {Role::admin, Role::manager});
    if (!caller) return;
    const std::string sha = req.matches[1];
    Blobs blobs(hub);
    // Out of scope and absent look the same: the caller learns nothing.
    auto may = caller->device ? blobs.may_read(*caller->device, sha) : blobs.office_may_read(*caller->office, sha);
    if (!may) return send_error(res, may.error());
    if (*may && caller->office)
      if (auto a = audit_view(hub, *caller->office, "blob", sha); !a.ok()) return send_error(res, a.error());
    auto size = *may ? blobs.size(sha) : Result<std::optional<std::int64_t>>(std::optional<std::int64_t>());
    if (!size) return send_error(res, size.error());
    if (!*may || !*size) return send_error(res, 404, "not_found", "no such blob");
    const std::int64_t total = **size;
    BlobRange range{0, total - 1, total};
    const bool partial = req.has_header("Range");
    if (partial) {
      auto parsed = parse_range(req.get_header_value("Range"), total);
      if (!parsed) {
        res.set_header("Content-Range", "bytes */" + std::to_string(total));
        return send_error(res, 416, "range", "the range is not one satisfiable byte range");
      }
      range = *parsed;
    }
    auto bytes = blobs.read(sha, range.first, range.last);
    if (!bytes) return send_error(res, bytes.error());
    res.status = partial ? 206 : 200;
    res.set_header("Accept-Ranges", "bytes");
    if (partial)
      res.set_header("Content-Range", "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" +
                                          std::to_string(total));
    res.set_content(std::move(*bytes), "application/octet-stream");
  });
}

}  // namespace doorstep::server::http
