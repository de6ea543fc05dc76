#include "doorstep/core/visits.h"

#include "../db/database.h"
#include "../store/record_sql.h"

namespace doorstep {

namespace {

Error input_error(const std::string& msg) {
  return make_error(ErrorDomain::input, ErrorCode::invalid_argument, msg);
}

Result<std::string> when(const Store& store, const std::string& text, const char* what) {
  if (text.empty()) return format_timestamp(store.clock().now_ms());
  auto t = normalise_timestamp(text);
  if (!t) return input_error(std::string(what) + ": " + t.error().message);
  return t;
}

const char* verb(const std::string& action) {
  if (action == "check_in") return "checked in";
  if (action == "check_out") return "checked out";
  if (action == "cancel") return "cancelled";
  if (action == "replan") return "re-planned";
  return "marked no access";
}

}  // namespace

bool visit_transition_allowed(const std::string& from, const std::string& action) {
  if (action == "check_in" || action == "cancel" || action == "replan") return from == "planned";
  if (action == "check_out") return from == "under_way";
  if (action == "no_access") return from == "planned" || from == "under_way";
  return false;
}

Result<Record> Visits::plan(const VisitPlan& p) {
  auto c = store_.get("case", p.case_id);
  if (!c) return c.error();
  if (!*c || (*c)->deleted)
    return make_error(ErrorDomain::store, ErrorCode::not_found, "no case " + p.case_id.substr(0, 64) + " on this device");
  auto start = normalise_timestamp(p.planned_start);
  if (!start) return input_error("planned start: " + start.error().message);
  Fields f{{"case_id", p.case_id}, {"planned_start", *start}, {"status", "planned"}};
  if (!p.planned_end.empty()) {
    auto end = normalise_timestamp(p.planned_end);
    if (!end) return input_error("planned end: " + end.error().message);
    if (*end < *start) return input_error("the planned end is before the planned start");
    f["planned_end"] = *end;
  }
  if (!p.purpose.empty()) f["purpose"] = p.purpose;
  Result<Record> out = input_error("not written");
  const std::string id = new_uuid();
  auto st = store_.write([&](Writer& w) -> Status {
    auto r = w.change("visit", id, f, "planned");
    if (!r) return r.error();
    out = std::move(*r);
    return {};
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<Record> Visits::transition(const std::string& visit_id, const std::string& action, const Fields& fields) {
  Result<Record> out = input_error("not written");
  auto st = store_.write([&](Writer& w) -> Status {
    auto cur = w.get("visit", visit_id);
    if (!cur) return cur.error();
    if (!*cur || (*cur)->deleted)
      return make_error(ErrorDomain::store, ErrorCode::not_found, "no visit " + visit_id.substr(0, 64));
    const std::string from = (*cur)->text("status");
    if (!visit_transition_allowed(from, action))
      return make_error(ErrorDomain::state, ErrorCode::invalid_transition,
                        "the visit is " + from + "; it cannot be " + verb(action));
    auto r = w.change("visit", visit_id, fields, action == "check_in" ? "checked_in"
                                                 : action == "check_out" ? "checked_out"
                                                 : action == "cancel" ? "cancelled"
                                                 : action == "replan" ? "replanned" : "no_access");
    if (!r) return r.error();
    out = std::move(*r);
    return {};
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<Record> Visits::replan(const std::string& visit_id, const VisitPlan& p) {
  Fields f;
  if (!p.planned_start.empty()) {
    auto t = normalise_timestamp(p.planned_start);
    if (!t) return input_error("planned start: " + t.error().message);
    f["planned_start"] = *t;
  }
  if (!p.planned_end.empty()) {
    auto t = normalise_timestamp(p.planned_end);
    if (!t) return input_error("planned end: " + t.error().message);
    f["planned_end"] = *t;
  }
  if (!p.purpose.empty()) {
    DOORSTEP_TRY(check_utf8(p.purpose, "the purpose"));
    f["purpose"] = p.purpose;
  }
  if (f.empty()) return input_error("nothing to change: give a start, an end or a purpose");
  return transition(visit_id, "replan", f);
}

Result<Record> Visits::check_in(const std::string& visit_id, const VisitCheckIn& c) {
  auto at = when(store_, c.at, "check-in time");
  if (!at) return at.error();
  if (c.expected_end.empty()) return input_error("a check-in needs an expected end time (the lone-worker timer)");
  auto end = normalise_timestamp(c.expected_end);
  if (!end) return input_error("expected end: " + end.error().message);
  if (*end <= *at) return input_error("the expected end must be after the check-in time");
  Fields f{{"status", "under_way"}, {"checked_in_at", *at}, {"expected_end", *end}};
  if (c.place) {
    if (!(c.place->lat >= -90 && c.place->lat <= 90 && c.place->lon >= -180 && c.place->lon <= 180))
      return input_error("the location is outside -90..90, -180..180");
    f["check_in_lat"] = c.place->lat;
    f["check_in_lon"] = c.place->lon;
    if (c.place->accuracy_m) f["check_in_accuracy_m"] = *c.place->accuracy_m;
  }
  return transition(visit_id, "check_in", f);
}

Result<Record> Visits::check_out(const std::string& visit_id, const std::string& outcome, const std::string& at_text) {
  if (outcome.empty()) return input_error("a check-out needs an outcome");
  DOORSTEP_TRY(check_utf8(outcome, "the outcome"));
  auto at = when(store_, at_text, "check-out time");
  if (!at) return at.error();
  return transition(visit_id, "check_out", {{"status", "completed"}, {"checked_out_at", *at}, {"outcome", outcome}});
}

Result<Record> Visits::cancel(const std::string& visit_id, const std::string& reason) {
  if (reason.empty()) return input_error("cancelling a visit needs a reason");
  DOORSTEP_TRY(check_utf8(reason, "the reason"));
  return transition(visit_id, "cancel", {{"status", "cancelled"}, {"outcome", reason}});
}

Result<Record> Visits::no_access(const std::string& visit_id, const std::string& reason) {
  if (reason.empty()) return input_error("a no-access visit needs a reason (e.g. \"no answer at the door\")");
  DOORSTEP_TRY(check_utf8(reason, "the reason"));
  return transition(visit_id, "no_access",
                    {{"status", "no_access"}, {"outcome", reason},
                     {"checked_out_at", format_timestamp(store_.clock().now_ms())}});
}

Result<std::vector<Record>> Visits::between(const std::string& from_text, const std::string& to_text) {
  auto from = normalise_timestamp(from_text);
  if (!from) return from.error();
  auto to = normalise_timestamp(to_text);
  if (!to) return to.error();
  if (store_.locked()) return make_error(ErrorDomain::state, ErrorCode::invalid_transition, "the store is locked");
  const RecordType& rt = *find_record_type("visit");
  auto st = store_.database().prepare("SELECT " + store::column_list(rt) +
                                      " FROM visit WHERE deleted = 0 AND planned_start >= ? AND planned_start < ? "
                                      "ORDER BY planned_start, id");
  if (!st) return st.error();
  (*st)->bind(1, *from).bind(2, *to);
  return store::collect_records(rt, **st);
}

}  // namespace doorstep
