// Form definitions (docs/design.md, "Forms"): one checked, versioned XLSForm-style form,
// its questions, groups, repeats and choice lists, and the evaluation plan the session
// uses. Built only by the loaders (definition_loader.h); immutable once built, so one
// definition may be shared (shared_ptr<const FormDefinition>) by any number of threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "doorstep/core/forms/expression.h"

namespace doorstep::forms {

// The survey `type` column. group and repeat are the begin_group / begin_repeat rows;
// their end_ rows close them and are not questions of their own.
enum class QuestionType {
  text, integer, decimal, date, time, datetime, select_one, select_multiple,
  note, calculate, geopoint, image, signature, acknowledge, group, repeat,
};

// "select_one" for select_one, "begin_group" for group, and so on (XLSForm spelling).
const char* to_string(QuestionType t);
// True for the types a worker answers (not note, calculate, group, repeat).
bool is_answerable(QuestionType t);

// required / read_only: "yes" (always), "no" or blank (never), or an expression.
struct Condition {
  bool always = false;
  Expression when;      // evaluated only when !always; empty = never
  std::string written;  // the column as the author wrote it ("yes", "", "${x} = 'y'")
  bool never() const { return !always && when.empty(); }
};

// save_to: the case or person record field a question's answer flows into.
struct SaveTarget {
  std::string record;  // "case" or "person"
  std::string field;   // a worker-editable field of that record type (schema.h)
  std::string text() const { return record + "." + field; }
};

// One survey row: a question, or the begin row of a group or repeat.
struct Question {
  int row = 0;        // XLSForm row (header row = 1; in JSON, survey[0] is row 2)
  int end_row = 0;    // group / repeat: the row of its end_ row
  QuestionType type = QuestionType::text;
  std::string name;   // unique in the whole form, including groups and repeats
  std::string label, hint, appearance;
  std::string list_name;  // select_one / select_multiple only
  Condition required;
  std::string required_message;    // "" = FormSession's default message
  Expression relevant;             // empty = always relevant
  Expression constraint;           // '.' is the answer; empty = none
  std::string constraint_message;  // "" = FormSession's default message
  Expression calculation;          // a question with one is computed, never answered
  std::string default_value;       // a literal answer in canonical form; "" = none
  Condition read_only;
  std::string choice_filter;       // as written; bare names are the choice's columns
  Expression choice_filter_expr;   // as evaluated (bare names rewritten, see loader)
  std::optional<SaveTarget> save_to;
  int parent = -1;  // index of the enclosing group or repeat, -1 at the top level
  int repeat = -1;  // index of the enclosing repeat, -1 outside repeats (repeats do not nest)

  bool is_container() const { return type == QuestionType::group || type == QuestionType::repeat; }
  // A worker may type into it: answerable type and no calculation.
  bool takes_answer() const { return is_answerable(type) && calculation.empty(); }
};

struct Choice {
  int row = 0;  // choices sheet row
  std::string name, label;
  std::map<std::string, std::string> columns;  // extra columns, for choice_filter
};

struct ChoiceList {
  std::string name;
  std::vector<Choice> choices;  // in sheet order
  // Index into choices, or -1.
  int find(std::string_view choice_name) const;
};

// Precomputed at load so that one answer re-evaluates only what depends on it.
// Indices are Question indices; the loader guarantees `order` is acyclic.
struct EvaluationPlan {
  std::vector<int> order;     // every question, dependencies (and parents) before dependents
  std::vector<int> position;  // position[i]: where question i sits in `order`
  // i -> questions whose relevance or calculation reads i, and i's direct children:
  // they must be recomputed when i's value or visibility changes.
  std::vector<std::vector<int>> value_dependents;
  // i -> questions whose required, read_only, constraint or choice_filter reads i:
  // their checks must be redone when i's value or visibility changes.
  std::vector<std::vector<int>> check_dependents;
};

class FormDefinition {
 public:
  std::string form_id;
  std::int64_t version = 0;  // settings.version; drafts record it (see session.h)
  std::string title;         // settings.form_title / title; form_id when absent
  std::vector<Question> questions;  // survey order
  std::vector<ChoiceList> choice_lists;
  EvaluationPlan plan;

  // nullptr when unknown. Names are case-sensitive, as in XLSForm.
  const Question* find(std::string_view name) const;
  int index_of(std::string_view name) const;  // -1 when unknown
  const ChoiceList* choice_list(std::string_view list_name) const;

  // Called by the loader once questions and lists are final.
  void build_index();

 private:
  std::unordered_map<std::string, int> by_name_;
  std::unordered_map<std::string, int> lists_by_name_;
};

// The definition in Doorstep's JSON format (definition_loader.h), canonical: columns
// that are empty are left out, flags as "yes", groups as begin_/end_ rows. Loading the
// result gives an equal definition. Never throws.
nlohmann::json definition_to_json(const FormDefinition& def);

}  // namespace doorstep::forms
