// visit (list, plan, check-in, check-out, cancel, no-access) and task (list, complete).
#include "cli.h"
#include "doorstep/core/tasks.h"
#include "doorstep/core/visits.h"

namespace doorstep::cli {

namespace {

struct VisitArgs {
  std::string id, case_id, start, end, purpose, expected_end, at, outcome, reason, from, to, note;
  std::optional<double> lat, lon, accuracy;
};

std::string visit_line(const Record& v) {
  std::string h = short_time(v.text("planned_start")) + "  [" + v.text("status") + "]  " +
                  (v.text("purpose").empty() ? "visit" : v.text("purpose")) + "  case " + v.text("case_id") +
                  "  (" + v.id + ")";
  if (!v.text("expected_end").empty() && v.text("status") == "under_way")
    h += "\n    checked in " + short_time(v.text("checked_in_at")) + ", expected to leave by " +
         short_time(v.text("expected_end"));
  if (!v.text("outcome").empty()) h += "\n    " + v.text("outcome");
  return h;
}

int visit_result(Context& ctx, const Result<Record>& r) {
  if (!r) return ctx.fail(r.error());
  return ctx.done(record_json(*r), visit_line(*r));
}
}  // namespace

void add_visit_commands(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<VisitArgs>();
  auto* visit = app.add_subcommand("visit", "plan and record visits");
  visit->require_subcommand(1);

  auto* list = visit->add_subcommand("list", "visits planned in a period (default: today and the next 7 days)");
  list->add_option("--from", a->from, "start of the period (e.g. 2026-11-25)");
  list->add_option("--to", a->to, "end of the period, exclusive");
  list->callback([&ctx, a] {
    ctx.run = with_store(ctx, [&ctx, a](Store& s) {
      std::string from = a->from, to = a->to;
      const std::int64_t day = 86'400'000;
      if (from.empty()) from = format_timestamp(s.clock().now_ms() / day * day);
      if (to.empty()) {
        auto f = parse_timestamp(from);
        if (!f) return ctx.fail(f.error());
        to = format_timestamp(*f + 8 * day);
      }
      auto visits = Visits(s).between(from, to);
      if (!visits) return ctx.fail(visits.error());
      nlohmann::json arr = nlohmann::json::array();
      std::string h;
      for (const auto& v : *visits) {
        arr.push_back(record_json(v));
        h += visit_line(v) + "\n";
      }
      if (visits->empty()) h = "No visits planned in that period.";
      return ctx.done({{"visits", arr}}, h);
    });
  });

  auto* plan = visit->add_subcommand("plan", "plan a visit on a case");
  plan->add_option("--case", a->case_id, "the case's id")->required();
  plan->add_option("--start", a->start, "planned start (e.g. 2026-11-25T10:00Z)")->required();
  plan->add_option("--end", a->end, "planned end");
  plan->add_option("--purpose", a->purpose, "e.g. \"statutory visit\"");
  plan->callback([&ctx, a] {
    ctx.run = with_store(ctx, [&ctx, a](Store& s) {
      return visit_result(ctx, Visits(s).plan({a->case_id, a->start, a->end, a->purpose}));
    });
  });

  auto* replan = visit->add_subcommand("replan", "move a planned visit or change its purpose");
  replan->add_option("--id", a->id, "the visit's id")->required();
  replan->add_option("--start", a->start, "new planned start");
  replan->add_option("--end", a->end, "new planned end");
  replan->add_option("--purpose", a->purpose, "new purpose");
  replan->callback([&ctx, a] {
    ctx.run = with_store(ctx, [&ctx, a](Store& s) {
      return visit_result(ctx, Visits(s).replan(a->id, {"", a->start, a->end, a->purpose}));
    });
  });

  auto* in = visit->add_subcommand("check-in", "arrive: start the visit and the lone-worker timer");
  in->add_option("--id", a->id, "the visit's id")->required();
  in->add_option("--expected-end", a->expected_end, "when you expect to leave")->required();
  in->add_option("--lat", a->lat, "latitude (WGS84)");
  in->add_option("--lon", a->lon, "longitude (WGS84)");
  in->add_option("--accuracy", a->accuracy, "location accuracy in metres");
  in->add_option("--at", a->at, "arrival time (default: now)");
  in->callback([&ctx, a] {
    ctx.run = with_store(ctx, [&ctx, a](Store& s) {
      VisitCheckIn c;
      c.expected_end = a->expected_end;
      c.at = a->at;
      auto place = place_from(a->lat, a->lon, a->accuracy);
      if (!place) return ctx.fail(place.error());
      c.place = *place;
      return visit_result(ctx, Visits(s).check_in(a->id, c));
    });
  });

  auto* out = visit->add_subcommand("check-out", "leave: complete the visit with its outcome");
  out->add_option("--id", a->id, "the visit's id")->required();
  out->add_option("--outcome", a->outcome, "what happened")->required();
  out->add_option("--at", a->at, "departure time (default: now)");
  out->callback([&ctx, a] {
    ctx.run = with_store(ctx, [&ctx, a](Store& s) { return visit_result(ctx, Visits(s).check_out(a->id, a->outcome, a->at)); });
  });

  auto* cancel = visit->add_subcommand("cancel", "cancel a planned visit");
  cancel->add_option("--id", a->id, "the visit's id")->required();
  cancel->add_option("--reason", a->reason, "why")->required();
  cancel->callback([&ctx, a] {
    ctx.run = with_store(ctx, [&ctx, a](Store& s) { return visit_result(ctx, Visits(s).cancel(a->id, a->reason)); });
  });

  auto* na = visit->add_subcommand("no-access", "record that the visit could not take place at the door");
  na->add_option("--id", a->id, "the visit's id")->required();
  na->add_option("--reason", a->reason, "e.g. \"no answer\"")->required();
  na->callback([&ctx, a] {
    ctx.run = with_store(ctx, [&ctx, a](Store& s) { return visit_result(ctx, Visits(s).no_access(a->id, a->reason)); });
  });

  auto* task = app.add_subcommand("task", "reablement care-plan tasks");
  task->require_subcommand(1);
  auto* tl = task->add_subcommand("list", "a case's tasks and how often each was done");
  tl->add_option("--case", a->case_id, "the case's id")->required();
  tl->callback([&ctx, a] {
    ctx.run = with_store(ctx, [&ctx, a](Store& s) {
      Tasks tasks(s);
      auto list = tasks.for_case(a->case_id);
      if (!list) return ctx.fail(list.error());
      nlohmann::json arr = nlohmann::json::array();
      std::string h;
      for (const auto& t : *list) {
        auto done = tasks.completions(t.id);
        if (!done) return ctx.fail(done.error());
        nlohmann::json j = record_json(t);
        j["completions"] = nlohmann::json::array();
        for (const auto& c : *done) j["completions"].push_back(record_json(c));
        arr.push_back(j);
        h += t.text("title") + "  (" + t.id + ")  done " + std::to_string(done->size()) + " times";
        if (!done->empty()) h += ", last " + short_time(done->back().text("completed_at"));
        h += "\n";
      }
      if (list->empty()) h = "No tasks on this case.";
      return ctx.done({{"tasks", arr}}, h);
    });
  });
  auto* tc = task->add_subcommand("complete", "record that a task was done now");
  tc->add_option("--id", a->id, "the task's id")->required();
  tc->add_option("--note", a->note, "a short note");
  tc->callback([&ctx, a] {
    ctx.run = with_store(ctx, [&ctx, a](Store& s) {
      auto r = Tasks(s).complete(a->id, a->note);
      if (!r) return ctx.fail(r.error());
      return ctx.done(record_json(*r), "Recorded task " + a->id + " done at " + short_time(r->text("completed_at")));
    });
  });
}

}  // namespace doorstep::cli
