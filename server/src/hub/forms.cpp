#include "hub/forms.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

#include "doorstep/core/forms/form_records.h"
#include "doorstep/core/forms/picture_answer.h"
#include "doorstep/core/hlc.h"
#include "doorstep/core/json_fields.h"
#include "hub/audit_log.h"
#include "hub/office_records.h"
#include "hub/record_rows.h"

#ifndef DOORSTEP_SOURCE_FORMS_DIR
#define DOORSTEP_SOURCE_FORMS_DIR ""
#endif

namespace doorstep::server {

using nlohmann::json;

namespace {

// Loaded definitions by their canonical text: a published version never changes, and
// keying by text (not id) keeps two hubs in one process (tests) apart.
class DefinitionCache {
 public:
  forms::DefinitionLoad get(const Record& r) {
    const std::string key = r.text("form_id") + "\n" + std::to_string(r.integer("version").value_or(0)) + "\n" +
                            r.text("definition");
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto it = loaded_.find(key); it != loaded_.end()) return it->second;
    }
    forms::DefinitionLoad load = forms::definition_from_record(r);
    std::lock_guard<std::mutex> lock(mu_);
    if (loaded_.size() >= 128) loaded_.clear();  // a bound, not an expected case
    loaded_.emplace(key, load);
    return load;
  }

 private:
  std::mutex mu_;
  std::map<std::string, forms::DefinitionLoad> loaded_;
};

DefinitionCache& cache() {
  static DefinitionCache c;
  return c;
}

Result<std::vector<Record>> all_definitions(SqlBackend& db) {
  auto rows = db.query(std::string("SELECT ") + kRecordColumns + " FROM record r WHERE r.type = 'form_definition'");
  if (!rows) return rows.error();
  std::vector<Record> out;
  for (const auto& row : *rows) {
    auto s = row_to_stored(row, false);
    if (!s) return s.error();
    out.push_back(std::move(s->state.record));
  }
  std::sort(out.begin(), out.end(), [](const Record& a, const Record& b) {
    return std::pair(a.text("form_id"), a.integer("version").value_or(0)) <
           std::pair(b.text("form_id"), b.integer("version").value_or(0));
  });
  return out;
}

Error conflict(const std::string& msg) { return make_error(ErrorDomain::server, ErrorCode::conflict, msg); }

}  // namespace

Result<PublishOutcome> FormPublisher::publish(std::string_view definition_json, const std::string& by) {
  return publish(forms::load_definition_json(definition_json), by);
}

Result<PublishOutcome> FormPublisher::publish(const forms::DefinitionLoad& load, const std::string& by) {
  PublishOutcome out;
  out.warnings = load.warnings;
  if (!load.ok()) {
    out.problems = load.problems;
    return out;
  }
  const forms::FormDefinition& def = *load.definition;
  auto id = forms::definition_record_id(def.form_id, def.version);
  if (!id) {
    out.problems.push_back({"settings", 2, def.version < 1 ? "version" : "form_id", id.error().message});
    return out;
  }
  Fields fields = forms::definition_record_fields(def);

  auto lease = hub_.pool().lease();
  if (!lease) return lease.error();
  SqlBackend& db = **lease;
  Transaction tx(db);
  DOORSTEP_TRY(tx.begin(TxMode::write));  // one publisher at a time: versions cannot race
  auto existing = all_definitions(db);
  if (!existing) return existing.error();
  std::int64_t latest = 0;
  const Record* same = nullptr;
  for (const auto& r : *existing) {
    if (r.text("form_id") != def.form_id) continue;
    const std::int64_t v = r.integer("version").value_or(0);
    latest = std::max(latest, v);
    if (v == def.version) same = &r;
  }
  if (same != nullptr) {
    if (same->text("definition") == std::get<std::string>(fields["definition"])) {
      out.record = *same;  // the same text again: nothing to do
      return out;
    }
    return conflict("version " + std::to_string(def.version) + " of " + def.form_id +
                    " is published with different content; a published version never changes, publish version " +
                    std::to_string(latest + 1) + " or later");
  }
  if (def.version < latest)
    return conflict("version " + std::to_string(latest) + " of " + def.form_id + " is published; publish version " +
                    std::to_string(latest + 1) + " or later");

  const std::string now = hub_.hlc().timestamp();
  json body = fields_to_json_value(fields);
  body["published_at"] = now;
  auto made = write_office_change(hub_, db, "form_definition", *id, body, by, OfficeWrite::create);
  if (!made) return made.error();
  auto a = append_audit(db, {new_uuid(), now, by, "office", "published", "form_definition", *id, "", now});
  if (!a) return a.error();
  DOORSTEP_TRY(tx.commit());
  out.record = std::move(*made);
  out.created = true;
  return out;
}

