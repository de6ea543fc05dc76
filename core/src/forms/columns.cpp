// XLSForm's column names and what Doorstep does with each: used (under its canonical
// name), ignored with a warning, or refused because it carries logic or a message that
// Doorstep would not honour. The aliases are the ones pyxform reads.
#include <map>

#include "forms/sheets.h"

namespace doorstep::forms {
namespace {

std::string lower_key(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == ' ') c = '_';
  }
  return out;
}

std::string trim(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// Canonical survey columns and the spellings XLSForm tools also accept.
const std::map<std::string, std::string, std::less<>>& survey_columns() {
  static const std::map<std::string, std::string, std::less<>> m = {
      {"type", "type"}, {"name", "name"}, {"label", "label"}, {"caption", "label"}, {"hint", "hint"},
      {"required", "required"}, {"required_message", "required_message"},
      {"jr:requiredmsg", "required_message"}, {"relevant", "relevant"},
      {"relevance", "relevant"}, {"constraint", "constraint"},
      {"constraint_message", "constraint_message"}, {"constraining_message", "constraint_message"},
      {"jr:constraintmsg", "constraint_message"},
      {"calculation", "calculation"}, {"calculate", "calculation"}, {"default", "default"},
      {"read_only", "read_only"}, {"readonly", "read_only"}, {"appearance", "appearance"},
      {"choice_filter", "choice_filter"}, {"save_to", "save_to"},
  };
  return m;
}

// bind::<attribute> (the XForm bind pyxform writes): the ones Doorstep honours.
const std::map<std::string, std::string, std::less<>>& bind_columns() {
  static const std::map<std::string, std::string, std::less<>> m = {
      {"relevant", "relevant"},     {"constraint", "constraint"}, {"required", "required"},
      {"readonly", "read_only"},    {"calculate", "calculation"}, {"jr:constraintmsg", "constraint_message"},
      {"jr:requiredmsg", "required_message"},
  };
  return m;
}

bool translatable(std::string_view base) {
  return base == "label" || base == "hint" || base == "constraint_message" || base == "required_message";
}

bool media_column(std::string_view key) {
  return key == "media" || key == "image" || key == "audio" || key == "video" || key == "big-image";
}

// Columns whose cells change what the form does (logic) or what the worker is told.
std::string logic_refusal(const std::string& key, const std::string& written) {
  if (key == "repeat_count" || key == "jr:count" || key == "control::jr:count" || key == "body::jr:count")
    return "repeat_count is not supported: a repeat's instances are added by the worker; remove the column (or the "
           "cell) and say in the label how many to add";
  if (key == "trigger") return "trigger (recalculate when another answer changes) is not supported";
  if (key.rfind("bind::", 0) == 0)
    return "'" + written + "' is a bind attribute Doorstep does not honour; remove it or use a column Doorstep "
           "supports (relevant, constraint, required, read_only, calculation)";
  if (key.find("msg") != std::string::npos || key.find("message") != std::string::npos)
    return "'" + written + "' is a message Doorstep would not show the worker; use constraint_message or "
           "required_message";
  return "";
}

}  // namespace

ColumnMeaning read_column(std::string_view sheet, std::string_view header) {
  ColumnMeaning m;
  std::string h = trim(header);
  std::string base = h;
  // "label::English (en)"; the old one-colon spellings ("label:English", "bind:relevant")
  // are read the same, with a warning; "jr:constraintMsg" is a name, not a language.
  if (auto sep = h.find("::"); sep != std::string::npos) {
    base = h.substr(0, sep);
    m.language = h.substr(sep + 2);
  } else if (auto one = h.find(':'); one != std::string::npos) {
    const std::string prefix = lower_key(h.substr(0, one));
    if (prefix == "bind" || prefix == "body" || prefix == "control" || prefix == "media" || prefix == "instance" ||
        translatable(prefix) || prefix == "caption" || media_column(prefix)) {
      m.deprecated = h.substr(0, one) + "::" + h.substr(one + 1);
      base = h.substr(0, one);
      m.language = h.substr(one + 1);
    }
  }
  const std::string key = lower_key(base);
  if (sheet == "survey") {
    if (key == "bind" || key == "control" || key == "body") {
      // An attribute, not a language: bind::relevant, control::appearance, body::jr:count.
      std::string attr = m.language;
      m.language.clear();
      if (auto sep = attr.find("::"); sep != std::string::npos) {  // bind::jr:constraintMsg::English
        m.language = attr.substr(sep + 2);
        attr = attr.substr(0, sep);
      }
      attr = lower_key(attr);
      if (key == "bind") {
        if (auto it = bind_columns().find(attr); it != bind_columns().end()) m.canonical = it->second;
        else m.refusal = logic_refusal("bind::" + attr, h);
      } else if (attr == "appearance") {
        m.canonical = "appearance";
      } else if (attr == "jr:count") {
        m.refusal = logic_refusal("control::jr:count", h);
      } else {
        m.ignored = "'" + h + "' is a display attribute Doorstep does not use; it is ignored";
      }
      return m;
    }
    if (media_column(key)) {
      m.ignored = "'" + h + "': media (pictures, sound, video) in labels are not shown by Doorstep yet; it is ignored";
      return m;
    }
    if (key == "instance") {
      m.ignored = "'" + h + "' is an attribute of the saved answer Doorstep does not keep; it is ignored";
      return m;
    }
    auto it = survey_columns().find(key);
    if (it == survey_columns().end()) {
      m.refusal = logic_refusal(key, h);
      if (m.refusal.empty()) m.ignored = "column '" + h + "' is not used by Doorstep and is ignored";
      return m;
    }
    if (!m.language.empty() && !translatable(it->second)) {
      m.ignored = "column '" + h + "' is not used by Doorstep and is ignored";
      return m;
    }
    m.canonical = it->second;
    return m;
  }
  if (sheet == "choices") {
    if (key == "list_name") m.canonical = "list_name";
    else if (key == "name" || key == "value") m.canonical = "name";
    else if (key == "label" || key == "caption") m.canonical = "label";
    else if (media_column(key))
      m.ignored = "'" + h + "': media (pictures, sound, video) in labels are not shown by Doorstep yet; it is ignored";
    else if (m.language.empty() && m.deprecated.empty()) m.canonical = h;  // extra columns keep their spelling for choice_filter
    else m.ignored = "column '" + h + "' is not used by Doorstep and is ignored";
    return m;
  }
  if (key == "form_id" || key == "id_string") m.canonical = "form_id";
  else if (key == "version") m.canonical = "version";
  else if (key == "form_title" || key == "title") m.canonical = "title";
  else m.ignored = "setting '" + h + "' is not used by Doorstep and is ignored";
  return m;
}

}  // namespace doorstep::forms
