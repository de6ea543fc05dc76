// A form file by its name: JSON, a workbook, a survey CSV, or a folder of CSV sheets.
#include "doorstep/core/forms/form_files.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace doorstep::forms {
namespace {

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

DefinitionLoad one_problem(const std::string& message) {
  DefinitionLoad load;
  load.problems.push_back({"", 0, "", message});
  return load;
}

}  // namespace

DefinitionLoad load_form_bytes(std::string_view file_name, std::string_view bytes) {
  const std::filesystem::path name{std::string(file_name)};
  const std::string ext = lower(name.extension().string());
  const std::string stem = name.stem().string();
  if (ext == ".json") return load_definition_json(bytes);
  if (ext == ".xlsx") return load_xlsform_xlsx(bytes, stem);
  if (ext == ".xls") return load_xlsform_xls(bytes, stem);
  if (ext == ".csv") return load_xlsform_csv(bytes, "", "", stem);
  if (ext == ".xlsm")
    return one_problem(name.filename().string() + " is a workbook with macros (.xlsm); Doorstep does not run "
                                                  "macros: save it as .xlsx without them");
  return one_problem(name.filename().string() +
                     ": give a form as .xlsx, .xls, .json, a survey .csv or a folder of CSV sheets");
}

DefinitionLoad load_form_path(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return load_xlsform_dir(path);
  if (!std::filesystem::is_regular_file(path, ec)) return one_problem(path.string() + ": no such file or folder");
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return one_problem(path.string() + ": cannot be read");
  const std::size_t limit = std::max(kMaxWorkbookBytes, kMaxDefinitionBytes);
  if (size > limit) return one_problem(path.filename().string() + " is larger than " + std::to_string(limit) + " bytes");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (!in && !in.eof()) return one_problem(path.string() + ": cannot be read");
  return load_form_bytes(path.filename().string(), ss.str());
}

}  // namespace doorstep::forms
