#include "load_device.h"

#include <algorithm>
#include <chrono>

#include "doorstep/core/clock.h"
#include "doorstep/core/hlc.h"
#include "doorstep/protocol/messages.h"

namespace doorstep::bench {

namespace {

using Steady = std::chrono::steady_clock;

double ms_since(Steady::time_point t) { return std::chrono::duration<double, std::milli>(Steady::now() - t).count(); }

Error failed(const std::string& what, const client::HttpResponse& r) {
  std::string why = r.body.substr(0, 200);
  return make_error(ErrorDomain::sync, ErrorCode::unavailable, what + ": HTTP " + std::to_string(r.status) + " " + why);
}

const std::string kBody(200, 'n');  // a short case note

}  // namespace

Result<client::HttpResponse> LoadDevice::call(client::Transport& hub, client::HttpRequest request) {
  request.headers.emplace_back("Authorization", "Bearer " + access_token_);
  if (!request.body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  return hub.send(request);
}

std::string LoadDevice::next_clock() {
  const std::int64_t now = SystemClock::instance().now_ms();
  if (now > last_ms_) {
    last_ms_ = now;
    counter_ = 0;
  } else {
    ++counter_;
  }
  return Hlc{last_ms_, counter_, device_id_}.encode();
}

Status LoadDevice::enrol(client::Transport& hub, DeviceTimings& t) {
  device_id_ = new_uuid();
  protocol::EnrolRequest req{worker_, password_, device_id_, "load device " + worker_};
  const auto t0 = Steady::now();
  auto r = hub.send({"POST", "/v1/enrol", protocol::dump(protocol::to_json(req)), {{"Content-Type", "application/json"}}});
  if (!r) return r.error();
  t.enrol_ms.push_back(ms_since(t0));
  if (r->status != 200) return failed("enrol", *r);
  auto j = protocol::parse_json_text(r->body, 64 * 1024);
  if (!j) return j.error();
  auto resp = protocol::parse_enrol_response(*j);
  if (!resp) return resp.error();
  access_token_ = resp->access_token;
  epoch_ = resp->epoch;
  return {};
}

Status LoadDevice::pull(client::Transport& hub, DeviceTimings& t) {
  for (int page = 0; page < 10'000; ++page) {
    const auto t0 = Steady::now();
    auto r = call(hub, {"GET", "/v1/sync/changes?cursor=" + cursor_ + "&limit=1000", "", {}});
    if (!r) return r.error();
    if (r->status != 200) return failed("changes", *r);
    auto j = protocol::parse_json_text(r->body, protocol::kMaxResponseBytes);
    if (!j) return j.error();
    auto changes = protocol::parse_changes_response(*j);
    if (!changes) return changes.error();
    t.pull_ms.push_back(ms_since(t0));
    for (const auto& e : changes->entries) {
      if (!e.record) continue;
      ++t.pulled;
      const Record& rec = *e.record;
      if (rec.type == "case") {
        if (std::find(cases_.begin(), cases_.end(), rec.id) == cases_.end()) cases_.push_back(rec.id);
      } else if (rec.type == "visit") {
        bool known = false;
        for (auto& [id, rev] : visits_)
          if (id == rec.id) {
            rev = rec.rev;
            known = true;
          }
        if (!known) visits_.emplace_back(rec.id, rec.rev);
      }
    }
    cursor_ = changes->cursor;
    if (!changes->more) return {};
  }
  return make_error(ErrorDomain::sync, ErrorCode::internal, "the changes feed did not end");
}

Status LoadDevice::push(client::Transport& hub, int operations, int per_push, int visit_every, DeviceTimings& t) {
  if (cases_.empty()) return make_error(ErrorDomain::sync, ErrorCode::not_found, "the worker has no cases");
  const std::string now = format_timestamp(SystemClock::instance().now_ms());
  int made = 0;
  while (made < operations) {
    protocol::PushRequest req;
    req.epoch = epoch_;
    for (int i = 0; i < per_push && made < operations; ++i, ++made) {
      protocol::Operation op;
      op.seq = ++seq_;
      op.op_id = new_uuid();
      op.hlc = next_clock();
      if (visit_every > 0 && !visits_.empty() && made % visit_every == visit_every - 1) {
        const auto& [id, rev] = visits_[static_cast<std::size_t>(made / visit_every) % visits_.size()];
        op.record_type = "visit";
        op.record_id = id;
        op.action = "update";
        op.base_rev = rev;
        op.fields = {{"purpose", "statutory visit, change " + std::to_string(op.seq)}};
      } else {
        op.record_type = "case_note";
        op.record_id = new_uuid();
        op.action = "create";
        op.fields = {{"case_id", cases_[static_cast<std::size_t>(made) % cases_.size()]},
                     {"body", kBody},
                     {"visibility", "normal"},
                     {"author", worker_},
                     {"state", "final"},
                     {"written_at", now},
                     {"finalised_at", now}};
      }
      req.operations.push_back(std::move(op));
    }
    const auto t0 = Steady::now();
    auto r = call(hub, {"POST", "/v1/sync/push", protocol::dump(protocol::to_json(req)), {}});
    if (!r) return r.error();
    if (r->status != 200) return failed("push", *r);
    auto j = protocol::parse_json_text(r->body, protocol::kMaxResponseBytes);
    if (!j) return j.error();
    auto resp = protocol::parse_push_response(*j);
    if (!resp) return resp.error();
    t.push_ms.push_back(ms_since(t0));
    if (resp->results.size() != req.operations.size())
      return make_error(ErrorDomain::sync, ErrorCode::invalid_argument, "push: wrong number of results");
    for (const auto& res : resp->results) {
      if (res.outcome == protocol::Outcome::rejected)
        return make_error(ErrorDomain::sync, ErrorCode::invalid_argument, "push: an operation was rejected: " + res.reason);
      ++t.acknowledged;
    }
  }
  return {};
}

}  // namespace doorstep::bench
