// The office API for forms (hub/forms.h):
//   POST /v1/office/forms                      a form: JSON, or multipart/form-data with a `file`
//                                              (.xlsx, .xls, .json, .csv) or CSV sheets `survey`,
//                                              `choices`, `settings` (and `form_id` when there are no
//                                              settings); or an .xlsx/.xls body by its media type
//                                              -> 200 {"record", "published", "warnings": [...]}
//                                              with problems -> 400 {"error", "message", "problems": [...],
//                                              "warnings": [...]}
//   GET  /v1/office/forms                      every published version   -> 200 {"forms": [...]}
//   GET  /v1/office/forms/{id}                 one version ("<form_id>-v<n>") -> 200 {"record"}
//   GET  /v1/office/form-submissions?case_id=  the submissions of a case -> 200 {"submissions": [...]}
//   GET  /v1/office/form-submissions/{id}      one submission            -> 200 {"record"}
#include "doorstep/core/forms/form_files.h"
#include "doorstep/protocol/messages.h"
#include "http/auth.h"
#include "http/json_io.h"
#include "http/routes.h"
#include "hub/office_audit.h"
#include "hub/office_scope.h"
#include "hub/forms.h"
#include "hub/record_rows.h"

namespace doorstep::server::http {

using nlohmann::json;

namespace {

json problems_json(const std::vector<forms::DefinitionProblem>& problems) {
  json out = json::array();
  for (const auto& p : problems)
    out.push_back({{"sheet", p.sheet}, {"row", p.row}, {"column", p.column}, {"message", p.message}});
  return out;
}

// One record, to a caller whose teams it belongs to (forms: every office role that reads
// forms), the read audited.
void send_record(Hub& hub, const OfficeCaller& who, httplib::Response& res, const std::string& type,
                 const std::string& id) {
  auto db = hub.pool().lease();
  if (!db) return send_error(res, db.error());
  auto found = load_record(**db, type, id);
  if (!found) return send_error(res, found.error());
  if (!*found) return send_error(res, 404, "not_found", "no such " + type);
  if (type != "form_definition") {
    auto teams = state_teams(**db, (*found)->state.record);
    if (!teams) return send_error(res, teams.error());
    if (!covers_any(who, *teams)) return send_outside_teams(res);
    if (auto a = audit_view(hub, who, type, id); !a.ok()) return send_error(res, a.error());
  }
  send_json(res, 200, {{"record", protocol::record_to_json((*found)->state.record)}});
}

constexpr const char* kXlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
constexpr const char* kXlsType = "application/vnd.ms-excel";

// The form in a publish request, loaded by core's forms engine whatever its format.
Result<forms::DefinitionLoad> form_in(const httplib::Request& req) {
  auto bad = [](const std::string& m) { return make_error(ErrorDomain::input, ErrorCode::invalid_argument, m); };
  const std::string type = req.get_header_value("Content-Type");
  if (req.is_multipart_form_data()) {
    if (req.has_file("file")) {
      const auto f = req.get_file_value("file");
      if (f.filename.empty()) return bad("the file part needs a file name (its extension tells the format)");
      return forms::load_form_bytes(f.filename, f.content);
    }
    if (!req.has_file("survey"))
      return bad("send the form as a part named file (.xlsx, .xls, .json, .csv) or as CSV sheets named survey, "
                 "choices and settings");
    // Every other part is a sheet of the workbook, saved as CSV, named by the part.
    std::string form_id = req.has_file("form_id") ? req.get_file_value("form_id").content : std::string("form");
    std::vector<std::pair<std::string, std::string>> sheets;
    for (const auto& [name, part] : req.files)
      if (name != "form_id") sheets.emplace_back(name, part.content);
    return forms::load_xlsform_csv_sheets(sheets, form_id);
  }
  const std::string fallback = req.has_param("form_id") ? req.get_param_value("form_id") : "form";
  if (type.rfind(kXlsxType, 0) == 0) return forms::load_xlsform_xlsx(req.body, fallback);
  if (type.rfind(kXlsType, 0) == 0) return forms::load_xlsform_xls(req.body, fallback);
  auto body = parse_body(req);  // malformed or too deep JSON: the usual 400
  if (!body) return body.error();
  return forms::load_definition_json(std::string_view(req.body));
}

}  // namespace

void add_form_routes(Router& r, Hub& hub) {
  r.post("/v1/office/forms", "/v1/office/forms", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto who = require_office(hub, req, res, {Role::admin});
    if (!who) return;
    auto load = form_in(req);
    if (!load) return send_error(res, load.error());
    auto out = FormPublisher(hub).publish(*load, who->user);
    if (!out) return send_error(res, out.error());
    if (!out->problems.empty()) {
      const auto n = out->problems.size();
      return send_json(res, 400,
                       {{"error", "invalid_argument"},
                        {"message", "the form definition has " + std::to_string(n) + (n == 1 ? " problem" : " problems") +
                                        "; nothing was published"},
                        {"problems", problems_json(out->problems)},
                        {"warnings", problems_json(out->warnings)}});
    }
    send_json(res, 200, {{"record", protocol::record_to_json(*out->record)},
                         {"published", out->created},
                         {"warnings", problems_json(out->warnings)}});
  });

