// Doorstep's JSON definition format -> the sheet model, and a definition back to JSON.
#include <fstream>
#include <sstream>

#include "forms/sheets.h"

namespace doorstep::forms {
namespace {

using nlohmann::json;
// Rows keep their columns in the order written: the first language column is the one
// used, as in a spreadsheet (nlohmann::json would sort them).
using ordered = nlohmann::ordered_json;

std::string trim(std::string s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  std::size_t b = 0, e = s.size();
  while (b < e && ws(s[b])) ++b;
  while (e > b && ws(s[e - 1])) --e;
  return s.substr(b, e - b);
}

// A cell as text: strings as they are, numbers in their shortest form, true = "yes".
std::optional<std::string> cell_text(const ordered& v) {
  switch (v.type()) {
    case json::value_t::string: return trim(v.get<std::string>());
    case json::value_t::null: return std::string();
    case json::value_t::boolean: return std::string(v.get<bool>() ? "yes" : "no");
    case json::value_t::number_integer: return std::to_string(v.get<std::int64_t>());
    case json::value_t::number_unsigned: return std::to_string(v.get<std::uint64_t>());
    case json::value_t::number_float: return v.dump();
    default: return std::nullopt;
  }
}

void read_rows(const char* sheet, const ordered& rows, std::vector<SheetRow>& out, Sheets& s,
               std::size_t max_rows) {
  if (!rows.is_array()) {
    s.problems.push_back({sheet, 0, "", std::string("\"") + sheet + "\" must be a list of rows"});
    return;
  }
  if (rows.size() > max_rows) {
    s.problems.push_back({sheet, 0, "", std::string("more than ") + std::to_string(max_rows) + " rows"});
    return;
  }
  // One header for the sheet: every key any row uses, so each unknown key warns once.
  std::vector<std::string> header;
  std::map<std::string, std::size_t> seen;
  for (const auto& r : rows) {
    if (!r.is_object()) continue;
    for (const auto& [k, v] : r.items())
      if (seen.emplace(k, header.size()).second) header.push_back(k);
  }
  auto mapping = map_header(sheet, header, s.warnings, s.problems);
  int row = 1;
  for (const auto& r : rows) {
    ++row;
    if (!r.is_object()) {
      s.problems.push_back({sheet, row, "", "each row must be an object of column: text"});
      continue;
    }
    SheetRow out_row;
    out_row.row = row;
    for (const auto& [k, v] : r.items()) {
      const std::string& canon = mapping[seen[k]];
      if (canon.empty()) continue;
      if (canon[0] == kRefusedColumn) {
        auto text = cell_text(v);
        if (!text || !text->empty()) s.problems.push_back(refused_cell(sheet, row, canon));
        continue;
      }
      auto text = cell_text(v);
      if (!text) {
        s.problems.push_back({sheet, row, canon, "must be text, a number or true/false"});
      } else if (text->size() > kMaxCellBytes) {
        s.problems.push_back({sheet, row, canon, "longer than " + std::to_string(kMaxCellBytes) + " bytes"});
      } else if (!text->empty()) {
        out_row.cells[canon] = std::move(*text);
      }
    }
    // Blank rows are skipped, as in a spreadsheet; they keep their row numbers.
    if (!out_row.cells.empty()) out.push_back(std::move(out_row));
  }
}

}  // namespace

DefinitionLoad load_definition_json(const json& doc) { return load_definition_json(ordered(doc)); }

DefinitionLoad load_definition_json(const ordered& doc) {
  Sheets s;
  if (!doc.is_object()) {
    DefinitionLoad load;
    load.problems.push_back({"", 0, "", "a form definition is a JSON object with \"settings\", \"survey\" and \"choices\""});
    return load;
  }
  for (const auto& [k, v] : doc.items()) {
    if (k != "settings" && k != "survey" && k != "choices")
      s.warnings.push_back({"", 0, k, "\"" + k + "\" is not used by Doorstep and is ignored"});
  }
  if (auto it = doc.find("survey"); it != doc.end()) {
    read_rows("survey", *it, s.survey, s, kMaxSurveyRows);
  } else {
    s.problems.push_back({"survey", 0, "", "there is no \"survey\""});
  }
  if (auto it = doc.find("choices"); it != doc.end()) read_rows("choices", *it, s.choices, s, kMaxChoiceRows);
  if (auto it = doc.find("settings"); it != doc.end()) {
    s.has_settings = true;
    if (it->is_object()) {
      read_rows("settings", ordered::array({*it}), s.settings, s, 1);
    } else {
      s.problems.push_back({"settings", 0, "", "\"settings\" must be an object"});
    }
  }
  return build_definition(std::move(s));
}

DefinitionLoad load_definition_json(std::string_view text) {
  if (text.size() > kMaxDefinitionBytes) {
    DefinitionLoad load;
    load.problems.push_back({"", 0, "", "the form is larger than " + std::to_string(kMaxDefinitionBytes) + " bytes"});
    return load;
  }
  ordered doc = ordered::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    DefinitionLoad load;
    load.problems.push_back({"", 0, "", "not valid JSON"});
    return load;
  }
  return load_definition_json(doc);
}

DefinitionLoad load_definition_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    DefinitionLoad load;
    load.problems.push_back({"", 0, "", file.filename().string() + ": cannot be read"});
    return load;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return load_definition_json(std::string_view(ss.str()));
}

json definition_to_json(const FormDefinition& def) {
  json survey = json::array();
  std::vector<int> open;  // containers not yet closed
  auto close_to = [&](int parent) {
    while (!open.empty() && open.back() != parent) {
      const Question& c = def.questions[static_cast<std::size_t>(open.back())];
      survey.push_back({{"type", c.type == QuestionType::repeat ? "end_repeat" : "end_group"}});
      open.pop_back();
    }
  };
  for (std::size_t i = 0; i < def.questions.size(); ++i) {
    const Question& q = def.questions[i];
    close_to(q.parent);
    json row = json::object();
    std::string type = to_string(q.type);
    if (!q.list_name.empty()) type += " " + q.list_name;
    row["type"] = type;
    auto put = [&](const char* col, const std::string& v) {
      if (!v.empty()) row[col] = v;
    };
    put("name", q.name);
    put("label", q.label);
    put("hint", q.hint);
    put("required", q.required.always ? std::string("yes") : q.required.when.text());
    put("required_message", q.required_message);
    put("relevant", q.relevant.text());
    put("constraint", q.constraint.text());
    put("constraint_message", q.constraint_message);
    put("calculation", q.calculation.text());
    put("default", q.default_value);
    put("read_only", q.read_only.always ? std::string("yes") : q.read_only.when.text());
    put("appearance", q.appearance);
    put("choice_filter", q.choice_filter);
    if (q.save_to) row["save_to"] = q.save_to->text();
    survey.push_back(std::move(row));
    if (q.is_container()) open.push_back(static_cast<int>(i));
  }
  close_to(-1);
  json choices = json::array();
  for (const auto& list : def.choice_lists) {
    for (const auto& c : list.choices) {
      json row = {{"list_name", list.name}, {"name", c.name}, {"label", c.label}};
      for (const auto& [k, v] : c.columns) row[k] = v;
      choices.push_back(std::move(row));
    }
  }
  return {{"settings", {{"form_id", def.form_id}, {"version", def.version}, {"title", def.title}}},
          {"survey", std::move(survey)},
          {"choices", std::move(choices)}};
}

}  // namespace doorstep::forms
