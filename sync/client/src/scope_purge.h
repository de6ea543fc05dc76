// ScopePurge: removes a case that left the worker's scope. A case with unsent
// operations waits (meta "revoked_pending") until they are pushed or quarantined;
// a purged case is reported on the next push (meta "purged_unreported").
#pragma once

#include <string>
#include <vector>

#include "doorstep/core/store.h"

namespace doorstep::client {

class ScopePurge {
 public:
  explicit ScopePurge(Store& store) : store_(store) {}

  // Inside a pull page's transaction: purges now, or defers when changes are unsent.
  // Blob hashes to delete after commit are appended to *blobs.
  Status on_revoke(Writer& w, const std::string& case_id, std::vector<std::string>* blobs, bool* purged);
  // The case arrived again in the feed (handed back to this worker): a purge still
  // waiting for it is dropped.
  Status on_case_received(Writer& w, const std::string& case_id);
  // After a push: purges deferred cases whose operations have all left the outbox.
  // Returns how many were purged.
  Result<std::int64_t> purge_deferred();
  std::vector<std::string> deferred();
  // Purged cases not yet reported to the server, and marking some as reported.
  std::vector<std::string> unreported() { return get_list("purged_unreported"); }
  Status mark_reported(Writer& w, const std::vector<std::string>& sent);

  // Deletes blob files after the transaction that dropped their records committed.
  void delete_blobs(const std::vector<std::string>& shas);

 private:
  Status set_list(Writer& w, const std::string& key, const std::vector<std::string>& list);
  std::vector<std::string> get_list(const std::string& key);
  Store& store_;
};

}  // namespace doorstep::client
