#include "doorstep/core/field_reports.h"

#include <cstdio>
#include <cstring>

#include "doorstep/core/blob_store.h"

namespace doorstep {

namespace {

Error input_error(const std::string& msg) {
  return make_error(ErrorDomain::input, ErrorCode::invalid_argument, msg);
}

// Imports photos into the blob store; records which blobs are new so a failed
// transaction can remove them again.
struct ImportedPhotos {
  std::vector<std::pair<StoredBlob, std::string>> photos;  // blob, media type
  std::vector<std::string> new_blobs;
  std::vector<std::string> names;
};

Result<ImportedPhotos> import_photos(Store& store, const std::vector<std::filesystem::path>& files) {
  ImportedPhotos out;
  for (const auto& f : files) {
    auto media = photo_media_type(f);
    if (!media) {
      for (const auto& sha : out.new_blobs) (void)store.blobs().remove(sha);
      return media.error();
    }
    auto sha = sha256_file(f);
    const bool had = sha.ok() && store.blobs().contains(*sha);
    auto blob = store.blobs().import_file(f, FieldReports::kMaxPhotoBytes);
    if (!blob) {
      for (const auto& s : out.new_blobs) (void)store.blobs().remove(s);
      return blob.error();
    }
    if (!had) out.new_blobs.push_back(blob->sha256);
    out.photos.emplace_back(*blob, *media);
    out.names.push_back(f.filename().string());
  }
  return out;
}

Status write_attachments(Writer& w, const ImportedPhotos& photos, const std::string& report_id,
                         const std::string& case_id, std::vector<Record>& out) {
  for (std::size_t i = 0; i < photos.photos.size(); ++i) {
    const auto& [blob, media] = photos.photos[i];
    Fields f{{"sha256", blob.sha256},   {"owner_type", "field_report"}, {"owner_id", report_id},
             {"media_type", media},     {"size_bytes", blob.size},
             {"added_at", format_timestamp(w.store().clock().now_ms())}};
    if (!case_id.empty()) f["case_id"] = case_id;
    if (check_utf8(photos.names[i], "name").ok()) f["file_name"] = photos.names[i];
    auto r = w.change("attachment", new_uuid(), f, "attached");
    if (!r) return r.error();
    out.push_back(std::move(*r));
  }
  return {};
}

}  // namespace

Result<std::string> photo_media_type(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return make_error(ErrorDomain::input, ErrorCode::not_found, "cannot read photo " + file.string());
  if (size == 0) return input_error("the photo " + file.filename().string() + " is empty (0 bytes)");
  char head[16] = {0};
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (!f) return make_error(ErrorDomain::input, ErrorCode::not_found, "cannot read photo " + file.string());
  const std::size_t n = std::fread(head, 1, sizeof head, f);
  std::fclose(f);
  return photo_media_type_of(std::string_view(head, n), file.filename().string());
}

Result<std::string> photo_media_type_of(std::string_view bytes, const std::string& name) {
  if (bytes.empty()) return input_error("the photo " + name + " is empty (0 bytes)");
  const auto* head = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  if (n >= 3 && head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff) return std::string("image/jpeg");
  if (n >= 8 && std::memcmp(head, "\x89PNG\r\n\x1a\n", 8) == 0) return std::string("image/png");
  if (n >= 12 && std::memcmp(head, "RIFF", 4) == 0 && std::memcmp(head + 8, "WEBP", 4) == 0)
    return std::string("image/webp");
  if (n >= 12 && std::memcmp(head + 4, "ftyp", 4) == 0 &&
      (std::memcmp(head + 8, "heic", 4) == 0 || std::memcmp(head + 8, "heix", 4) == 0 ||
       std::memcmp(head + 8, "mif1", 4) == 0))
    return std::string("image/heic");
  return input_error(name + " is not a photo (expected JPEG, PNG, HEIC or WebP)");
}

Result<FieldReportResult> FieldReports::create(const FieldReportInput& in) {
  if (in.category.empty()) return input_error("a report needs a category");
  DOORSTEP_TRY(check_utf8(in.category, "the category"));
  DOORSTEP_TRY(check_utf8(in.description, "the description"));
  DOORSTEP_TRY(check_utf8(in.address, "the address"));
  if (in.description.size() > 64 * 1024)
    return make_error(ErrorDomain::input, ErrorCode::too_large, "a report description is limited to 64 KiB");
  if (in.priority != "low" && in.priority != "normal" && in.priority != "high" && in.priority != "urgent")
    return input_error("priority must be low, normal, high or urgent");
  if (in.place && !(in.place->lat >= -90 && in.place->lat <= 90 && in.place->lon >= -180 && in.place->lon <= 180))
    return input_error("the location is outside -90..90, -180..180");
  if (!in.case_id.empty()) {
    auto c = store_.get("case", in.case_id);
    if (!c) return c.error();
    if (!*c) return make_error(ErrorDomain::store, ErrorCode::not_found, "no case " + in.case_id.substr(0, 64));
  }
  if (store_.locked()) return make_error(ErrorDomain::state, ErrorCode::invalid_transition, "the store is locked");
  auto photos = import_photos(store_, in.photos);
  if (!photos) return photos.error();

  const std::string now = format_timestamp(store_.clock().now_ms());
  Fields f{{"category", in.category}, {"priority", in.priority}, {"status", "reported"},
           {"reporter", store_.user()}, {"reported_at", now}};
  if (!in.description.empty()) f["description"] = in.description;
  if (!in.address.empty()) f["address"] = in.address;
  if (!in.case_id.empty()) f["case_id"] = in.case_id;
  if (in.place) {
    f["lat"] = in.place->lat;
    f["lon"] = in.place->lon;
    if (in.place->accuracy_m) f["accuracy_m"] = *in.place->accuracy_m;
  }
  FieldReportResult result;
  const std::string id = new_uuid();
  auto st = store_.write([&](Writer& w) -> Status {
    auto r = w.change("field_report", id, f, "created");
    if (!r) return r.error();
    result.report = std::move(*r);
    return write_attachments(w, *photos, id, in.case_id, result.attachments);
  });
  if (!st.ok()) {
    for (const auto& sha : photos->new_blobs) (void)store_.blobs().remove(sha);
    return st.error();
  }
  return result;
}

Result<std::vector<Record>> FieldReports::add_photos(const std::string& report_id,
                                                     const std::vector<std::filesystem::path>& files) {
  auto report = store_.get("field_report", report_id);
  if (!report) return report.error();
  if (!*report) return make_error(ErrorDomain::store, ErrorCode::not_found, "no report " + report_id.substr(0, 64));
  auto photos = import_photos(store_, files);
  if (!photos) return photos.error();
  std::vector<Record> out;
  auto st = store_.write([&](Writer& w) { return write_attachments(w, *photos, report_id, (*report)->text("case_id"), out); });
  if (!st.ok()) {
    for (const auto& sha : photos->new_blobs) (void)store_.blobs().remove(sha);
    return st.error();
  }
  return out;
}

Status export_attachment(Store& store, const std::string& attachment_id, const std::filesystem::path& dest) {
  auto a = store.get("attachment", attachment_id);
  if (!a) return a.error();
  if (!*a) return make_error(ErrorDomain::store, ErrorCode::not_found, "no attachment " + attachment_id.substr(0, 64));
  DOORSTEP_TRY(store.blobs().export_to((*a)->text("sha256"), dest));
  return store.write([&](Writer& w) { return w.audit("exported", "attachment", attachment_id); });
}

}  // namespace doorstep
