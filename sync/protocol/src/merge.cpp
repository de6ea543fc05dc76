// Device operations against the server's state (merge.h). Every refusal is decided
// before anything is built, so a rejected operation leaves no state behind.
#include "doorstep/protocol/merge.h"

#include <algorithm>
#include <variant>

#include "doorstep/core/store.h"
#include "merge_rules.h"

namespace doorstep::protocol {

namespace {

using json = nlohmann::json;
using namespace detail;

MergeResult refuse(std::string reason) {
  MergeResult r;
  r.outcome = Outcome::rejected;
  r.reason = std::move(reason);
  return r;
}

// One field of the operation, typed and checked against the schema and the current state.
struct Change {
  const FieldSpec* spec;
  std::string name;
  const json* wire;  // as the device sent it (set deltas are re-applied against the server's set)
  Value value;       // what the field holds if the operation's value is taken
};

// One device operation being merged.
class Merge {
 public:
  Merge(const RecordType& type, const Operation& op, const MergeContext& ctx, std::string device, std::string clock)
      : type_(type), op_(op), ctx_(ctx), device_(std::move(device)), clock_(std::move(clock)) {}

  MergeResult write(const std::optional<ServerRecord>& current);
  MergeResult remove(const std::optional<ServerRecord>& current);
  MergeResult repeat_create(const ServerRecord& current);

 private:
  FieldStamp stamp() const { return {ctx_.new_rev, clock_, ctx_.author}; }
  // Changed on the server since the device's base — by anyone but this device: a
  // device's operations arrive in its own sequence order, so a change it made itself
  // (an earlier operation still queued when this one was written) is not concurrent.
  bool changed_since_base(const FieldStamp& s) const {
    return s.rev > op_.base_rev && clock_or_oldest(s.hlc).device != device_;
  }
  std::variant<std::vector<Change>, std::string> check(const std::optional<ServerRecord>& current) const;
  void later_wins(ServerRecord& next, const Change& c, const FieldStamp& server);
  MergeResult finish(ServerRecord next);

