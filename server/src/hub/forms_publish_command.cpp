#include "hub/forms_publish_command.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "doorstep/core/forms/form_files.h"
#include "doorstep/protocol/messages.h"
#include "hub/forms.h"

namespace doorstep::server {
namespace {

using nlohmann::json;

json problems_json(const std::vector<forms::DefinitionProblem>& list) {
  json out = json::array();
  for (const auto& p : list)
    out.push_back({{"sheet", p.sheet}, {"row", p.row}, {"column", p.column}, {"message", p.message}});
  return out;
}

}  // namespace

int publish_forms_command(Hub& hub, const std::vector<std::string>& paths, bool as_json) {
  json forms = json::array();
  bool all = true;
  for (const auto& path : paths) {
    json entry = {{"path", path}, {"published", false}, {"record", nullptr}};
    auto out = FormPublisher(hub).publish(forms::load_form_path(path), "doorstep-server forms publish");
    if (!out) {
      all = false;
      entry["problems"] = json::array({{{"sheet", ""}, {"row", 0}, {"column", ""}, {"message", out.error().message}}});
      entry["warnings"] = json::array();
      if (!as_json) std::printf("%s: not published: %s\n", path.c_str(), out.error().message.c_str());
      forms.push_back(std::move(entry));
      continue;
    }
    entry["problems"] = problems_json(out->problems);
    entry["warnings"] = problems_json(out->warnings);
    if (out->record) {
      entry["published"] = out->created;
      entry["record"] = out->record->id;
    } else {
      all = false;
    }
    if (!as_json) {
      if (out->record)
        std::printf("%s: %s %s\n", path.c_str(), out->created ? "published" : "already published, unchanged:",
                    out->record->id.c_str());
      else
        std::printf("%s: not published, %zu problem(s)\n", path.c_str(), out->problems.size());
      for (const auto& p : out->problems) std::printf("  problem: %s\n", p.describe().c_str());
      for (const auto& w : out->warnings) std::printf("  warning: %s\n", w.describe().c_str());
    }
    forms.push_back(std::move(entry));
  }
  if (as_json) std::printf("%s\n", protocol::dump(json{{"forms", forms}}).c_str());
  return all ? 0 : 1;
}

}  // namespace doorstep::server