  r.get("/v1/office/forms", "/v1/office/forms", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto who = require_office(hub, req, res, {Role::admin, Role::manager});
    if (!who) return;
    auto list = FormPublisher(hub).published();
    if (!list) return send_error(res, list.error());
    json forms = json::array();
    for (const auto& f : *list)
      forms.push_back({{"id", f.id},
                       {"form_id", f.text("form_id")},
                       {"version", f.integer("version").value_or(0)},
                       {"title", f.text("title")},
                       {"published_at", f.text("published_at")}});
    send_json(res, 200, {{"forms", forms}});
  });

  r.get(std::string("/v1/office/forms/") + kIdPattern, "/v1/office/forms/{id}",
        [&hub](const httplib::Request& req, httplib::Response& res) {
          auto who = require_office(hub, req, res, {Role::admin, Role::manager});
          if (!who) return;
          send_record(hub, *who, res, "form_definition", req.matches[1]);
        });

  r.get("/v1/office/form-submissions", "/v1/office/form-submissions",
        [&hub](const httplib::Request& req, httplib::Response& res) {
          auto who = require_office(hub, req, res, {Role::admin, Role::manager});
          if (!who) return;
          const std::string case_id = req.get_param_value("case_id");
          if (case_id.empty() || case_id.size() > 64)
            return send_error(res, 400, "invalid_argument", "give the case: ?case_id=ID");
          auto db = hub.pool().lease();
          if (!db) return send_error(res, db.error());
          auto teams = record_teams(**db, "case", case_id);
          if (!teams) return send_error(res, teams.error());
          if (*teams && !covers_any(*who, **teams)) return send_outside_teams(res);
          if (auto a = audit_view(hub, *who, "list", "form-submissions", "case_id=" + case_id); !a.ok())
            return send_error(res, a.error());
          auto rows = (*db)->query(std::string("SELECT ") + kRecordColumns +
                                       " FROM record r WHERE r.type = 'form_submission' AND r.case_id = ? ORDER BY r.rev",
                                   {case_id});
          if (!rows) return send_error(res, rows.error());
          json out = json::array();
          for (const auto& row : *rows) {
            auto s = row_to_stored(row, false);
            if (!s) return send_error(res, s.error());
            out.push_back(protocol::record_to_json(s->state.record));
          }
          send_json(res, 200, {{"submissions", out}});
        });

  r.get(std::string("/v1/office/form-submissions/") + kIdPattern, "/v1/office/form-submissions/{id}",
        [&hub](const httplib::Request& req, httplib::Response& res) {
          auto who = require_office(hub, req, res, {Role::admin, Role::manager});
          if (!who) return;
          send_record(hub, *who, res, "form_submission", req.matches[1]);
        });
}

}  // namespace doorstep::server::http
