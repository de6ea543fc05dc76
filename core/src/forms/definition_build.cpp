// The sheet model -> a checked FormDefinition: settings, choice lists and survey rows.
// Reference, save_to and cycle checks are in definition_check.cpp.
#include <algorithm>
#include <cctype>

#include "forms/answer_types.h"
#include "forms/sheets.h"

namespace doorstep::forms {
namespace {

using Problems = std::vector<DefinitionProblem>;

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    std::size_t b = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i > b) out.emplace_back(s.substr(b, i - b));
  }
  return out;
}

// Names must be usable as ${name}: the evaluator's name characters.
bool name_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool name_char(char c) {
  return name_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-';
}
bool valid_name(std::string_view s) {
  if (s.empty() || s.size() > 128 || !name_start(s[0])) return false;
  return std::all_of(s.begin(), s.end(), name_char);
}

enum class RowKind { question, begin_group, end_group, begin_repeat, end_repeat, unknown };

struct ParsedType {
  RowKind kind = RowKind::unknown;
  QuestionType type = QuestionType::text;
  std::string list;
  std::string problem;  // when kind == unknown
  std::string old;      // an old spelling pyxform still reads: how to write it now (a warning)
};

// Old type names pyxform still reads, and what they are now.
const std::pair<const char*, const char*> kOldTypes[] = {
    {"int", "integer"}, {"string", "text"}, {"gps", "geopoint"}, {"trigger", "acknowledge"},
    {"phone_number", "text"}, {"select_all_that_apply", "select_multiple"},
};

ParsedType parse_type(std::string_view written) {
  static const std::pair<const char*, QuestionType> simple[] = {
      {"text", QuestionType::text},         {"integer", QuestionType::integer},
      {"decimal", QuestionType::decimal},   {"date", QuestionType::date},
      {"time", QuestionType::time},         {"datetime", QuestionType::datetime},
      {"note", QuestionType::note},         {"calculate", QuestionType::calculate},
      {"geopoint", QuestionType::geopoint}, {"image", QuestionType::image},
      {"signature", QuestionType::signature}, {"acknowledge", QuestionType::acknowledge},
  };
  ParsedType t;
  auto w = words(written);
  if (w.empty()) {
    t.problem = "the type is missing";
    return t;
  }
  std::string head = lower(w[0]);
  std::size_t next = 1;
  auto word = [&](std::size_t i) { return i < w.size() ? lower(w[i]) : std::string(); };
  // "begin group", "select one" and friends are the same as their underscored forms.
  if ((head == "begin" || head == "end") && w.size() >= 2) {
    head += "_" + lower(w[1]);
    next = 2;
  } else if (head == "select" && (word(1) == "one" || word(1) == "multiple")) {
    head += "_" + lower(w[1]);
    next = 2;
  } else if (head == "select" && word(1) == "all" && word(2) == "that" && word(3) == "apply") {
    head = "select_all_that_apply";
    next = 4;
  } else if (head == "phone" && word(1) == "number") {
    head = "phone_number";
    next = 2;
  }
  for (const auto& [was, now] : kOldTypes) {
    if (head == was) {
      t.old = now;
      head = now;
    }
  }
  // "select one from L", "select all that apply from L": the old spelling with "from".
  if ((head == "select_one" || head == "select_multiple") && word(next) == "from" && w.size() == next + 2) {
    ++next;
    if (t.old.empty()) t.old = head;
  }
  if (!t.old.empty() && (head == "select_one" || head == "select_multiple") && next < w.size())
    t.old = head + " " + w[next];
  std::size_t rest = w.size() - next;
  if (head == "select_one" || head == "select_multiple") {
    if (rest != 1) {
      t.problem = rest == 0 ? head + " needs the name of a choice list: '" + head + " LIST'"
                            : head + " takes one choice list name";
      return t;
    }
    t.kind = RowKind::question;
    t.type = head == "select_one" ? QuestionType::select_one : QuestionType::select_multiple;
    t.list = w[next];
    return t;
  }
  if (rest != 0) {
    t.problem = "unknown question type '" + std::string(written) + "'";
    return t;
  }
  if (head == "begin_group") t.kind = RowKind::begin_group;
  else if (head == "end_group") t.kind = RowKind::end_group;
  else if (head == "begin_repeat") t.kind = RowKind::begin_repeat;
  else if (head == "end_repeat") t.kind = RowKind::end_repeat;
  if (t.kind != RowKind::unknown) return t;
  for (const auto& [n, qt] : simple) {
    if (head == n) {
      t.kind = RowKind::question;
      t.type = qt;
      return t;
    }
  }
  t.problem = "unknown question type '" + std::string(written) +
              "'; Doorstep knows text, integer, decimal, date, time, datetime, select_one, "
              "select_multiple, note, calculate, geopoint, image, signature, acknowledge, "
              "begin_group/end_group and begin_repeat/end_repeat";
  return t;
}

