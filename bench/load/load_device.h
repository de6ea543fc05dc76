// LoadDevice: one simulated device for load_bench. It speaks the device protocol of
// docs/api.md with the wire messages of doorstep_protocol over CurlTransport: the real
// enrolment (the hub verifies the worker's Argon2id password hash), the changes feed
// page by page, and pushes of outbox operations (new case notes, visit edits) with
// the device's own clock and sequence numbers. It keeps no store: on a 2-core machine
// a real encrypted store per device (SQLCipher, Argon2id for its PIN) would spend the
// CPU the hub is being measured with. Every answer is parsed and checked with the
// protocol's validating parsers, as the real sync engine does.
// One LoadDevice is used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "doorstep/client/transport.h"
#include "doorstep/core/result.h"

namespace doorstep::bench {

// What a device saw, for the report. Latencies in milliseconds.
struct DeviceTimings {
  std::vector<double> enrol_ms, pull_ms, push_ms;
  std::int64_t pulled = 0;     // record states received
  std::int64_t acknowledged = 0;  // operations the hub applied (any outcome but rejected)
};

class LoadDevice {
 public:
  LoadDevice(std::string worker, std::string password) : worker_(std::move(worker)), password_(std::move(password)) {}

  // POST /v1/enrol with a new device id.
  Status enrol(client::Transport& hub, DeviceTimings& t);
  // GET /v1/sync/changes from the stored cursor until "more" is false; remembers the
  // revisions of the worker's visits and cases.
  Status pull(client::Transport& hub, DeviceTimings& t);
  // Pushes `operations` new operations in requests of at most `per_push`: notes on the
  // worker's cases and edits of their visits (one in `visit_every`). A rejected
  // operation is an error.
  Status push(client::Transport& hub, int operations, int per_push, int visit_every, DeviceTimings& t);

 private:
  Result<client::HttpResponse> call(client::Transport& hub, client::HttpRequest request);
  std::string next_clock();

  std::string worker_, password_;
  std::string device_id_, access_token_, cursor_, epoch_;
  std::vector<std::string> cases_;
  std::vector<std::pair<std::string, std::int64_t>> visits_;  // id, rev
  std::int64_t seq_ = 0;
  std::int64_t last_ms_ = 0;
  std::uint16_t counter_ = 0;
};

}  // namespace doorstep::bench
