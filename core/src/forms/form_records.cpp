#include "doorstep/core/forms/form_records.h"

#include <nlohmann/json.hpp>

#include "doorstep/core/forms/submission_check.h"

namespace doorstep::forms {

Result<std::string> definition_record_id(const std::string& form_id, std::int64_t version) {
  if (form_id.empty() || form_id.size() > kMaxPublishedFormIdBytes)
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                      "a published form_id is 1 to " + std::to_string(kMaxPublishedFormIdBytes) + " characters");
  if (version < 1)
    return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "a published version is 1 or more");
  return form_id + "-v" + std::to_string(version);
}

Fields definition_record_fields(const FormDefinition& def) {
  return {{"form_id", def.form_id},
          {"version", def.version},
          {"title", def.title.empty() ? def.form_id : def.title},
          {"definition",
           definition_to_json(def).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)}};
}

DefinitionLoad definition_from_record(const Record& r) {
  const std::string text = r.text("definition");
  DefinitionLoad load = load_definition_json(std::string_view(text));
  if (!load.ok()) return load;
  const auto version = r.integer("version");
  if (load.definition->form_id != r.text("form_id") || !version || *version != load.definition->version) {
    DefinitionLoad bad;
    bad.problems.push_back({"settings", 2, "",
                            "the record is for " + r.text("form_id") + " version " +
                                (version ? std::to_string(*version) : std::string("?")) + ", its definition for " +
                                load.definition->form_id + " version " + std::to_string(load.definition->version)});
    return bad;
  }
  return load;
}

std::vector<AnswerProblem> check_submission_record(const FormDefinition& def, const Record& s, std::int64_t now_ms,
                                                   int utc_offset_minutes) {
  const auto version = s.integer("form_version");
  if (s.text("form_id") != def.form_id || !version || *version != def.version)
    return {{"", "the submission is for another form or version"}};
  const auto answers = nlohmann::json::parse(s.text("answers"), nullptr, false);
  if (!answers.is_object()) return {{"", "the answers are not a JSON object"}};
  return check_submission(def, answers, now_ms, utc_offset_minutes);
}

std::string describe_problems(const std::vector<AnswerProblem>& problems, std::size_t most) {
  std::string out;
  std::size_t n = 0;
  for (const auto& p : problems) {
    if (n == most) {
      out += "; and " + std::to_string(problems.size() - most) + " more";
      break;
    }
    if (n++) out += "; ";
    out += p.path.empty() ? p.message : p.path + ": " + p.message;
  }
  return out;
}

}  // namespace doorstep::forms
