#include "pusher.h"

#include <algorithm>

#include "doorstep/core/blob_store.h"
#include "doorstep/protocol/messages.h"

namespace doorstep::client {

namespace {

Error bad_answer(const std::string& why) {
  return make_error(ErrorDomain::sync, ErrorCode::invalid_argument, "the server's push answer is unusable: " + why);
}

}  // namespace

Status Pusher::push_all(SyncSummary& summary) {
  // The epoch the outbox's base revisions belong to: a restored server refuses the
  // push (409 "restored") rather than merging them against another history.
  auto epoch = store_.meta("server_epoch");
  if (!epoch) return epoch.error();
  for (int round = 0; round < 100'000; ++round) {
    auto ops = store_.outbox(options_.push_batch);
    if (!ops) return ops.error();
    auto audit = store_.unsent_audit(500);
    if (!audit) return audit.error();
    auto purged = purge_.unreported();
    if (ops->empty() && audit->empty() && purged.empty()) return {};

    protocol::PushRequest req;
    std::vector<std::pair<std::int64_t, std::string>> unsendable;  // seq, reason
    for (const auto& o : *ops) {
      if (o.record_type == "attachment" && o.action == "create") {
        auto a = store_.get("attachment", o.record_id);
        if (a && *a && store_.blobs().contains((*a)->text("sha256"))) {
          auto up = blobs_.upload((*a)->text("sha256"), (*a)->integer("size_bytes").value_or(0));
          if (!up) {
            if (stops_pass(up.error())) return up.error();
            // This attachment cannot go up (damaged on the device, refused by the
            // server): quarantine its operation with the reason and send the rest.
            unsendable.emplace_back(o.seq, "the photo could not be sent: " + up.error().message);
            continue;
          }
          if (*up > 0) ++summary.blobs_up;
        }
      }
      auto fields = nlohmann::json::parse(o.fields, nullptr, false);
      if (!fields.is_object()) fields = nlohmann::json::object();
      req.operations.push_back({o.seq, o.op_id, o.record_type, o.record_id, o.action, o.base_rev, fields, o.hlc});
    }
    if (!unsendable.empty()) {
      auto q = store_.write([&](Writer& w) -> Status {
        for (const auto& [seq, why] : unsendable) DOORSTEP_TRY(w.quarantine(seq, why));
        return {};
      });
      if (!q.ok()) return q;
      summary.rejected += static_cast<std::int64_t>(unsendable.size());
      if (req.operations.empty() && audit->empty() && purged.empty()) continue;
    }
    req.audit_events = *audit;
    req.purged_cases = purged;
    req.epoch = epoch->value_or("");

    auto j = session_.call_json({"POST", "/v1/sync/push", protocol::dump(protocol::to_json(req)),
                                 {{"Content-Type", "application/json"}}});
    if (!j) return j.error();
    auto resp = protocol::parse_push_response(*j);
    if (!resp) return resp.error();
    // Every answer must match its operation, in order, before any is applied.
    if (resp->results.size() != req.operations.size()) return bad_answer("wrong number of results");
    for (std::size_t i = 0; i < resp->results.size(); ++i)
      if (resp->results[i].seq != req.operations[i].seq || resp->results[i].op_id != req.operations[i].op_id)
        return bad_answer("results out of order");
    session_.observe_server_clock(resp->server_hlc);
    if (resp->retire) session_.note_retire();  // the rest goes up all the same, then the store is erased

    std::vector<std::string> audit_ids;
    for (const auto& a : *audit) audit_ids.push_back(a.id);
    auto st = store_.write([&](Writer& w) -> Status {
      for (const auto& r : resp->results) {
        if (r.outcome == protocol::Outcome::rejected) {
          DOORSTEP_TRY(w.quarantine(r.seq, r.reason));
        } else {
          DOORSTEP_TRY(w.acknowledge(r.seq, r.rev));
        }
      }
      DOORSTEP_TRY(w.mark_audit_sent(audit_ids));
      DOORSTEP_TRY(purge_.mark_reported(w, purged));
      return {};
    });
    if (!st.ok()) return st;
    for (const auto& r : resp->results) {
      ++summary.pushed;
      switch (r.outcome) {
        case protocol::Outcome::applied: ++summary.applied; break;
        case protocol::Outcome::merged: ++summary.merged; break;
        case protocol::Outcome::conflict: ++summary.conflicts; break;
        case protocol::Outcome::rejected: ++summary.rejected; break;
      }
    }
    if (options_.on_progress) options_.on_progress({"push", summary.pushed, 0});
  }
  return make_error(ErrorDomain::sync, ErrorCode::internal, "the outbox did not empty");
}

}  // namespace doorstep::client