Expression parse_expr(const SheetRow& r, const std::string& col, std::string_view text, Problems& p) {
  if (text.empty()) return Expression();
  auto e = Expression::parse(text);
  if (!e) {
    p.push_back({"survey", r.row, col, "cannot read the expression: " + e.error().message});
    return Expression();
  }
  return std::move(*e);
}

Condition parse_condition(const SheetRow& r, const std::string& col, Problems& p) {
  Condition c;
  c.written = r.get(col);
  std::string l = lower(c.written);
  if (l == "yes" || l == "true" || l == "true()" || l == "1") {
    c.always = true;
  } else if (!(l.empty() || l == "no" || l == "false" || l == "false()" || l == "0")) {
    c.when = parse_expr(r, col, c.written, p);
  }
  return c;
}

// relevant: an expression, or TRUE / FALSE as old forms write it (always / never).
Expression parse_relevant(const SheetRow& r, Problems& warnings, Problems& p) {
  const std::string& text = r.get("relevant");
  const std::string l = lower(text);
  if (l == "true" || l == "false" || l == "yes" || l == "no") {
    const bool yes = l == "true" || l == "yes";
    warnings.push_back({"survey", r.row, "relevant", "'" + text + "' is an old spelling, read as '" +
                                                         (yes ? "true()" : "false()") + "'; write it that way"});
    return yes ? Expression() : parse_expr(r, "relevant", "false()", p);
  }
  return parse_expr(r, "relevant", text, p);
}

void read_settings(Sheets& s, FormDefinition& def) {
  if (!s.has_settings || s.settings.empty()) {
    def.form_id = s.fallback_form_id;
    def.version = 1;
    if (!def.form_id.empty()) {
      // No settings sheet, or one without a setting Doorstep uses (only clean_text_values).
      s.warnings.push_back({"settings", 0, "", "there are no settings: form_id '" + def.form_id + "', version 1"});
    } else {
      s.problems.push_back({"settings", 2, "form_id", "the form needs a form_id and a version in its settings"});
    }
    def.title = def.form_id;
    return;
  }
  const SheetRow& r = s.settings.front();
  def.form_id = r.get("form_id");
  def.title = r.get("title");
  const std::string& v = r.get("version");
  if (def.form_id.empty() && !s.fallback_form_id.empty()) {
    // As pyxform: a form without form_id is named after its file.
    def.form_id = s.fallback_form_id;
    s.warnings.push_back({"settings", r.row, "form_id", "there is no form_id: the form is '" + def.form_id + "'"});
  }
  if (def.form_id.find(' ') != std::string::npos) {
    std::string id = def.form_id;
    std::replace(id.begin(), id.end(), ' ', '_');
    s.warnings.push_back({"settings", r.row, "form_id", "form_id '" + def.form_id + "' is used as '" + id +
                                                            "' (Doorstep form ids have no spaces)"});
    def.form_id = id;
  }
  if (def.form_id.empty()) {
    s.problems.push_back({"settings", r.row, "form_id", "the form needs a form_id"});
  } else if (def.form_id.size() > 128 ||
             !std::all_of(def.form_id.begin(), def.form_id.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
             })) {
    s.problems.push_back({"settings", r.row, "form_id", "form_id may use letters, digits, '_', '-' and '.' only"});
  }
  bool digits = !v.empty() && v.size() <= 18 &&
                std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (v.empty()) {
    def.version = 1;
    s.warnings.push_back({"settings", r.row, "version", "there is no version: version 1 (give each new version a "
                                                        "higher whole number)"});
  } else if (!digits) {
    s.problems.push_back({"settings", r.row, "version",
                          "the version must be a whole number that goes up with each new version (such as "
                          "2024041101), not '" + v + "'"});
  } else {
    def.version = std::stoll(v);
  }
  if (def.title.empty()) def.title = def.form_id;
}

