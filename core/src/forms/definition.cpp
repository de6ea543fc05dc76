// FormDefinition lookups, type names and load outcomes.
#include "doorstep/core/forms/definition.h"
#include "doorstep/core/forms/definition_loader.h"

namespace doorstep::forms {

const char* to_string(QuestionType t) {
  switch (t) {
    case QuestionType::text: return "text";
    case QuestionType::integer: return "integer";
    case QuestionType::decimal: return "decimal";
    case QuestionType::date: return "date";
    case QuestionType::time: return "time";
    case QuestionType::datetime: return "datetime";
    case QuestionType::select_one: return "select_one";
    case QuestionType::select_multiple: return "select_multiple";
    case QuestionType::note: return "note";
    case QuestionType::calculate: return "calculate";
    case QuestionType::geopoint: return "geopoint";
    case QuestionType::image: return "image";
    case QuestionType::signature: return "signature";
    case QuestionType::acknowledge: return "acknowledge";
    case QuestionType::group: return "begin_group";
    case QuestionType::repeat: return "begin_repeat";
  }
  return "text";
}

bool is_answerable(QuestionType t) {
  switch (t) {
    case QuestionType::note:
    case QuestionType::calculate:
    case QuestionType::group:
    case QuestionType::repeat: return false;
    default: return true;
  }
}

int ChoiceList::find(std::string_view choice_name) const {
  for (std::size_t i = 0; i < choices.size(); ++i)
    if (choices[i].name == choice_name) return static_cast<int>(i);
  return -1;
}

const Question* FormDefinition::find(std::string_view name) const {
  int i = index_of(name);
  return i < 0 ? nullptr : &questions[static_cast<std::size_t>(i)];
}

int FormDefinition::index_of(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? -1 : it->second;
}

const ChoiceList* FormDefinition::choice_list(std::string_view list_name) const {
  auto it = lists_by_name_.find(std::string(list_name));
  return it == lists_by_name_.end() ? nullptr : &choice_lists[static_cast<std::size_t>(it->second)];
}

void FormDefinition::build_index() {
  by_name_.clear();
  lists_by_name_.clear();
  for (std::size_t i = 0; i < questions.size(); ++i)
    if (!questions[i].name.empty()) by_name_.emplace(questions[i].name, static_cast<int>(i));
  for (std::size_t i = 0; i < choice_lists.size(); ++i)
    lists_by_name_.emplace(choice_lists[i].name, static_cast<int>(i));
}

std::string DefinitionProblem::describe() const {
  std::string out = sheet.empty() ? std::string("form") : sheet;
  if (row > 0) out += " row " + std::to_string(row);
  if (!column.empty()) out += ", " + column;
  return out + ": " + message;
}

Result<std::shared_ptr<const FormDefinition>> DefinitionLoad::as_result() const {
  if (definition) return definition;
  std::string msg = std::to_string(problems.size()) + (problems.size() == 1 ? " problem" : " problems") + " in the form definition";
  for (std::size_t i = 0; i < problems.size() && i < 3; ++i) msg += (i ? "; " : ": ") + problems[i].describe();
  if (problems.size() > 3) msg += "; ...";
  return make_error(ErrorDomain::input, ErrorCode::invalid_argument, msg);
}

}  // namespace doorstep::forms
