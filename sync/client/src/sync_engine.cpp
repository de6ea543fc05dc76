#include "doorstep/client/sync_engine.h"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "blob_transfer.h"
#include "doorstep/protocol/messages.h"
#include "puller.h"
#include "pusher.h"
#include "scope_purge.h"
#include "session.h"

namespace doorstep::client {

namespace {

// POST /v1/devices/wiped, a few times if no answer comes; true once the hub confirmed.
// Signed with the access token held in memory, or, when there is none (a lost device
// gets no new one), with the refresh credential read before the erase.
bool send_erase_receipt(Transport& transport, const std::string& device_id, const std::string& access_token,
                        const std::string& refresh_credential) {
  nlohmann::json j{{"device_id", device_id}};
  if (access_token.empty() && !refresh_credential.empty()) j["refresh_token"] = refresh_credential;
  const std::string body = protocol::dump(j);
  HttpRequest req{"POST", "/v1/devices/wiped", body, {{"Content-Type", "application/json"}}};
  if (!access_token.empty()) req.headers.emplace_back("Authorization", "Bearer " + access_token);
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(500 << attempt));
    auto r = transport.send(req);
    if (!r) continue;  // no answer: try again
    if (r->status >= 200 && r->status < 300) return true;
    if (r->status < 500 && r->status != 429) return false;  // refused: asking again changes nothing
  }
  return false;
}

}  // namespace

SyncEngine::SyncEngine(Store& store, Transport& transport, SyncOptions options)
    : store_(store), transport_(transport), options_(std::move(options)) {
  options_.push_batch = std::clamp(options_.push_batch, 1, protocol::kMaxPushOperations);
  options_.page_limit = std::clamp(options_.page_limit, 1, protocol::kMaxPageEntries);
}

Result<SyncSummary> SyncEngine::sync_once() {
  if (store_.locked()) return make_error(ErrorDomain::state, ErrorCode::invalid_transition, "the store is locked");
  SyncSummary summary;
  Session session(store_, transport_, std::move(access_token_));
  // The access token stays in memory for the next pass (and is forgotten with an
  // erased store).
  struct KeepToken {
    std::string& to;
    const Session& session;
    const SyncSummary& summary;
    ~KeepToken() { to = summary.wiped ? std::string() : session.access_token(); }
  } keep{access_token_, session, summary};
  BlobTransfer blobs(store_, session);
  ScopePurge purge(store_);
  Pusher pusher(store_, session, blobs, purge, options_);
  Puller puller(store_, session, purge, options_);

  auto run = [&]() -> Status {
    // While a restore check runs (an earlier pass stopped in its re-read), nothing is
    // pushed before the re-read ends: waiting edits may need records it queues again.
    auto checking = store_.meta("restore_base");
    if (!checking) return checking.error();
    if (!*checking) {
      Status pushed = pusher.push_all(summary);
      if (!pushed.ok()) {
        if (!session.restored()) return pushed;
        // The server was restored from a backup and refused the push: re-read first.
        DOORSTEP_TRY(puller.begin_restore(*session.restored(), summary));
      }
    }
    // A retired or lost device reads nothing more: what it holds goes up, then it erases.
    if (session.retire_requested() || session.wipe_requested()) return {};
    DOORSTEP_TRY(puller.pull_all(summary));
    if (summary.server_restored || *checking) {
      // What the restored server lacked, and the work that waited, goes up now; then
      // the merged states come back.
      summary.server_restored = true;
      DOORSTEP_TRY(pusher.push_all(summary));
      DOORSTEP_TRY(puller.pull_all(summary));
    }
    if (!purge.deferred().empty()) {
      // A revoked case had unsent work: push it (or have it quarantined), then purge.
      if (options_.on_progress) options_.on_progress({"purge", 0, 0});
      DOORSTEP_TRY(pusher.push_all(summary));
      auto n = purge.purge_deferred();
      if (!n) return n.error();
      summary.purged += *n;
      DOORSTEP_TRY(pusher.push_all(summary));  // report the purge
    }
    if (options_.prefetch_blobs) {
      if (options_.on_progress) options_.on_progress({"blobs", 0, 0});
      auto n = blobs.fetch_missing(&summary.bytes_down);
      if (!n) return n.error();
      summary.blobs_down += *n;
    }
    return store_.write([&](Writer& w) {
      return w.set_meta("last_sync", format_timestamp(store_.clock().now_ms()));
    });
  };
  Status st = run();
  if (session.wipe_requested()) return erase_store(session, summary, false);
  if (session.retire_requested()) {
    // The office retired this device: everything it holds unsent goes up first. A
    // refused push (no network, a lost answer) erases nothing: the next pass tries
    // again, and the hub's exactly-once push takes the operations it already has.
    auto checking = store_.meta("restore_base");
    if (!checking) return checking.error();
    if (*checking)
      return make_error(ErrorDomain::sync, ErrorCode::invalid_transition,
                        "the office retired this device, but it cannot yet tell what the restored hub lacks; "
                        "nothing was erased");
    Status pushed = pusher.push_all(summary);
    if (pushed.ok() && options_.before_erase) {
      // Other connections to the store (the app's screens) close, then what they wrote
      // until then goes up too: nothing can be written after the last push.
      pushed = options_.before_erase();
      if (pushed.ok()) pushed = pusher.push_all(summary);
    }
    if (session.wipe_requested()) return erase_store(session, summary, false);  // lost meanwhile
    if (!pushed.ok()) return pushed.error();
    return erase_store(session, summary, true);
  }
  if (!st.ok()) return st.error();
  return summary;
}

