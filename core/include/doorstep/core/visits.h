// Visits: the visit lifecycle (docs/design.md, "Records"):
//   planned --check_in--> under_way --check_out--> completed
//   planned --cancel--> cancelled;  planned | under_way --no_access--> no_access
// Any other transition is ErrorCode::invalid_transition and changes nothing.
// Each call is one transaction with its outbox operation and audit event.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "doorstep/core/record.h"
#include "doorstep/core/result.h"
#include "doorstep/core/store.h"

namespace doorstep {

struct Place {
  double lat = 0;                     // WGS84 degrees, -90..90
  double lon = 0;                     // WGS84 degrees, -180..180
  std::optional<double> accuracy_m;   // radius of 68% confidence, metres
};

struct VisitPlan {
  std::string case_id;
  std::string planned_start;  // timestamp (clock.h formats)
  std::string planned_end;    // optional
  std::string purpose;        // optional, e.g. "statutory visit"
};

struct VisitCheckIn {
  std::optional<Place> place;  // where the worker is; absent when location is off
  std::string expected_end;    // lone-worker timer: when the worker expects to leave (required)
  std::string at;              // empty = now
};

class Visits {
 public:
  explicit Visits(Store& store) : store_(store) {}

  Result<Record> plan(const VisitPlan& plan);
  // Re-plans a visit that has not started: any of start, end and purpose (empty = unchanged).
  Result<Record> replan(const std::string& visit_id, const VisitPlan& changes);
  Result<Record> check_in(const std::string& visit_id, const VisitCheckIn& check_in);
  // outcome: what happened, required (e.g. "child seen alone; no concerns").
  Result<Record> check_out(const std::string& visit_id, const std::string& outcome, const std::string& at = "");
  Result<Record> cancel(const std::string& visit_id, const std::string& reason);
  Result<Record> no_access(const std::string& visit_id, const std::string& reason);

  // Visits of the worker's caseload planned within [from, to), by planned start.
  Result<std::vector<Record>> between(const std::string& from, const std::string& to);

 private:
  Result<Record> transition(const std::string& visit_id, const std::string& action, const Fields& fields);
  Store& store_;
};

// The statuses a visit can move to from `from` by the named action; used by the UI
// to show only the buttons that will work.
bool visit_transition_allowed(const std::string& from, const std::string& action);

}  // namespace doorstep