void read_choices(Sheets& s, FormDefinition& def) {
  std::map<std::string, std::size_t> lists;
  std::map<std::pair<std::string, std::string>, int> seen;  // (list, name) -> row
  for (const auto& r : s.choices) {
    const std::string& list = r.get("list_name");
    const std::string& name = r.get("name");
    if (list.empty()) {
      s.problems.push_back({"choices", r.row, "list_name", "the choice has no list_name"});
      continue;
    }
    if (name.empty()) s.problems.push_back({"choices", r.row, "name", "the choice has no name"});
    if (r.get("label").empty()) s.problems.push_back({"choices", r.row, "label", "the choice has no label"});
    if (!name.empty()) {
      auto [it, fresh] = seen.emplace(std::make_pair(list, name), r.row);
      if (!fresh) {
        s.problems.push_back({"choices", r.row, "name", "list '" + list + "' already has a choice '" + name +
                                                            "' (row " + std::to_string(it->second) + ")"});
        continue;
      }
      if (std::any_of(name.begin(), name.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }))
        s.problems.push_back({"choices", r.row, "name", "a choice name cannot contain spaces (select_multiple answers are separated by spaces)"});
    }
    auto [lit, added] = lists.emplace(list, def.choice_lists.size());
    if (added) def.choice_lists.push_back(ChoiceList{list, {}});
    Choice c;
    c.row = r.row;
    c.name = name;
    c.label = r.get("label");
    for (const auto& [k, v] : r.cells)
      if (k != "list_name" && k != "name" && k != "label") c.columns[k] = v;
    def.choice_lists[lit->second].choices.push_back(std::move(c));
  }
}

struct Open {
  int index;
  RowKind kind;
  int row;
};

