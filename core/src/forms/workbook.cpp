// What the workbook readers share: refusals and the sheets a form is made of.
#include "forms/workbook.h"

namespace doorstep::forms {

Error refuse_workbook(const std::string& message) {
  return make_error(ErrorDomain::input, ErrorCode::invalid_argument, message);
}

DefinitionLoad workbook_refused(const std::string& message) {
  DefinitionLoad load;
  load.problems.push_back({"", 0, "", message});
  return load;
}

std::optional<Grid>* workbook_slot(WorkbookGrids& grids, const std::string& name) {
  std::string key = name;
  for (auto& c : key)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (key == "survey") return &grids.survey;
  if (key == "choices") return &grids.choices;
  if (key == "settings") return &grids.settings;
  if (key == "entities") {
    grids.problems.push_back({name, 0, "", "the entities sheet (ODK entities: records a form creates or updates) "
                                           "is not supported by Doorstep; remove it, or use save_to"});
  } else {
    grids.warnings.push_back({name, 0, "", "sheet '" + name + "' is not used by Doorstep and is ignored"});
  }
  return nullptr;
}

}  // namespace doorstep::forms
