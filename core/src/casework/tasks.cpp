#include "doorstep/core/tasks.h"

namespace doorstep {

Result<Record> Tasks::complete(const std::string& task_id, const std::string& note) {
  DOORSTEP_TRY(check_utf8(note, "the completion note"));
  if (note.size() > 64 * 1024)
    return make_error(ErrorDomain::input, ErrorCode::too_large, "a completion note is limited to 64 KiB");
  Result<Record> out = make_error(ErrorDomain::store, ErrorCode::internal, "not written");
  auto st = store_.write([&](Writer& w) -> Status {
    auto task = w.get("task", task_id);
    if (!task) return task.error();
    if (!*task || (*task)->deleted)
      return make_error(ErrorDomain::store, ErrorCode::not_found, "no task " + task_id.substr(0, 64));
    Fields f{{"task_id", task_id},
             {"case_id", (*task)->text("case_id")},
             {"completed_at", format_timestamp(store_.clock().now_ms())},
             {"completed_by", store_.user()}};
    if (!note.empty()) f["note"] = note;
    auto r = w.change("task_completion", new_uuid(), f, "task_completed");
    if (!r) return r.error();
    out = std::move(*r);
    return {};
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<std::vector<Record>> Tasks::for_case(const std::string& case_id) { return store_.list("task", "case_id", case_id); }

Result<std::vector<Record>> Tasks::completions(const std::string& task_id) {
  return store_.list("task_completion", "task_id", task_id);
}

}  // namespace doorstep