Result<std::vector<Record>> FormPublisher::published() {
  auto lease = hub_.pool().lease();
  if (!lease) return lease.error();
  return all_definitions(**lease);
}

Result<std::string> form_submission_refusal(SqlBackend& db, const Record& s, std::int64_t now_ms) {
  const std::string form = s.text("form_id") + " version " + std::to_string(s.integer("form_version").value_or(0));
  auto id = forms::definition_record_id(s.text("form_id"), s.integer("form_version").value_or(0));
  if (!id) return "the form " + form + " is not published on this hub";
  auto stored = load_record(db, "form_definition", *id);
  if (!stored) return stored.error();
  if (!*stored || (*stored)->state.record.deleted) return "the form " + form + " is not published on this hub";
  forms::DefinitionLoad load = cache().get((*stored)->state.record);
  if (!load.ok())
    return make_error(ErrorDomain::server, ErrorCode::internal, "the published form " + form + " does not load");
  auto problems = forms::check_submission_record(*load.definition, s, now_ms);
  // A picture answer names a blob the device uploads before the submission: one this
  // hub does not hold (complete, of the size named) would never reach the office.
  auto answers = json::parse(s.text("answers"), nullptr, false);
  for (const auto& p : forms::picture_answers(*load.definition, answers)) {
    if (!p.ref) continue;  // not a reference: check_submission has said so
    auto rows = db.query("SELECT size FROM blob WHERE sha256 = ? AND complete = 1", {p.ref->sha256});
    if (!rows) return rows.error();
    if (rows->empty())
      problems.push_back({p.path, "the picture " + p.ref->sha256.substr(0, 12) + " was not uploaded to this hub"});
    else if (rows->front().integer(0) != p.ref->size_bytes)
      problems.push_back({p.path, "the picture on this hub is not the size the answer names"});
  }
  if (problems.empty()) return std::string();
  return "the form has problems: " + forms::describe_problems(problems);
}

Result<int> publish_form_directory(Hub& hub, const std::filesystem::path& dir, const std::string& by) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  if (ec) return make_error(ErrorDomain::io, ErrorCode::io_error, "cannot read " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  int published = 0;
  for (const auto& f : files) {
    auto out = FormPublisher(hub).publish(forms::load_definition_file(f), by);
    if (!out) return make_error(out.error().domain, out.error().code, f.string() + ": " + out.error().message);
    if (!out->problems.empty())
      return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                        f.string() + ": " + out->problems.front().describe());
    if (out->created) ++published;
  }
  return published;
}

std::vector<std::filesystem::path> demo_forms_candidates(const std::filesystem::path& exe) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  auto self = std::filesystem::canonical(exe, ec);
  if (!ec) out.push_back(self.parent_path().parent_path() / "share" / "doorstep" / "forms");
  if (std::string(DOORSTEP_SOURCE_FORMS_DIR).size() > 0) out.emplace_back(DOORSTEP_SOURCE_FORMS_DIR);
  return out;
}

std::optional<std::filesystem::path> demo_forms_dir(const std::filesystem::path& exe) {
  for (const auto& p : demo_forms_candidates(exe)) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) return p;
  }
  return std::nullopt;
}

}  // namespace doorstep::server
