// Conflicts: disagreements the server's merge could not settle (docs/design.md,
// "Records"), shown to the workers involved; a person resolves them. Resolving is one
// transaction: the conflict's resolution and, when the other value is chosen, the
// record's field set back to it (both queued to sync). Same threading as the Store.
#pragma once

#include <string>
#include <vector>

#include "doorstep/core/record.h"
#include "doorstep/core/result.h"
#include "doorstep/core/store.h"

namespace doorstep {

class Conflicts {
 public:
  explicit Conflicts(Store& store) : store_(store) {}

  // Unresolved conflicts on this device, oldest first.
  Result<std::vector<Record>> open();
  // choice: "kept" (the value now in the record stands) or "other" (restore the value
  // that lost). invalid_argument for another choice; invalid_transition if already
  // resolved.
  Result<Record> resolve(const std::string& conflict_id, const std::string& choice);

 private:
  Store& store_;
};

}  // namespace doorstep