void read_survey(Sheets& s, FormDefinition& def) {
  Problems& p = s.problems;
  std::vector<Open> open;
  std::map<std::string, int> names;  // name -> row
  for (const auto& r : s.survey) {
    ParsedType t = parse_type(r.get("type"));
    if (t.kind == RowKind::end_group || t.kind == RowKind::end_repeat) {
      bool repeat = t.kind == RowKind::end_repeat;
      const char* what = repeat ? "end_repeat" : "end_group";
      if (open.empty()) {
        p.push_back({"survey", r.row, "type", std::string(what) + " has no begin_" + (repeat ? "repeat" : "group") + " to close"});
      } else {
        const Open& o = open.back();
        bool match = (o.kind == RowKind::begin_repeat) == repeat;
        if (!match)
          p.push_back({"survey", r.row, "type", std::string(what) + " closes '" + def.questions[o.index].name +
                                                    "', which is a " + (repeat ? "group" : "repeat") +
                                                    " begun at row " + std::to_string(o.row)});
        def.questions[static_cast<std::size_t>(o.index)].end_row = r.row;
        open.pop_back();
      }
      continue;
    }
    Question q;
    q.row = r.row;
    if (!t.old.empty())
      s.warnings.push_back({"survey", r.row, "type", "'" + r.get("type") + "' is an old spelling, read as '" + t.old +
                                                         "'; write it that way"});
    if (t.kind == RowKind::unknown) {
      p.push_back({"survey", r.row, "type", t.problem});
      q.type = QuestionType::text;  // a stand-in, so references to it do not cascade
    } else if (t.kind == RowKind::begin_group || t.kind == RowKind::begin_repeat) {
      q.type = t.kind == RowKind::begin_group ? QuestionType::group : QuestionType::repeat;
    } else {
      q.type = t.type;
      q.list_name = t.list;
    }
    q.name = r.get("name");
    q.label = r.get("label");
    q.hint = r.get("hint");
    q.appearance = r.get("appearance");
    q.required_message = r.get("required_message");
    q.constraint_message = r.get("constraint_message");
    q.default_value = r.get("default");
    q.choice_filter = r.get("choice_filter");
    if (!open.empty()) {
      q.parent = open.back().index;
      const Question& parent = def.questions[static_cast<std::size_t>(q.parent)];
      q.repeat = parent.type == QuestionType::repeat ? q.parent : parent.repeat;
    }
    if (q.name.empty()) {
      p.push_back({"survey", r.row, "name", "every question, group and repeat needs a name"});
    } else if (!valid_name(q.name)) {
      p.push_back({"survey", r.row, "name", "'" + q.name + "' is not a usable name: start with a letter or '_', then use letters, digits, '_', '-' or '.'"});
    } else if (q.name.rfind("__", 0) == 0) {
      p.push_back({"survey", r.row, "name", "names starting with '__' are reserved"});
    } else if (auto [it, fresh] = names.emplace(q.name, r.row); !fresh) {
      p.push_back({"survey", r.row, "name", "the name '" + q.name + "' is already used at row " + std::to_string(it->second)});
    }
    if (q.label.empty() && q.type != QuestionType::calculate && !q.is_container() && t.kind != RowKind::unknown)
      p.push_back({"survey", r.row, "label", "'" + q.name + "' needs a label"});
    if (q.type == QuestionType::select_one || q.type == QuestionType::select_multiple) {
      if (!def.choice_list(q.list_name))
        p.push_back({"survey", r.row, "type", "choice list '" + q.list_name + "' is not in the choices sheet"});
    }
    if (q.type == QuestionType::repeat && q.repeat >= 0)
      p.push_back({"survey", r.row, "type", "a repeat inside a repeat is not supported"});
    if (open.size() >= static_cast<std::size_t>(kMaxGroupDepth) && q.is_container())
      p.push_back({"survey", r.row, "type", "groups nest deeper than " + std::to_string(kMaxGroupDepth)});
    q.relevant = parse_relevant(r, s.warnings, p);
    for (const char* col : {"required", "read_only"}) {
      const std::string l = lower(r.get(col));
      if (l == "true" || l == "false")
        s.warnings.push_back({"survey", r.row, col, "'" + r.get(col) + "' is an old spelling, read as '" +
                                                        (l == "true" ? "yes" : "no") + "'; write it that way"});
    }
    q.constraint = parse_expr(r, "constraint", r.get("constraint"), p);
    q.calculation = parse_expr(r, "calculation", r.get("calculation"), p);
    q.required = parse_condition(r, "required", p);
    q.read_only = parse_condition(r, "read_only", p);
    if (q.type == QuestionType::calculate && r.get("calculation").empty())
      p.push_back({"survey", r.row, "calculation", "a calculate needs a calculation"});
    if ((q.is_container() || q.type == QuestionType::note) && !r.get("calculation").empty())
      p.push_back({"survey", r.row, "calculation", std::string("a ") + to_string(q.type) + " has no value to calculate"});
    auto ignored = [&](const char* col, bool applies) {
      if (!applies && !r.get(col).empty())
        s.warnings.push_back({"survey", r.row, col, std::string(col) + " does not apply to a " + to_string(q.type) + " and is ignored"});
    };
    bool answers = is_answerable(q.type);
    ignored("constraint", answers || q.type == QuestionType::calculate);
    ignored("required", answers);
    ignored("default", answers);
    ignored("read_only", answers);
    ignored("choice_filter", q.type == QuestionType::select_one || q.type == QuestionType::select_multiple);
    if (!answers) {
      q.required = Condition{};
      q.read_only = Condition{};
      q.default_value.clear();
      if (q.type != QuestionType::calculate) q.constraint = Expression();
    }
    if (q.type != QuestionType::select_one && q.type != QuestionType::select_multiple) q.choice_filter.clear();
    if (!r.get("save_to").empty()) s.save_to.emplace_back(static_cast<int>(def.questions.size()), r.get("save_to"));
    if (t.kind == RowKind::begin_group || t.kind == RowKind::begin_repeat) {
      open.push_back({static_cast<int>(def.questions.size()), t.kind, r.row});
    }
    def.questions.push_back(std::move(q));
  }
  for (auto it = open.rbegin(); it != open.rend(); ++it) {
    const Question& q = def.questions[static_cast<std::size_t>(it->index)];
    p.push_back({"survey", it->row, "type", std::string(it->kind == RowKind::begin_repeat ? "repeat" : "group") +
                                                " '" + q.name + "' is never closed (add an end_" +
                                                (it->kind == RowKind::begin_repeat ? "repeat" : "group") + " row)"});
  }
  if (def.questions.empty() && p.empty()) p.push_back({"survey", 0, "", "the survey has no questions"});
}

