// Changes: the pull feed (GET /v1/sync/changes). Whole record states in the
// worker's scope, and revocations of cases that left it, after an opaque cursor.
//
// The cursor is text the device hands back unchanged, "<tag>_<position>" where tag is
// epoch_tag() of the epoch it was made in (hub/epoch.h) and position is one of:
//   ""                   from the start: a snapshot at the current sequence number S
//   "s<S>.r<seq>"        snapshot, revocations of cases out of scope, after seq
//   "s<S>.<rank>.<rev>"  snapshot, records by dependency rank (person, case, task,
//                        field report, the rest), then rev
//   "<seq>"              live: every change after seq, in sequence order
// A cursor of another epoch, or one ahead of the history (a database restored without
// a new epoch), is an EpochMismatch: the device must start again from "". A position
// without a tag (cursors made before epochs were tagged) is read in the current epoch.
// A first sync delivers a person before their case and a task before its
// completions, so every page can be applied on its own with foreign keys checked; a
// change made while the snapshot is paged arrives afterwards in the live phase. A
// page that is not full ends at the hub's current sequence number, so the next
// request skips what was out of scope.
//
// Entry seq: live entries carry their own sequence number (a record's rev, a
// revocation's seq); snapshot entries all carry the snapshot's S (their records keep
// their real rev). Either way seq never decreases along the feed.
// Stateless over the Hub: thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "doorstep/protocol/messages.h"
#include "hub/epoch.h"
#include "hub/hub.h"
#include "hub/tokens.h"

namespace doorstep::server {

inline constexpr std::int64_t kDefaultPageEntries = 1000;
inline constexpr std::size_t kMaxPageBytes = 16u << 20;  // a page stops early past this much JSON text

class Changes {
 public:
  explicit Changes(Hub& hub) : hub_(hub) {}

  // The page as response text (protocol::ChangesResponse on the wire, written by
  // ChangesText). invalid_argument for a cursor this hub did not make. limit is clamped to
  // 1..protocol::kMaxPageEntries. A cursor of another epoch or ahead of the history
  // is sync/conflict with *mismatch filled in (when given). changed_since_base: list,
  // for each record changed since the epoch began, which fields (ChangeEntry).
  Result<std::string> page(const AccessClaims& caller, const std::string& cursor, std::int64_t limit,
                                         EpochMismatch* mismatch = nullptr, bool changed_since_base = false);

 private:
  Hub& hub_;
};

}  // namespace doorstep::server
