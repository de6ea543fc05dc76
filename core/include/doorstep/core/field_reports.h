// FieldReports: a warden's report of an issue in the street, with photos.
// Photos are encrypted into the blob store first, then the report and its attachment
// records are written in one transaction; if that fails, new blob files are removed.
// Same threading as the Store.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doorstep/core/record.h"
#include "doorstep/core/result.h"
#include "doorstep/core/store.h"
#include "doorstep/core/visits.h"

namespace doorstep {

struct FieldReportInput {
  std::string category;                 // required, e.g. "fly-tipping", "graffiti"
  std::string description;
  std::optional<Place> place;
  std::string address;
  std::string priority = "normal";      // low, normal, high or urgent
  std::string case_id;                  // optional: the case it belongs to
  std::vector<std::filesystem::path> photos;  // JPEG, PNG, HEIC or WebP files
};

struct FieldReportResult {
  Record report;
  std::vector<Record> attachments;
};

class FieldReports {
 public:
  static constexpr std::int64_t kMaxPhotoBytes = 25 << 20;  // 25 MiB per photo

  explicit FieldReports(Store& store) : store_(store) {}

  Result<FieldReportResult> create(const FieldReportInput& input);
  // Adds photos to an existing report (one transaction).
  Result<std::vector<Record>> add_photos(const std::string& report_id, const std::vector<std::filesystem::path>& photos);

 private:
  Store& store_;
};

// "image/jpeg", "image/png", "image/heic" or "image/webp" from a file's first bytes;
// invalid_argument (with the reason) for an empty file or anything else.
Result<std::string> photo_media_type(const std::filesystem::path& file);
// The same for bytes held in memory (a signature drawn on the screen); only the first
// 16 bytes are looked at. `name` is how messages call the picture.
Result<std::string> photo_media_type_of(std::string_view bytes, const std::string& name);

// Writes the attachment's content to dest (decrypting); records an "exported" audit event.
Status export_attachment(Store& store, const std::string& attachment_id, const std::filesystem::path& dest);

}  // namespace doorstep