// Defaults and choice filters need the choice lists and the name index.
void read_defaults_and_filters(Sheets& s, FormDefinition& def) {
  for (auto& q : def.questions) {
    if (!q.default_value.empty()) {
      auto v = canonical_answer(def, q, Value(q.default_value));
      if (!v) {
        s.problems.push_back({"survey", q.row, "default", "the default does not fit the question: " + v.error().message});
      } else {
        q.default_value = to_text(*v);
      }
    }
    if (q.choice_filter.empty()) continue;
    const ChoiceList* list = def.choice_list(q.list_name);
    if (!list) continue;
    std::vector<std::string> unknown;
    std::string rewritten = rewrite_choice_filter(q.choice_filter, *list, &unknown);
    for (const auto& u : unknown)
      s.problems.push_back({"survey", q.row, "choice_filter", "'" + u + "' is not a column of choice list '" +
                                                                  q.list_name + "' (write ${" + u + "} for a question)"});
    if (unknown.empty()) {
      SheetRow r;
      r.row = q.row;
      q.choice_filter_expr = parse_expr(r, "choice_filter", rewritten, s.problems);
    }
  }
}

}  // namespace

DefinitionLoad build_definition(Sheets s) {
  auto def = std::make_shared<FormDefinition>();
  read_settings(s, *def);
  read_choices(s, *def);
  def->build_index();
  read_survey(s, *def);
  def->build_index();
  read_defaults_and_filters(s, *def);
  check_references(*def, s.problems);
  resolve_save_to(*def, s.save_to, s.problems);
  build_plan(*def, s.problems);
  // Problems in sheet order (settings, survey, choices), then by row, for the author.
  auto rank = [](const std::string& sheet) {
    return sheet.empty() ? 0 : sheet == "settings" ? 1 : sheet == "survey" ? 2 : 3;
  };
  std::stable_sort(s.problems.begin(), s.problems.end(), [&](const auto& a, const auto& b) {
    return std::make_pair(rank(a.sheet), a.row) < std::make_pair(rank(b.sheet), b.row);
  });
  DefinitionLoad load;
  load.warnings = std::move(s.warnings);
  load.problems = std::move(s.problems);
  if (load.problems.empty()) load.definition = std::move(def);
  return load;
}

}  // namespace doorstep::forms
