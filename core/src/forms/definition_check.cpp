// Whole-form checks: references, save_to targets, loops among relevance and
// calculations; and the evaluation plan (dependency order) the session runs on.
#include <algorithm>
#include <set>

#include "doorstep/core/schema.h"
#include "forms/sheets.h"

namespace doorstep::forms {
namespace {

using Problems = std::vector<DefinitionProblem>;

bool is_choice_column(std::string_view ref) { return ref.substr(0, kChoiceColumnPrefix.size()) == kChoiceColumnPrefix; }

struct Column {
  const char* name;
  const Expression* expr;
};

std::vector<Column> columns(const Question& q) {
  return {{"relevant", &q.relevant},           {"calculation", &q.calculation},
          {"required", &q.required.when},      {"read_only", &q.read_only.when},
          {"constraint", &q.constraint},       {"choice_filter", &q.choice_filter_expr}};
}

// Which question types may save to a schema field of this type.
bool fits(FieldType field, QuestionType q) {
  switch (field) {
    case FieldType::text: return true;
    case FieldType::integer: return q == QuestionType::integer;
    case FieldType::real: return q == QuestionType::integer || q == QuestionType::decimal;
    case FieldType::timestamp: return q == QuestionType::date || q == QuestionType::datetime;
    case FieldType::text_set: return false;
  }
  return false;
}

// save_to: "case.<field>" or "person.<field>", where the field is one a worker may edit.
// The schema says which: later_wins fields merge a device's change; office_owned, fixed
// and set fields (status, allocation, ids, warning markers) are not a form's to change.
void check_save_to(const Question& q, const std::string& written, std::map<std::string, int>& targets,
                   Problems& p, SaveTarget& out, bool& ok) {
  ok = false;
  auto dot = written.find('.');
  std::string record = dot == std::string::npos ? written : written.substr(0, dot);
  std::string field = dot == std::string::npos ? "" : written.substr(dot + 1);
  auto bad = [&](std::string msg) { p.push_back({"survey", q.row, "save_to", std::move(msg)}); };
  if ((record != "case" && record != "person") || field.empty())
    return bad("save_to must be case.<field> or person.<field>, not '" + written + "'");
  const RecordType* type = find_record_type(record);
  const FieldSpec* spec = type ? type->field(field) : nullptr;
  if (!spec) return bad("a " + record + " has no field '" + field + "'");
  if (spec->merge == MergePolicy::office_owned)
    return bad(written + " is owned by the office; a form cannot change it");
  if (spec->merge != MergePolicy::later_wins)
    return bad(written + " cannot be changed from a form (it is fixed or changed item by item)");
  if (q.repeat >= 0) return bad("save_to cannot be used inside a repeat (which answer would be saved?)");
  if (!is_answerable(q.type) && q.type != QuestionType::calculate)
    return bad(std::string("a ") + to_string(q.type) + " has no answer to save");
  if (!fits(spec->type, q.type))
    return bad(std::string("a ") + to_string(q.type) + " answer does not fit " + written);
  auto [it, fresh] = targets.emplace(written, q.row);
  if (!fresh) return bad(written + " is already saved to by the question at row " + std::to_string(it->second));
  out = SaveTarget{record, field};
  ok = true;
}

}  // namespace

void check_references(const FormDefinition& def, Problems& p) {
  for (std::size_t i = 0; i < def.questions.size(); ++i) {
    const Question& q = def.questions[i];
    for (const auto& col : columns(q)) {
      for (const auto& ref : col.expr->references()) {
        if (std::string_view(col.name) == "choice_filter" && is_choice_column(ref)) continue;
        const Question* target = def.find(ref);
        if (!target) {
          p.push_back({"survey", q.row, col.name, "${" + ref + "} is not a question in this form"});
        } else if (target->type == QuestionType::group) {
          p.push_back({"survey", q.row, col.name, "${" + ref + "} is a group, which has no value"});
        }
      }
    }
  }
}

void resolve_save_to(FormDefinition& def, const std::vector<std::pair<int, std::string>>& written, Problems& p) {
  std::map<std::string, int> targets;
  for (const auto& [index, text] : written) {
    Question& q = def.questions[static_cast<std::size_t>(index)];
    SaveTarget t;
    bool ok = false;
    check_save_to(q, text, targets, p, t, ok);
    if (ok) q.save_to = t;
  }
}

void build_plan(FormDefinition& def, Problems& p) {
  const std::size_t n = def.questions.size();
  EvaluationPlan& plan = def.plan;
  plan.value_dependents.assign(n, {});
  plan.check_dependents.assign(n, {});
  std::vector<std::vector<int>> depends_on(n);  // q -> what its value/visibility reads
  for (std::size_t i = 0; i < n; ++i) {
    const Question& q = def.questions[i];
    int qi = static_cast<int>(i);
    std::set<int> value_refs, check_refs;
    for (const auto& col : columns(q)) {
      bool value = std::string_view(col.name) == "relevant" || std::string_view(col.name) == "calculation";
      for (const auto& ref : col.expr->references()) {
        int r = def.index_of(ref);
        if (r < 0) continue;
        (value ? value_refs : check_refs).insert(r);
      }
    }
    if (q.parent >= 0) value_refs.insert(q.parent);
    for (int r : value_refs) {
      plan.value_dependents[static_cast<std::size_t>(r)].push_back(qi);
      depends_on[i].push_back(r);
    }
    for (int r : check_refs) plan.check_dependents[static_cast<std::size_t>(r)].push_back(qi);
  }
  // Kahn's algorithm, preferring survey order among ready questions.
  std::vector<int> pending(n);
  for (std::size_t i = 0; i < n; ++i) pending[i] = static_cast<int>(depends_on[i].size());
  std::set<int> ready;
  for (std::size_t i = 0; i < n; ++i)
    if (pending[i] == 0) ready.insert(static_cast<int>(i));
  plan.order.clear();
  while (!ready.empty()) {
    int q = *ready.begin();
    ready.erase(ready.begin());
    plan.order.push_back(q);
    for (int d : plan.value_dependents[static_cast<std::size_t>(q)])
      if (--pending[static_cast<std::size_t>(d)] == 0) ready.insert(d);
  }
  plan.position.assign(n, -1);
  for (std::size_t k = 0; k < plan.order.size(); ++k) plan.position[static_cast<std::size_t>(plan.order[k])] = static_cast<int>(k);
  if (plan.order.size() == n) return;
  // What is left sits on or behind a loop. Walk each loop once and name it.
  std::vector<char> reported(n, 0);
  std::vector<int> at(n, -1);  // position of a question on the current walk
  for (std::size_t start = 0; start < n; ++start) {
    if (plan.position[start] >= 0 || reported[start]) continue;
    std::vector<int> path;
    int cur = static_cast<int>(start);
    while (at[static_cast<std::size_t>(cur)] < 0) {
      at[static_cast<std::size_t>(cur)] = static_cast<int>(path.size());
      path.push_back(cur);
      int next = -1;
      for (int d : depends_on[static_cast<std::size_t>(cur)])
        if (plan.position[static_cast<std::size_t>(d)] < 0) { next = d; break; }
      cur = next;  // every unplaced question depends on another unplaced one
    }
    std::vector<int> loop(path.begin() + at[static_cast<std::size_t>(cur)], path.end());
    bool seen_before = std::any_of(loop.begin(), loop.end(), [&](int q) { return reported[static_cast<std::size_t>(q)]; });
    for (int q : path) {
      reported[static_cast<std::size_t>(q)] = 1;
      at[static_cast<std::size_t>(q)] = -1;
    }
    if (seen_before) continue;
    const Question& first = def.questions[static_cast<std::size_t>(loop.front())];
    std::string text;
    for (int q : loop) text += "${" + def.questions[static_cast<std::size_t>(q)].name + "} -> ";
    text += "${" + first.name + "}";
    const char* col = first.calculation.empty() ? "relevant" : "calculation";
    p.push_back({"survey", first.row, col,
                 loop.size() == 1 ? "${" + first.name + "} depends on itself"
                                  : "these depend on each other in a loop (relevant, calculation or an enclosing group): " + text});
  }
  plan.order.clear();
}

std::string rewrite_choice_filter(std::string_view s, const ChoiceList& list, std::vector<std::string>* unknown) {
  std::set<std::string, std::less<>> cols = {"name", "label"};
  for (const auto& c : list.choices)
    for (const auto& [k, v] : c.columns) cols.insert(k);
  auto start = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80; };
  auto part = [&](char c) { return start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-'; };
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '\'' || c == '"') {  // a string literal, copied whole
      std::size_t close = s.find(c, i + 1);
      std::size_t end = close == std::string_view::npos ? s.size() : close + 1;
      out.append(s.substr(i, end - i));
      i = end;
    } else if (c == '$' && i + 1 < s.size() && s[i + 1] == '{') {  // ${field}, copied whole
      std::size_t close = s.find('}', i);
      std::size_t end = close == std::string_view::npos ? s.size() : close + 1;
      out.append(s.substr(i, end - i));
      i = end;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      std::size_t b = i;
      while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
      out.append(s.substr(b, i - b));
    } else if (start(c)) {
      std::size_t b = i;
      while (i < s.size() && part(s[i])) ++i;
      if (i + 1 < s.size() && s[i] == ':' && start(s[i + 1])) {  // jr:name, a function
        ++i;
        while (i < s.size() && part(s[i])) ++i;
      }
      std::string_view name = s.substr(b, i - b);
      std::size_t k = i;
      while (k < s.size() && (s[k] == ' ' || s[k] == '\t')) ++k;
      bool call = k < s.size() && s[k] == '(';
      bool keyword = name == "and" || name == "or" || name == "div" || name == "mod";
      if (call || keyword || name.find(':') != std::string_view::npos) {
        out.append(name);
      } else if (cols.count(name)) {
        out += "${";
        out += kChoiceColumnPrefix;
        out.append(name);
        out += "}";
      } else {
        if (unknown) unknown->emplace_back(name);
        out.append(name);
      }
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return out;
}

}  // namespace doorstep::forms
