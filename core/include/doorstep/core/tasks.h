// Tasks: reablement care-plan tasks and their append-only completion log.
// Same threading as the Store.
#pragma once

#include <string>
#include <vector>

#include "doorstep/core/record.h"
#include "doorstep/core/result.h"
#include "doorstep/core/store.h"

namespace doorstep {

class Tasks {
 public:
  explicit Tasks(Store& store) : store_(store) {}

  // Appends a completion (now, by the store's worker) to the task's log; one transaction.
  Result<Record> complete(const std::string& task_id, const std::string& note = "");
  // Tasks of a case, in creation order.
  Result<std::vector<Record>> for_case(const std::string& case_id);
  // A task's completion log, oldest first.
  Result<std::vector<Record>> completions(const std::string& task_id);

 private:
  Store& store_;
};

}  // namespace doorstep
