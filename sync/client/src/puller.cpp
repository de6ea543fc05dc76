#include "puller.h"

#include "doorstep/protocol/messages.h"

namespace doorstep::client {

Status Puller::pull_all(SyncSummary& summary) {
  std::int64_t bytes = 0;
  for (int page = 0; page < 1'000'000; ++page) {
    auto cursor = store_.meta("sync_cursor");
    if (!cursor) return cursor.error();
    const std::string from = cursor->value_or("");
    auto r = session_.call({"GET", "/v1/sync/changes?cursor=" + from + "&limit=" + std::to_string(options_.page_limit),
                            "", {}});
    if (!r) return r.error();
    bytes += static_cast<std::int64_t>(r->body.size());
    auto j = protocol::parse_json_text(r->body, protocol::kMaxResponseBytes);
    if (!j) return j.error();
    auto changes = protocol::parse_changes_response(*j);  // validated whole before anything is applied
    if (!changes) return changes.error();
    session_.observe_server_clock(changes->server_hlc);

    auto epoch = store_.meta("server_epoch");
    if (!epoch) return epoch.error();
    const bool new_epoch = !changes->epoch.empty() && epoch->has_value() && **epoch != changes->epoch;

    std::vector<std::string> blobs;
    std::int64_t applied = 0, revoked = 0, purged = 0;
    auto st = store_.write([&](Writer& w) -> Status {
      if (new_epoch) {
        // The server's history was restored from a backup: everything it now holds is
        // re-read from the start; unsent work stays in the outbox and is rebased.
        DOORSTEP_TRY(w.set_meta("sync_cursor", ""));
        DOORSTEP_TRY(w.set_meta("server_epoch", changes->epoch));
        return {};
      }
      for (const auto& e : changes->entries) {
        if (e.record) {
          if (e.record->type == "quarantine") continue;  // local-only; never from a server
          DOORSTEP_TRY(w.apply_server_state(*e.record));
          if (e.record->type == "case") DOORSTEP_TRY(purge_.on_case_received(w, e.record->id));
          ++applied;
        } else {
          ++revoked;
          bool done = false;
          DOORSTEP_TRY(purge_.on_revoke(w, e.revoke_case, &blobs, &done));
          if (done) ++purged;
        }
      }
      if (!changes->epoch.empty() && !epoch->has_value()) DOORSTEP_TRY(w.set_meta("server_epoch", changes->epoch));
      return w.set_meta("sync_cursor", changes->cursor);
    });
    if (!st.ok()) return st;
    purge_.delete_blobs(blobs);
    summary.pulled += applied;
    summary.revoked += revoked;
    summary.purged += purged;
    summary.bytes_down += static_cast<std::int64_t>(r->body.size());
    if (options_.on_progress) options_.on_progress({"pull", summary.pulled, bytes});
    if (new_epoch) continue;
    if (!changes->more) return {};
  }
  return make_error(ErrorDomain::sync, ErrorCode::internal, "the changes feed did not end");
}

}  // namespace doorstep::client
