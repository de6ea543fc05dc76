#include "scope_purge.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "doorstep/core/blob_store.h"

namespace doorstep::client {

std::vector<std::string> ScopePurge::get_list(const std::string& key) {
  std::vector<std::string> out;
  auto m = store_.meta(key);
  if (!m || !*m) return out;
  auto j = nlohmann::json::parse(**m, nullptr, false);
  if (j.is_array())
    for (const auto& c : j)
      if (c.is_string()) out.push_back(c.get<std::string>());
  return out;
}

Status ScopePurge::set_list(Writer& w, const std::string& key, const std::vector<std::string>& list) {
  return w.set_meta(key, nlohmann::json(list).dump());
}

std::vector<std::string> ScopePurge::deferred() { return get_list("revoked_pending"); }

Status ScopePurge::mark_reported(Writer& w, const std::vector<std::string>& sent) {
  if (sent.empty()) return {};
  // Keeps any purge recorded after the report was built.
  auto rest = get_list("purged_unreported");
  rest.erase(std::remove_if(rest.begin(), rest.end(),
                            [&](const std::string& c) { return std::find(sent.begin(), sent.end(), c) != sent.end(); }),
             rest.end());
  return set_list(w, "purged_unreported", rest);
}

Status ScopePurge::on_revoke(Writer& w, const std::string& case_id, std::vector<std::string>* blobs, bool* purged) {
  *purged = false;
  // A revocation of a case this device never held (a first sync lists every case the
  // worker lost) has nothing to purge and nothing to report.
  auto held = store_.get("case", case_id);
  if (!held) return held.error();
  if (!*held) return {};
  auto pending = store_.pending_for_case(case_id);
  if (!pending) return pending.error();
  if (*pending > 0) {
    auto list = get_list("revoked_pending");
    if (std::find(list.begin(), list.end(), case_id) == list.end()) list.push_back(case_id);
    return set_list(w, "revoked_pending", list);
  }
  auto shas = w.purge_case(case_id);
  if (!shas) return shas.error();
  blobs->insert(blobs->end(), shas->begin(), shas->end());
  auto reported = get_list("purged_unreported");
  reported.push_back(case_id);
  DOORSTEP_TRY(set_list(w, "purged_unreported", reported));
  *purged = true;
  return {};
}

Status ScopePurge::on_case_received(Writer& w, const std::string& case_id) {
  auto list = get_list("revoked_pending");
  auto it = std::find(list.begin(), list.end(), case_id);
  if (it == list.end()) return {};
  list.erase(it);
  return set_list(w, "revoked_pending", list);
}

Result<std::int64_t> ScopePurge::purge_deferred() {
  std::int64_t n = 0;
  for (const auto& case_id : deferred()) {
    std::vector<std::string> blobs;
    bool purged = false;
    auto st = store_.write([&](Writer& w) -> Status {
      auto pending = store_.pending_for_case(case_id);
      if (!pending) return pending.error();
      if (*pending > 0) return {};  // still unsent: try after the next push
      auto list = get_list("revoked_pending");
      list.erase(std::remove(list.begin(), list.end(), case_id), list.end());
      DOORSTEP_TRY(set_list(w, "revoked_pending", list));
      return on_revoke(w, case_id, &blobs, &purged);
    });
    if (!st.ok()) return st.error();
    delete_blobs(blobs);
    if (purged) ++n;
  }
  return n;
}

void ScopePurge::delete_blobs(const std::vector<std::string>& shas) {
  for (const auto& sha : shas) (void)store_.blobs().remove(sha);
}

}  // namespace doorstep::client