  const RecordType& type_;
  const Operation& op_;
  const MergeContext& ctx_;
  std::string device_;  // the device part of the operation's clock
  std::string clock_;   // the operation's clock, clamped
  std::vector<FieldConflict> conflicts_;
  std::vector<std::string> settled_;  // fields a policy settled without a person
};

const Value kNull;

const Value& field_of(const Record& r, const std::string& name) {
  auto it = r.fields.find(name);
  return it == r.fields.end() ? kNull : it->second;
}

std::string unchangeable(const RecordType& type) {
  const std::string t = type_label(type);
  switch (type.kind) {
    case RecordKind::finalisable: return "the " + t + " is final and cannot change; a correction is a new " + t + " that amends it";
    case RecordKind::append_only: return "a " + t + " is never changed once recorded";
    default: return "a " + t + " never changes once stored";
  }
}

// Every field of the operation typed, and every refusal found, before anything changes.
std::variant<std::vector<Change>, std::string> Merge::check(const std::optional<ServerRecord>& current) const {
  const bool creating = !current.has_value();
  const bool create_action = op_.action == "create";
  const std::string t = type_label(type_);
  std::vector<Change> out;
  for (const auto& [name, wire] : op_.fields.items()) {
    const FieldSpec* spec = type_.field(name);
    if (spec == nullptr) return "a " + t + " has no field " + safe_name(name);
    const Value& cur = current ? field_of(current->record, name) : kNull;
    auto v = typed_change(*spec, cur, wire);
    if (!v) return v.error().message;
    if (spec->required && is_blank(*v)) return "a " + t + " needs a value for \"" + name + "\"";
    if (spec->merge == MergePolicy::office_owned) {
      if (!create_action || !device_may_start_with(type_, *spec, *v))
        return "the " + t + "'s " + name + " is set by the office";
      if (!creating) continue;  // a repeated create never overrides the office
    }
    if (spec->merge == MergePolicy::fixed && !creating) {
      if (!same_value(*spec, *v, cur)) return "the " + t + "'s " + name + " cannot change";
      continue;
    }
    out.push_back({spec, name, &wire, std::move(*v)});
  }
  if (creating) {  // every given field is in out; blank required ones were refused above
    for (const auto& f : type_.fields) {
      if (!f.required) continue;
      const bool given = std::any_of(out.begin(), out.end(), [&](const Change& c) { return c.spec == &f; });
      if (!given) return "a " + t + " needs a value for \"" + std::string(f.name) + "\"";
    }
  }
  return out;
}

void Merge::later_wins(ServerRecord& next, const Change& c, const FieldStamp& server) {
  Value& field = next.record.fields[c.name];
  if (same_value(*c.spec, field, c.value)) {
    settled_.push_back(c.name);
    return;
  }
  FieldConflict fc;
  fc.field = c.name;
  if (clock_or_oldest(server.hlc) < clock_or_oldest(clock_)) {
    fc.kept = c.value;
    fc.other = field;
    fc.kept_author = ctx_.author;
    fc.other_author = server.author;
    fc.kept_hlc = clock_;
    fc.other_hlc = server.hlc;
    field = c.value;
    next.stamps[c.name] = stamp();
  } else {
    fc.kept = field;
    fc.other = c.value;
    fc.kept_author = server.author;
    fc.other_author = ctx_.author;
    fc.kept_hlc = server.hlc;
    fc.other_hlc = clock_;
  }
  conflicts_.push_back(std::move(fc));
}

MergeResult Merge::write(const std::optional<ServerRecord>& current) {
  auto checked = check(current);
  if (auto* why = std::get_if<std::string>(&checked)) return refuse(*why);
  const auto& changes = std::get<std::vector<Change>>(checked);

  ServerRecord next;
  if (current) {
    next = *current;
  } else {
    if (!is_record_id(op_.record_id)) return refuse("the record id is not valid");
    next.record = empty_record(type_, op_.record_id);
  }
  if (current && next.record.deleted) {
    // Edit beats delete: losing writing is worse than an extra record.
    const FieldStamp& del = current->deleted_stamp;
    conflicts_.push_back({"deleted", Value{std::int64_t{0}}, Value{std::int64_t{1}}, ctx_.author, del.author, clock_, del.hlc});
    next.record.deleted = false;
    next.deleted_stamp = stamp();
  }
  for (const Change& c : changes) {
    Value& field = next.record.fields[c.name];
    auto st = next.stamps.find(c.name);
    const FieldStamp server = st == next.stamps.end() ? FieldStamp{} : st->second;
    if (!current || !changed_since_base(server)) {
      if (!current || !same_value(*c.spec, field, c.value)) {
        field = c.value;
        next.stamps[c.name] = stamp();
      }
      continue;
    }
    switch (c.spec->merge) {
      case MergePolicy::status_lattice: {
        const auto* mine_text = std::get_if<std::string>(&c.value);
        const int mine = mine_text ? visit_status_rank(*mine_text) : -1;
        const auto* theirs_text = std::get_if<std::string>(&field);
        const int theirs = theirs_text ? visit_status_rank(*theirs_text) : -1;
        if (same_value(*c.spec, field, c.value) || mine != theirs || mine < 2) {
          if (mine > theirs) {
            field = c.value;
            next.stamps[c.name] = stamp();
          }
          settled_.push_back(c.name);
        } else {
          later_wins(next, c, server);  // two different final states
        }
        break;
      }
      case MergePolicy::set_union: {
        // A list over a concurrent change adds its members; removals stay explicit.
        const json delta = c.wire->is_array() ? json{{"add", *c.wire}} : *c.wire;
        auto v = c.wire->is_null() ? Result<Value>(field) : typed_change(*c.spec, field, delta);
        if (v && !same_value(*c.spec, field, *v)) {
          field = *v;
          next.stamps[c.name] = stamp();
        }
        settled_.push_back(c.name);
        break;
      }
      default:
        later_wins(next, c, server);
        break;
    }
  }
  return finish(std::move(next));
}

MergeResult Merge::finish(ServerRecord next) {
  next.record.rev = ctx_.new_rev;
  next.record.hlc = later_clock(next.record.hlc, clock_);
  MergeResult r;
  r.next = std::move(next);
  if (!conflicts_.empty()) {
    r.outcome = Outcome::conflict;
    r.reason = "kept both values of";
    for (const auto& c : conflicts_) r.reason += " " + c.field;
  } else if (!settled_.empty()) {
    r.outcome = Outcome::merged;
    r.reason = "merged with a change made on the server:";
    for (const auto& f : settled_) r.reason += " " + f;
  } else {
    r.outcome = Outcome::applied;
  }
  r.conflicts = std::move(conflicts_);
  return r;
}

// A create for a record of a kind that never changes, which the server already holds:
// the same content again is a retry; different content is refused.
MergeResult Merge::repeat_create(const ServerRecord& current) {
  for (const auto& [name, wire] : op_.fields.items())
    if (type_.field(name) == nullptr) return refuse("a " + type_label(type_) + " has no field " + safe_name(name));
  for (const auto& f : type_.fields) {
    const std::string name(f.name);
    Value mine;
    if (op_.fields.contains(name)) {
      auto v = typed_change(f, Value{}, op_.fields[name]);
      if (!v) return refuse(v.error().message);
      mine = *v;
    }
    if (!same_value(f, mine, field_of(current.record, name)))
      return refuse("a different " + type_label(type_) + " with this id is already on the server");
  }
  return finish(current);
}

MergeResult Merge::remove(const std::optional<ServerRecord>& current) {
  const std::string t = type_label(type_);
  if (type_.kind != RecordKind::editable) {
    if (type_.kind == RecordKind::finalisable)
      return refuse("a final " + t + " cannot be deleted; a correction is a new " + t + " that amends it");
    return refuse("a " + t + " cannot be deleted from a device");
  }
  if (!current) return refuse("the record is not on the server");
  ServerRecord next = *current;
  if (!next.record.deleted) {
    const FieldStamp* newest = nullptr;
    for (const auto& [name, s] : current->stamps)
      if (changed_since_base(s) && (newest == nullptr || newest->rev < s.rev)) newest = &s;
    if (newest != nullptr) {
      // Someone changed the record since the device saw it: keep it, and say so.
      conflicts_.push_back(
          {"deleted", Value{std::int64_t{0}}, Value{std::int64_t{1}}, newest->author, ctx_.author, newest->hlc, clock_});
    } else {
      next.record.deleted = true;
      next.deleted_stamp = stamp();
    }
  }
  return finish(std::move(next));
}

}  // namespace

std::string clamp_hlc(const std::string& hlc, std::int64_t server_now_ms, std::int64_t max_ahead_ms) {
  auto h = Hlc::decode(hlc);
  if (!h) return hlc;
  const std::int64_t limit = server_now_ms + max_ahead_ms;
  if (h->millis > limit) {
    h->millis = limit;
    h->counter = 0;
  }
  return h->encode();
}

int visit_status_rank(const std::string& status) {
  if (status == "planned") return 0;
  if (status == "under_way") return 1;
  if (status == "completed" || status == "no_access" || status == "cancelled") return 2;
  return -1;
}

MergeResult merge_operation(const RecordType& type, const std::optional<ServerRecord>& current, const Operation& op,
                            const MergeContext& ctx) {
  const std::string t = type_label(type);
  if (op.record_type != type.name) return refuse("the operation is not for a " + t);
  if (current && current->record.id != op.record_id) return refuse("the operation is for another record");
  if (!op.fields.is_object()) return refuse("the operation's fields are not a JSON object");
  auto clock = Hlc::decode(op.hlc);
  if (!clock) return refuse("the operation's clock is not readable");
  if (clock->device.empty() || clock->device == kServerDevice) return refuse("the operation's clock names no device");
  if (type.kind == RecordKind::local_only) return refuse("a " + t + " never leaves the device");

  Merge m(type, op, ctx, clock->device, clamp_hlc(op.hlc, ctx.server_now_ms, ctx.max_clock_ahead_ms));
  if (op.action == "delete") return m.remove(current);
  if (op.action != "create" && op.action != "update") return refuse("unknown action");
  if (type.kind == RecordKind::office_owned && op.action == "create")
    return refuse("a " + t + " is created by the server, not a device");
  if (!current) {
    if (op.action == "update") return refuse("the record is not on the server");
    return m.write(current);
  }
  if (type.kind == RecordKind::finalisable || type.kind == RecordKind::append_only ||
      type.kind == RecordKind::immutable) {
    if (op.action == "update") return refuse(unchangeable(type));
    return m.repeat_create(*current);
  }
  return m.write(current);
}

}  // namespace doorstep::protocol
