#include "hub/push.h"

#include <nlohmann/json.hpp>

#include "doorstep/core/clock.h"
#include "doorstep/core/hlc.h"
#include "doorstep/core/schema.h"
#include "doorstep/protocol/merge.h"
#include "hub/audit_log.h"
#include "hub/conflicts.h"
#include "hub/forms.h"
#include "hub/record_rows.h"
#include "hub/record_rules.h"
#include "hub/scope.h"

namespace doorstep::server {

using protocol::Operation;
using protocol::OperationResult;
using protocol::Outcome;

namespace {

constexpr const char* kNotInCaseload = "not in your caseload";

OperationResult rejected(const Operation& op, const std::string& why) {
  return OperationResult{op.seq, op.op_id, Outcome::rejected, why, 0};
}

std::optional<OperationResult> result_from_text(const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  OperationResult r;
  try {
    r.seq = j.at("seq").get<std::int64_t>();
    r.op_id = j.at("op_id").get<std::string>();
    auto o = protocol::outcome_from_string(j.at("outcome").get<std::string>());
    if (!o) return std::nullopt;
    r.outcome = *o;
    r.reason = j.value("reason", std::string());
    r.rev = j.value("rev", std::int64_t{0});
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  return r;
}

// Changes a worker made on a device while a case was still theirs reach the case even
// when they arrive after the office handed it to someone else: the worker's writing
// must not be lost. "While it was theirs" = the operation's (clamped) clock is before
// the revocation's server time. A device's clock is its own word, so this holds only
// for kLateWriteGraceMs after the handover: a device that stays away longer has long
// been locked by its offline lease.
constexpr std::int64_t kLateWriteGraceMs = 14ll * 24 * 3600 * 1000;

Result<bool> written_before_handover(Hub& hub, SqlBackend& db, const AccessClaims& caller, const Operation& op,
                                     const std::string& case_id) {
  if (case_id.empty()) return false;
  const std::int64_t now = hub.clock().now_ms();
  auto clock = Hlc::decode(protocol::clamp_hlc(op.hlc, now, protocol::kMaxClockAheadMs));
  if (!clock) return false;
  auto rows = db.query("SELECT 1 FROM revocation WHERE worker = ? AND case_id = ? AND at_ms > ? AND at_ms >= ?",
                       {caller.user, case_id, clock->millis, now - kLateWriteGraceMs});
  if (!rows) return rows.error();
  return !rows->empty();
}

// One operation, not seen before. Returns the result to store; an Error only when
// the database failed (the whole request then rolls back). answers: what this
// request already read about the caller's scope.
Result<OperationResult> apply_one(Hub& hub, SqlBackend& db, const AccessClaims& caller, const Operation& op,
                                  ScopeAnswers& answers) {
  const RecordType* rt = find_record_type(op.record_type);
  if (rt == nullptr) return rejected(op, "unknown record type");
  if (op.record_type == "audit_event") return rejected(op, "audit events travel in audit_events, not as operations");
  if (op.record_type == "form_definition") return rejected(op, "forms are published by the office, not a device");
  // The merge treats a device's own earlier changes as not concurrent with its later
  // ones, by the device named in the clock: a clock naming another device could make
  // a change silently overwrite that device's.
  if (auto clock = Hlc::decode(op.hlc); !clock || clock->device != caller.device_id)
    return rejected(op, "the change's clock does not name this device");
  if (op.action == "delete" && (op.record_type == "case" || op.record_type == "person"))
    return rejected(op, "only the office can close a case or remove a person");

  auto current = load_record(db, op.record_type, op.record_id);
  if (!current) return current.error();
  if (*current) {
    auto ok = in_scope(db, caller.user, (*current)->scope, &answers);
    if (!ok) return ok.error();
    if (!*ok) {
      auto late = written_before_handover(hub, db, caller, op, (*current)->scope.case_id);
      if (!late) return late.error();
      if (!*late) return rejected(op, kNotInCaseload);
    }
  }

  auto seq = next_seq(db);
  if (!seq) return seq.error();
  protocol::MergeContext ctx;
  ctx.author = caller.user;
  ctx.new_rev = *seq;
  ctx.server_now_ms = hub.clock().now_ms();
  std::optional<protocol::ServerRecord> base;
  if (*current) base = (*current)->state;
  protocol::MergeResult merged = protocol::merge_operation(*rt, base, op, ctx);
  if (merged.outcome == Outcome::rejected || !merged.next)
    return rejected(op, merged.reason.empty() ? std::string("refused by the merge rules") : merged.reason);

  protocol::ServerRecord next = std::move(*merged.next);
  next.record.type = op.record_type;
  next.record.id = op.record_id;
  next.record.rev = *seq;
  if (!*current) {
    const std::string who = identity_field(op.record_type);
    if (!who.empty() && next.record.text(who) != caller.user)
      return rejected(op, op.record_type + "." + who + " must be your own user name");
  }
  if (auto s = check_record_state(next.record); !s.ok()) return rejected(op, s.error().message);
  auto scope = derive_scope(db, next.record);
  if (!scope) return scope.error();
  // A new record that names a case must name one of the worker's cases, even a
  // report of their own; after that, their own reports stay theirs.
  auto ok = !*current && !scope->case_id.empty() ? case_in_scope(db, caller.user, scope->case_id, &answers)
                                                 : in_scope(db, caller.user, *scope, &answers);
  if (!ok) return ok.error();
  if (!*ok) {
    auto late = written_before_handover(hub, db, caller, op, scope->case_id);
    if (!late) return late.error();
    if (!*late) return rejected(op, kNotInCaseload);
  }
  if (!*current && op.record_type == "form_submission") {
    // The same forms engine as the device, against the version the submission names.
    auto refusal = form_submission_refusal(db, next.record, ctx.server_now_ms);
    if (!refusal) return refusal.error();
    if (!refusal->empty()) return rejected(op, *refusal);
  }

  DOORSTEP_TRY(save_record(db, next, *scope, /*known_new=*/!*current));
  if (op.record_type == "case") answers.forget();  // its holder or state may have changed
  for (const auto& c : merged.conflicts) {
    auto made = record_conflict(hub, db, next.record, *scope, c);
    if (!made) return made.error();
  }
  hub.hlc().observe(next.record.hlc, protocol::kMaxClockAheadMs);
  OperationResult out{op.seq, op.op_id, merged.outcome, merged.reason, *seq};
  if (out.outcome == Outcome::conflict && merged.conflicts.empty()) out.outcome = Outcome::merged;
  return out;
}

// The results of this request's new operations, several rows per statement (one
// round trip per operation was a sixth of a push's statements on PostgreSQL). Three
// statement shapes, 100, 10 and 1 rows, so each connection prepares at most three.
Status store_results(SqlBackend& db, const std::string& device_id, const std::vector<OperationResult>& results,
                     const std::vector<std::size_t>& new_results) {
  auto it = new_results.begin();
  for (std::size_t left = new_results.size(); left > 0;) {
    const std::size_t rows = left >= 100 ? 100 : left >= 10 ? 10 : 1;  // 100 rows: 400 values, under SQLite's 999
    left -= rows;
    std::string sql = "INSERT INTO push_result (device_id, seq, op_id, result) VALUES ";
    SqlParams params;
    for (std::size_t n = 0; n < rows; ++n, ++it) {
      const OperationResult& r = results[*it];
      sql += n == 0 ? "(?, ?, ?, ?)" : ", (?, ?, ?, ?)";
      params.insert(params.end(), {device_id, r.seq, r.op_id, protocol::dump(protocol::to_json(r))});
    }
    auto ins = db.exec(sql, params);
    if (!ins) return ins.error();
  }
  return {};
}

}  // namespace

Result<protocol::PushResponse> Push::apply(const AccessClaims& caller, const protocol::PushRequest& req,
                                           EpochMismatch* mismatch, const std::string& source) {
  protocol::PushResponse resp;
  std::map<std::string, std::int64_t> outcomes;
  // One write transaction shared with the pushes arriving at the same moment, this
  // request's effects in a savepoint of their own (hub/group_commit.h).
  Status done = hub_.group_commit().run(hub_.pool(), [&](SqlBackend& db) -> Status {
    resp = {};
    outcomes.clear();
    if (!req.epoch.empty()) {
      // Base revisions and the device's view of what the server holds belong to the
      // epoch the device last read; in another history they would merge wrongly.
      auto epoch = read_epoch(db);
      if (!epoch) return epoch.error();
      if (epoch->epoch != req.epoch) {
        const std::string why =
            "the server's history was restored from a backup; read again from the start, then push";
        if (mismatch) *mismatch = EpochMismatch{true, why, *epoch};
        return make_error(ErrorDomain::sync, ErrorCode::conflict, why);
      }
    }
    auto last = db.query("SELECT last_seq FROM device_push WHERE device_id = ?", {caller.device_id});
    if (!last) return last.error();
    const bool had_row = !last->empty();
    std::int64_t last_seq = had_row ? last->front().integer(0) : 0;
    const std::int64_t start_seq = last_seq;

    ScopeAnswers answers;
    std::vector<std::size_t> new_results;  // indexes in resp.results, stored below
    // Operations come in increasing seq (protocol/messages.cpp), so a replayed one was
    // stored by an earlier request.
    for (const auto& op : req.operations) {
      if (op.seq <= last_seq) {
        auto stored = db.query("SELECT result FROM push_result WHERE device_id = ? AND seq = ?",
                               {caller.device_id, op.seq});
        if (!stored) return stored.error();
        std::optional<OperationResult> r;
        if (!stored->empty()) r = result_from_text(stored->front().text(0));
        resp.results.push_back(r ? *r : rejected(op, "this operation was already processed"));
        ++outcomes["replayed"];
        continue;
      }
      auto r = apply_one(hub_, db, caller, op, answers);
      if (!r) return r.error();
      last_seq = op.seq;
      ++outcomes[protocol::to_string(r->outcome)];
      new_results.push_back(resp.results.size());
      resp.results.push_back(std::move(*r));
    }
    DOORSTEP_TRY(store_results(db, caller.device_id, resp.results, new_results));
    if (last_seq != start_seq) {
      auto up = had_row ? db.exec("UPDATE device_push SET last_seq = ? WHERE device_id = ?", {last_seq, caller.device_id})
                        : db.exec("INSERT INTO device_push (device_id, last_seq) VALUES (?, ?)",
                                  {caller.device_id, last_seq});
      if (!up) return up.error();
    }

    const std::string now = hub_.hlc().timestamp();
    // Each change a device made reaches the audit log as the device's own event
    // (core's Writer writes one with every change), below: not a second one here.
    for (const auto& ev : req.audit_events) {
      // The hub trusts the session, not the event, for who and where; the time the
      // device gives, in the one form the log's date filters compare.
      std::string at = ev.text("at");
      if (auto canonical = normalise_timestamp(at)) at = *canonical;
      AuditEntry e{ev.id,   at, caller.user, caller.device_id, ev.text("action"), ev.text("record_type"),
                   ev.text("record_id"), "", now, "worker", source};
      if (e.at.empty() || e.action.empty()) continue;
      auto stored = append_audit(db, e);
      if (!stored) return stored.error();
      ++resp.audit_accepted;
    }
    for (const auto& case_id : req.purged_cases) {
      auto n = db.exec(
          "INSERT INTO purge_report (device_id, case_id, reported_at) SELECT ?, ?, ?"
          " WHERE NOT EXISTS (SELECT 1 FROM purge_report WHERE device_id = ? AND case_id = ?)",
          {caller.device_id, case_id, now, caller.device_id, case_id});
      if (!n) return n.error();
      if (*n > 0) {
        auto a = append_audit(db, {new_uuid(), now, caller.user, caller.device_id, "purged", "case", case_id, "", now,
                                   "worker", source});
        if (!a) return a.error();
      }
    }
    return {};
  });
  if (!done.ok()) return done.error();
  for (const auto& [outcome, n] : outcomes) hub_.metrics().count_push_operation(outcome, n);
  resp.server_hlc = hub_.hlc().tick();
  return resp;
}

}  // namespace doorstep::server
