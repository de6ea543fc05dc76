#include "puller.h"

#include <future>
#include <optional>

#include "doorstep/core/schema.h"
#include "doorstep/protocol/messages.h"

namespace doorstep::client {

namespace {

HttpRequest page_request(const std::string& cursor, int limit) {
  return {"GET", "/v1/sync/changes?cursor=" + cursor + "&limit=" + std::to_string(limit), "", {}};
}

// Parses a body into a page; the JSON tree is freed before the page is applied.
Result<Puller::Page> parse_page(const HttpResponse& r) {
  auto j = protocol::parse_json_text(r.body, protocol::kMaxResponseBytes);
  if (!j) return j.error();
  auto changes = protocol::parse_changes_response(*j);
  if (!changes) return changes.error();
  return Puller::Page{std::move(*changes), static_cast<std::int64_t>(r.body.size())};
}

// The next page, fetched on another thread. nullopt for anything but a clean, valid
// answer: the caller then fetches it again through the session, which refreshes an
// expired token and reports errors (and wipe instructions) as a normal fetch does.
std::optional<Puller::Page> fetch_ahead(const Session& session, const std::string& cursor, int limit) noexcept {
  try {
    auto r = session.send_once(page_request(cursor, limit));
    if (!r || r->status < 200 || r->status >= 300) return std::nullopt;
    auto page = parse_page(*r);
    if (!page) return std::nullopt;
    return std::move(*page);
  } catch (...) {  // nothing may cross the thread; the caller refetches
    return std::nullopt;
  }
}

}  // namespace

Result<Puller::Page> Puller::fetch(const std::string& cursor) {
  auto r = session_.call(page_request(cursor, options_.page_limit));
  if (!r) return r.error();
  return parse_page(*r);
}

Status Puller::pull_all(SyncSummary& summary) {
  std::int64_t bytes = 0;
  std::optional<Page> ahead;
  for (int n = 0; n < 1'000'000; ++n) {
    Page page;
    if (ahead) {
      page = std::move(*ahead);
      ahead.reset();
    } else {
      auto cursor = store_.meta("sync_cursor");
      if (!cursor) return cursor.error();
      auto fetched = fetch(cursor->value_or(""));
      if (!fetched) return fetched.error();
      page = std::move(*fetched);
    }
    session_.observe_server_clock(page.changes.server_hlc);
    bytes += page.bytes;

    auto epoch = store_.meta("server_epoch");
    if (!epoch) return epoch.error();
    const bool new_epoch = !page.changes.epoch.empty() && epoch->has_value() && **epoch != page.changes.epoch;
    if (new_epoch) {
      // The server's history was restored from a backup: everything it now holds is
      // re-read from the start; unsent work stays in the outbox and is rebased.
      DOORSTEP_TRY(store_.write([&](Writer& w) -> Status {
        DOORSTEP_TRY(w.set_meta("sync_cursor", ""));
        return w.set_meta("server_epoch", page.changes.epoch);
      }));
      continue;
    }

    std::future<std::optional<Page>> next;
    if (page.changes.more) {
      try {
        next = std::async(std::launch::async, fetch_ahead, std::cref(session_), page.changes.cursor,
                          options_.page_limit);
      } catch (...) {  // no thread to spare: the next page is fetched after this one
      }
    }
    Status st = apply(page, summary);
    std::optional<Page> fetched = next.valid() ? next.get() : std::nullopt;  // joined before any return
    if (!st.ok()) return st;
    summary.bytes_down += page.bytes;
    if (options_.on_progress) options_.on_progress({"pull", summary.pulled, bytes});
    if (!page.changes.more) return {};
    ahead = std::move(fetched);
  }
  return make_error(ErrorDomain::sync, ErrorCode::internal, "the changes feed did not end");
}

Status Puller::apply(const Page& page, SyncSummary& summary) {
  auto epoch = store_.meta("server_epoch");
  if (!epoch) return epoch.error();
  std::vector<std::string> blobs;
  std::int64_t applied = 0, revoked = 0, purged = 0;
  auto st = store_.write([&](Writer& w) -> Status {
    for (const auto& e : page.changes.entries) {
      if (e.record) {
        // Local-only types (quarantine, form drafts) never come from a server.
        if (const RecordType* rt = find_record_type(e.record->type); rt && rt->kind == RecordKind::local_only) continue;
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
    if (!page.changes.epoch.empty() && !epoch->has_value())
      DOORSTEP_TRY(w.set_meta("server_epoch", page.changes.epoch));
    return w.set_meta("sync_cursor", page.changes.cursor);
  });
  if (!st.ok()) return st;
  purge_.delete_blobs(blobs);
  summary.pulled += applied;
  summary.revoked += revoked;
  summary.purged += purged;
  return {};
}

}  // namespace doorstep::client
