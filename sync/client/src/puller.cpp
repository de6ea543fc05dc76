#include "puller.h"

#include <future>
#include <optional>

#include "doorstep/core/schema.h"
#include "doorstep/protocol/messages.h"

namespace doorstep::client {

namespace {

// since_base: while a restore check runs, ask which fields changed since the restore.
HttpRequest page_request(const std::string& cursor, int limit, bool since_base) {
  return {"GET",
          "/v1/sync/changes?cursor=" + cursor + "&limit=" + std::to_string(limit) + (since_base ? "&since_base=1" : ""),
          "",
          {}};
}

// Parses a body into a page, straight from the text (no JSON tree).
Result<Puller::Page> parse_page(const HttpResponse& r) {
  auto changes = protocol::parse_changes_text(r.body, protocol::kMaxResponseBytes);
  if (!changes) return changes.error();
  return Puller::Page{std::move(*changes), static_cast<std::int64_t>(r.body.size())};
}

// The next page, fetched on another thread. nullopt for anything but a clean, valid
// answer: the caller then fetches it again through the session, which refreshes an
// expired token and reports errors (and wipe instructions) as a normal fetch does.
std::optional<Puller::Page> fetch_ahead(const Session& session, const std::string& cursor, int limit,
                                        bool since_base) noexcept {
  try {
    auto r = session.send_once(page_request(cursor, limit, since_base));
    if (!r || r->status < 200 || r->status >= 300) return std::nullopt;
    auto page = parse_page(*r);
    if (!page) return std::nullopt;
    return std::move(*page);
  } catch (...) {  // nothing may cross the thread; the caller refetches
    return std::nullopt;
  }
}

}  // namespace

Result<Puller::Page> Puller::fetch(const std::string& cursor, bool since_base) {
  auto r = session_.call(page_request(cursor, options_.page_limit, since_base));
  if (!r) return r.error();
  return parse_page(*r);
}

Status Puller::begin_restore(const Session::Restored& notice, SyncSummary& summary) {
  // Everything the restored server holds is re-read from the start; unsent work stays
  // in the outbox (rebased), and this device's copies are checked as pages arrive.
  DOORSTEP_TRY(store_.write([&](Writer& w) { return w.begin_restore_check(notice.epoch, notice.base); }));
  session_.clear_restored();
  summary.server_restored = true;
  return {};
}

Result<std::optional<std::int64_t>> Puller::restore_base() {
  auto base = store_.meta("restore_base");
  if (!base) return base.error();
  if (!*base) return std::optional<std::int64_t>();
  try {
    return std::optional<std::int64_t>(std::stoll(**base));
  } catch (...) {
    return std::optional<std::int64_t>(0);  // merged as concurrent with everything: nothing lost
  }
}

Status Puller::finish_restore(SyncSummary& summary) {
  std::vector<std::string> blobs;
  std::int64_t queued = 0, purged = 0, revoked = 0;
  auto st = store_.write([&](Writer& w) -> Status {
    // Cases the restored server no longer gives this worker must not stay here.
    auto gone = w.restore_check_cases();
    if (!gone) return gone.error();
    for (const auto& case_id : *gone) {
      bool done = false;
      DOORSTEP_TRY(purge_.on_revoke(w, case_id, &blobs, &done));
      ++revoked;
      if (done) ++purged;
    }
    auto n = w.finish_restore_check();
    if (!n) return n.error();
    queued = *n;
    return {};
  });
  if (!st.ok()) return st;
  purge_.delete_blobs(blobs);
  summary.server_restored = true;
  summary.resent += queued;
  summary.revoked += revoked;
  summary.purged += purged;
  return {};
}

Status Puller::pull_all(SyncSummary& summary) {
  std::int64_t bytes = 0;
  std::optional<Page> ahead;
  int restarts = 0;  // a server that says "restored" to every request must not loop us
  for (int n = 0; n < 1'000'000; ++n) {
    Page page;
    if (ahead) {
      page = std::move(*ahead);
      ahead.reset();
    } else {
      auto cursor = store_.meta("sync_cursor");
      if (!cursor) return cursor.error();
      auto checking = restore_base();
      if (!checking) return checking.error();
      auto fetched = fetch(cursor->value_or(""), checking->has_value());
      if (!fetched) {
        if (session_.restored() && restarts++ < 3) {
          DOORSTEP_TRY(begin_restore(*session_.restored(), summary));
          continue;
        }
        return fetched.error();
      }
      page = std::move(*fetched);
    }
    session_.observe_server_clock(page.changes.server_hlc);
    bytes += page.bytes;

    auto epoch = store_.meta("server_epoch");
    if (!epoch) return epoch.error();
    const bool new_epoch = !page.changes.epoch.empty() && epoch->has_value() && **epoch != page.changes.epoch;
    if (new_epoch) {
      // A page of another history (a cursor without an epoch tag): not applied.
      if (restarts++ >= 3)
        return make_error(ErrorDomain::sync, ErrorCode::invalid_argument, "the server's epoch keeps changing");
      DOORSTEP_TRY(begin_restore({page.changes.epoch, page.changes.epoch_base}, summary));
      continue;
    }

    std::future<std::optional<Page>> next;
    if (page.changes.more) {
      auto checking = restore_base();
      if (!checking) return checking.error();
      try {
        next = std::async(std::launch::async, fetch_ahead, std::cref(session_), page.changes.cursor,
                          options_.page_limit, checking->has_value());
      } catch (...) {  // no thread to spare: the next page is fetched after this one
      }
    }
    Status st = apply(page, summary);
    std::optional<Page> fetched = next.valid() ? next.get() : std::nullopt;  // joined before any return
    if (!st.ok()) return st;
    summary.bytes_down += page.bytes;
    if (options_.on_progress) options_.on_progress({"pull", summary.pulled, bytes});
    if (!page.changes.more) {
      auto base = restore_base();
      if (!base) return base.error();
      if (*base) return finish_restore(summary);  // the re-read is complete
      return {};
    }
    ahead = std::move(fetched);
  }
  return make_error(ErrorDomain::sync, ErrorCode::internal, "the changes feed did not end");
}

Status Puller::apply(const Page& page, SyncSummary& summary) {
  auto epoch = store_.meta("server_epoch");
  if (!epoch) return epoch.error();
  auto base = restore_base();
  if (!base) return base.error();
  std::vector<std::string> blobs;
  std::int64_t applied = 0, revoked = 0, purged = 0, queued = 0;
  auto st = store_.write([&](Writer& w) -> Status {
    // Outside a restore check, applying a page queues no operation, so the answer
    // holds for the whole page (a restore check takes its own path below).
    auto nothing_pending = w.outbox_empty();
    if (!nothing_pending) return nothing_pending.error();
    for (const auto& e : page.changes.entries) {
      if (e.record) {
        // Local-only types (quarantine, form drafts) never come from a server.
        if (const RecordType* rt = find_record_type(e.record->type); rt && rt->kind == RecordKind::local_only) continue;
        if (*base) {  // a restore check runs: this device's copy may hold what the server lost
          auto q = w.apply_restored_state(*e.record, **base, e.changed_since_base);
          if (!q) return q.error();
          queued += *q;
        } else if (*nothing_pending) {
          DOORSTEP_TRY(w.put_base(*e.record));  // what apply_server_state does with nothing to rebase
        } else {
          DOORSTEP_TRY(w.apply_server_state(*e.record));
        }
        if (e.record->type == "case") DOORSTEP_TRY(purge_.on_case_received(w, e.record->id));
        ++applied;
      } else {
        ++revoked;
        bool done = false;
        DOORSTEP_TRY(purge_.on_revoke(w, e.revoke_case, &blobs, &done));
        if (done) ++purged;
      }
    }
    if (!page.changes.epoch.empty() && !epoch->has_value())
      DOORSTEP_TRY(w.set_meta("server_epoch", page.changes.epoch));
    return w.set_meta("sync_cursor", page.changes.cursor);
  });
  if (!st.ok()) return st;
  purge_.delete_blobs(blobs);
  summary.pulled += applied;
  summary.revoked += revoked;
  summary.purged += purged;
  summary.resent += queued;
  return {};
}

}  // namespace doorstep::client
