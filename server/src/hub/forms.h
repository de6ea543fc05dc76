// Forms on the hub (docs/design.md, "Forms"): publishing form definitions and checking
// submitted forms, both with core's forms engine, the same code the devices run.
//
// A published definition is a form_definition record ("<form_id>-v<version>",
// forms/form_records.h) in the record table: never changed once published, versions
// increasing per form_id, and in every worker's scope (scope.h), so the changes feed
// brings each version to every device. A form_submission a device pushes is checked
// against the version it names (push.cpp); one with problems is rejected with them.
// Stateless over the Hub; the loaded-definition cache is synchronised: thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "doorstep/core/forms/definition_loader.h"
#include "doorstep/core/record.h"
#include "hub/hub.h"
#include "storage/sql_backend.h"

namespace doorstep::server {

struct PublishOutcome {
  std::optional<Record> record;                    // the published version (absent when refused)
  bool created = false;                            // false: this exact version was published already
  std::vector<forms::DefinitionProblem> problems;  // why it was refused; never published then
  std::vector<forms::DefinitionProblem> warnings;  // what the loader accepted but tells the author
};

class FormPublisher {
 public:
  explicit FormPublisher(Hub& hub) : hub_(hub) {}

  // Publishes a definition loaded and checked by core's forms engine (from JSON, CSV
  // sheets or a workbook: forms/form_files.h) in one transaction with an audit
  // event "published". A definition with problems comes back with every one of them
  // (sheet, row, column, message), and with its warnings either way. The version must
  // be above every published version of its form_id: otherwise server/conflict, except
  // that publishing exactly the published text of a version again changes nothing
  // (created = false), so a restart of a demo is harmless.
  Result<PublishOutcome> publish(const forms::DefinitionLoad& load, const std::string& by);
  // The JSON format as text (its columns in the order written).
  Result<PublishOutcome> publish(std::string_view definition_json, const std::string& by);

  // Every published version, by form_id then version.
  Result<std::vector<Record>> published();

 private:
  Hub& hub_;
};

// Inside the push transaction: why a new form_submission state must be rejected, or ""
// when it is accepted. Refused: a form or version this hub has not published, and every
// problem check_submission finds in its answers (required, constraints, types, choices,
// relevance, unknown fields; an image or signature answer that is not a picture
// reference), at now_ms, and a picture reference whose blob this hub does not hold
// complete (the device uploads it before the submission).
Result<std::string> form_submission_refusal(SqlBackend& db, const Record& submission, std::int64_t now_ms);

// Publishes every *.json definition in dir (sorted by name) that is not published yet,
// as `by`. Returns how many were newly published; a definition that does not load, or
// whose version is below a published one, is an error naming the file.
Result<int> publish_form_directory(Hub& hub, const std::filesystem::path& dir, const std::string& by);

// Where the demo forms are: <dir of exe>/../share/doorstep/forms (an installed server),
// else the source tree's share/forms (a build tree). nullopt when neither exists; the
// caller says so.
std::optional<std::filesystem::path> demo_forms_dir(const std::filesystem::path& exe);
// The places demo_forms_dir() looks, for that message.
std::vector<std::filesystem::path> demo_forms_candidates(const std::filesystem::path& exe);

}  // namespace doorstep::server
