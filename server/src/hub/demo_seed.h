// The demo council (doorstep-server --demo): an invented authority with teams for
// children's social care (children-south), adult reablement (reablement-south) and
// neighbourhood wardens (wardens-central); workers sam, priya, joe and ana; office
// staff for each office role (managers morgan and fatima, monitor dev, auditor alex); some
// forty people with cases spread over them, warning markers on some, visits over two
// weeks around today, note history, care-plan tasks for reablement cases and a few
// warden reports. Every name and address is made up.
// Thread-safe as far as the Hub is; run once at start-up.
#pragma once

#include <string>
#include <vector>

#include "hub/hub.h"

namespace doorstep::server {

// A demo account: a worker, or office staff (role and teams).
struct DemoWorker {
  std::string username;
  std::string team;
  std::string password;  // the one set: given, or generated (print once)
  std::string role = "worker";
  std::vector<std::string> teams{};
};

struct DemoSeed {
  bool seeded = false;  // false: the data directory already held data; nothing changed
  bool generated_passwords = false;
  std::vector<DemoWorker> workers;
  int people = 0, cases = 0, visits = 0, notes = 0, tasks = 0, reports = 0;
};

// Seeds only an empty hub (no records, no worker accounts). password: every demo
// worker's password, or "" for a random one each.
Result<DemoSeed> seed_demo(Hub& hub, const std::string& password);

}  // namespace doorstep::server
