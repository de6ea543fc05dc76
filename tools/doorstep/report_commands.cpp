// report (add, list) and attachment (list, export).
#include "cli.h"
#include "doorstep/core/field_reports.h"

namespace doorstep::cli {

namespace {

struct ReportArgs {
  std::string category, description, address, priority = "normal", case_id, id, out, owner;
  std::optional<double> lat, lon, accuracy;
  std::vector<std::string> photos;
};
}  // namespace

void add_report_commands(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<ReportArgs>();
  auto* report = app.add_subcommand("report", "field reports of issues in the street");
  report->require_subcommand(1);

  auto* add = report->add_subcommand("add", "report an issue, with photos");
  add->add_option("--category", a->category, "e.g. fly-tipping, graffiti, abandoned vehicle")->required();
  add->add_option("--description", a->description, "what you saw");
  add->add_option("--address", a->address, "where");
  add->add_option("--lat", a->lat, "latitude (WGS84)");
  add->add_option("--lon", a->lon, "longitude (WGS84)");
  add->add_option("--accuracy", a->accuracy, "location accuracy in metres");
  add->add_option("--priority", a->priority, "low, normal, high or urgent");
  add->add_option("--case", a->case_id, "the case it belongs to");
  add->add_option("--photo", a->photos, "a JPEG, PNG, HEIC or WebP file (repeat for several)");
  add->callback([&ctx, a] {
    ctx.run = with_store(ctx, [&ctx, a](Store& s) {
      FieldReportInput in;
      in.category = a->category;
      in.description = a->description;
      in.address = a->address;
      in.priority = a->priority;
      in.case_id = a->case_id;
      auto place = place_from(a->lat, a->lon, a->accuracy);
      if (!place) return ctx.fail(place.error());
      in.place = *place;
      for (const auto& p : a->photos) in.photos.emplace_back(p);
      auto r = FieldReports(s).create(in);
      if (!r) return ctx.fail(r.error());
      nlohmann::json j = record_json(r->report);
      j["attachments"] = nlohmann::json::array();
      for (const auto& at : r->attachments) j["attachments"].push_back(record_json(at));
      return ctx.done(j, "Reported " + a->category + " (" + r->report.id + ") with " +
                             std::to_string(r->attachments.size()) + " photo(s)");
    });
  });

  auto* list = report->add_subcommand("list", "reports on this device");
  list->callback([&ctx] {
    ctx.run = with_store(ctx, [&ctx](Store& s) {
      auto reports = s.list("field_report", "", "", 10000);
      if (!reports) return ctx.fail(reports.error());
      nlohmann::json arr = nlohmann::json::array();
      std::string h;
      for (const auto& r : *reports) {
        arr.push_back(record_json(r));
        h += short_time(r.text("reported_at")) + "  " + r.text("category") + " [" + r.text("status") + ", " +
             r.text("priority") + "]  " + r.text("address") + "  (" + r.id + ")\n";
      }
      if (reports->empty()) h = "No reports on this device.";
      return ctx.done({{"reports", arr}}, h);
    });
  });

  auto* att = app.add_subcommand("attachment", "photos and documents attached to records");
  att->require_subcommand(1);
  auto* al = att->add_subcommand("list", "attachments of a record");
  al->add_option("--owner", a->owner, "the record's id (e.g. a report)")->required();
  al->callback([&ctx, a] {
    ctx.run = with_store(ctx, [&ctx, a](Store& s) {
      auto list = s.list("attachment", "owner_id", a->owner);
      if (!list) return ctx.fail(list.error());
      nlohmann::json arr = nlohmann::json::array();
      std::string h;
      for (const auto& r : *list) {
        arr.push_back(record_json(r));
        h += r.id + "  " + r.text("media_type") + "  " + std::to_string(r.integer("size_bytes").value_or(0)) +
             " bytes  " + r.text("file_name") + "\n";
      }
      if (list->empty()) h = "No attachments.";
      return ctx.done({{"attachments", arr}}, h);
    });
  });
  auto* ex = att->add_subcommand("export", "decrypt an attachment to a file");
  ex->add_option("--id", a->id, "the attachment's id")->required();
  ex->add_option("--out", a->out, "the file to write")->required();
  ex->callback([&ctx, a] {
    ctx.run = with_store(ctx, [&ctx, a](Store& s) {
      auto st = export_attachment(s, a->id, a->out);
      if (!st.ok()) return ctx.fail(st.error());
      return ctx.done({{"exported", a->id}, {"path", a->out}}, "Wrote " + a->out);
    });
  });
}

}  // namespace doorstep::cli