Result<SyncSummary> SyncEngine::erase_store(const Session& session, SyncSummary& summary, bool retired) {
  // What the receipt needs, and what the summary tells the worker, before it is gone.
  const std::string device = store_.device_id();
  std::string credential;
  if (auto c = store_.meta("refresh_token"); c && *c) credential = **c;
  if (auto info = store_.info(); info) {
    summary.unsent_erased = info->pending_operations;
    summary.quarantine_erased = info->quarantined;
    summary.drafts_erased = info->drafts;
  }
  const auto dir = store_.paths().dir;
  store_.lock();
  auto erased = Store::erase(dir);
  if (!erased.ok()) return erased.error();
  summary.wiped = true;
  summary.retired = retired;
  // The receipt tells the office the device is clean. The erase stands whatever its
  // fate: a device that could not say so shows as still pending at the office.
  summary.receipt_sent = send_erase_receipt(transport_, device, session.access_token(), credential);
  sodium_memzero(credential.data(), credential.size());
  return summary;
}

Status enrol(Store& store, Transport& transport, const std::string& server_url, const SecretString& password,
             const std::string& device_name, const SecretString& new_password) {
  protocol::EnrolRequest req{store.user(), std::string(password.data(), password.size()), store.device_id(), device_name,
                             std::string(new_password.data(), new_password.size())};
  HttpRequest http{"POST", "/v1/enrol", protocol::dump(protocol::to_json(req)), {{"Content-Type", "application/json"}}};
  sodium_memzero(req.password.data(), req.password.size());
  sodium_memzero(req.new_password.data(), req.new_password.size());
  auto r = transport.send(http);
  sodium_memzero(http.body.data(), http.body.size());
  if (!r) return r.error();
  if (r->status != 200) {
    Error e = response_error(*r, nullptr);
    // A new password the hub's rules refused: the reason is for the worker, who
    // chooses another.
    if (!new_password.empty() && r->status == 400) e.domain = ErrorDomain::input;
    return e;
  }
  auto j = protocol::parse_json_text(r->body, 64 * 1024);
  if (!j) return j.error();
  auto resp = protocol::parse_enrol_response(*j);
  if (!resp) return resp.error();
  if (auto h = Hlc::decode(resp->server_hlc); h.ok()) store.hlc_clock().observe(*h);
  return store.write([&](Writer& w) -> Status {
    DOORSTEP_TRY(w.set_meta("server_url", server_url));
    DOORSTEP_TRY(w.set_meta("refresh_token", resp->refresh_token));
    DOORSTEP_TRY(w.set_meta("worker", resp->worker));
    DOORSTEP_TRY(w.set_meta("team", resp->team));
    if (!resp->epoch.empty()) DOORSTEP_TRY(w.set_meta("server_epoch", resp->epoch));
    return w.audit("enrolled", "store", store.device_id());
  });
}

std::int64_t Backoff::ceiling() const {
  if (failures_ == 0) return 0;
  std::int64_t c = base_;
  for (int i = 1; i < failures_ && c < max_; ++i) c *= 2;
  return std::min(c, max_);
}

std::int64_t Backoff::failed() {
  ++failures_;
  const std::int64_t cap = ceiling();
  return cap <= 0 ? 0 : static_cast<std::int64_t>(randombytes_uniform(static_cast<std::uint32_t>(std::min<std::int64_t>(cap, 0xffffffff)) + 1));
}

}  // namespace doorstep::client
