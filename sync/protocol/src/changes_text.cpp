// parse_changes_text(): a changes page read from its text by nlohmann's SAX
// interface, straight into ChangesResponse, with the checks of
// parse_changes_response() (messages.cpp). The JSON tree of a 2,000-record page, built
// only to be copied into records and freed, was most of the device's parse time and
// its largest allocation (sync_bench).
#include <nlohmann/json.hpp>

#include "doorstep/core/hlc.h"
#include "doorstep/core/json_fields.h"
#include "doorstep/core/schema.h"
#include "doorstep/core/store.h"
#include "doorstep/protocol/messages.h"

namespace doorstep::protocol {

namespace {

using json = nlohmann::json;

Error bad(const std::string& what) {
  return make_error(ErrorDomain::sync, ErrorCode::invalid_argument, "malformed message: " + what);
}

// One value as read; a container where a scalar belongs is `other` (wrong type).
struct Raw {
  enum Kind { absent, null, boolean, integer, real, text, list, other } kind = absent;
  bool b = false;
  std::int64_t i = 0;
  double d = 0;
  std::string s;
  std::vector<std::string> items;  // list: strings only, else the kind is other

  json to_json() const {
    switch (kind) {
      case absent:
      case null: return nullptr;
      case boolean: return b;
      case integer: return i;
      case real: return d;
      case text: return s;
      case list: return json(items);
      case other: break;
    }
    return json::object();
  }
};

// The readers of messages.cpp, over Raw values: same rules, same messages.
Result<std::string> read_str(Raw& r, const char* key, bool required = true, std::size_t max = 4096) {
  if (r.kind == Raw::absent || r.kind == Raw::null) {
    if (required) return bad(std::string("missing \"") + key + "\"");
    return std::string();
  }
  if (r.kind != Raw::text) return bad(std::string("\"") + key + "\" must be text");
  if (r.s.size() > max) return bad(std::string("\"") + key + "\" is too long");
  if (!check_utf8(r.s, key).ok()) return bad(std::string("\"") + key + "\" is not UTF-8");
  return std::move(r.s);
}

Result<std::int64_t> read_int(const Raw& r, const char* key, bool required = true) {
  if (r.kind == Raw::absent || r.kind == Raw::null) {
    if (required) return bad(std::string("missing \"") + key + "\"");
    return std::int64_t{0};
  }
  if (r.kind != Raw::integer) return bad(std::string("\"") + key + "\" must be a whole number");
  return r.i;
}

Result<bool> read_bool(const Raw& r, const char* key) {
  if (r.kind == Raw::absent || r.kind == Raw::null) return false;
  if (r.kind != Raw::boolean) return bad(std::string("\"") + key + "\" must be true or false");
  return r.b;
}

#define TAKE(var, expr)                 \
  auto var##_r = (expr);                \
  if (!var##_r) return var##_r.error(); \
  auto var = std::move(*var##_r)

class PageReader : public nlohmann::json_sax<json> {
 public:
  ChangesResponse page;
  std::optional<Error> error;

  bool null() override { return scalar(Raw{Raw::null}); }
  bool boolean(bool v) override {
    Raw r{Raw::boolean};
    r.b = v;
    return scalar(std::move(r));
  }
  bool number_integer(number_integer_t v) override {
    Raw r{Raw::integer};
    r.i = v;
    return scalar(std::move(r));
  }
  bool number_unsigned(number_unsigned_t v) override {
    Raw r{Raw::integer};
    r.i = static_cast<std::int64_t>(v);  // as json::get<std::int64_t>() reads it
    return scalar(std::move(r));
  }
  bool number_float(number_float_t v, const string_t&) override {
    Raw r{Raw::real};
    r.d = v;
    return scalar(std::move(r));
  }
  bool string(string_t& v) override {
    Raw r{Raw::text};
    r.s = std::move(v);
    return scalar(std::move(r));
  }
  bool binary(binary_t&) override { return scalar(Raw{Raw::other}); }

  bool key(string_t& k) override {
    if (skip_ == 0) key_ = std::move(k);
    return true;
  }

  bool start_object(std::size_t) override {
    if (skip_ > 0) return ++skip_, true;
    switch (at()) {
      case At::start: return push(At::top);
      case At::entries:
        if (page.entries.size() >= static_cast<std::size_t>(kMaxPageEntries)) return fail(bad("too many entries in one page"));
        entry_ = Entry{};
        return push(At::entry);
      case At::entry:
        if (key_ == "record") {
          entry_.has_record = entry_.record_is_object = true;
          return push(At::record);
        }
        break;
      case At::record:
        if (key_ == "fields") {
          entry_.fields_seen = entry_.fields_is_object = true;
          return push(At::fields);
        }
        break;
      default: break;
    }
    return container();
  }

  bool start_array(std::size_t) override {
    if (skip_ > 0) return ++skip_, true;
    switch (at()) {
      case At::top:
        if (key_ == "entries") {
          entries_seen_ = true;
          page.entries.clear();
          last_seq_ = 0;
          return push(At::entries);
        }
        break;
      case At::entry:
        if (key_ == "changed_since_base") {
          entry_.has_names = entry_.names_is_array = true;
          return push(At::names);
        }
        break;
      case At::fields:
        entry_.fields.emplace_back(key_, Raw{Raw::list});
        return push(At::field_list);
      default: break;
    }
    return container();
  }

  bool end_object() override {
    if (skip_ > 0) return --skip_, true;
    const At was = at();
    stack_.pop_back();
    if (was == At::entry) return finish_entry();
    return true;
  }

  bool end_array() override {
    if (skip_ > 0) return --skip_, true;
    stack_.pop_back();
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    if (!error) error = bad("not valid JSON (truncated or damaged)");
    return false;
  }

  // After a parse that ran to its end.
  Status finish() {
    if (!entries_seen_) return bad("missing \"entries\" list");
    TAKE(cursor, read_str(cursor_, "cursor"));
    TAKE(more, read_bool(more_, "more"));
    TAKE(h, read_str(hlc_, "server_hlc"));
    TAKE(e, read_str(epoch_, "epoch", false));
    TAKE(base, read_int(epoch_base_, "epoch_base", false));
    if (base < 0) return bad("negative epoch_base");
    page.cursor = std::move(cursor);
    page.more = more;
    page.server_hlc = std::move(h);
    page.epoch = std::move(e);
    page.epoch_base = base;
    return {};
  }

 private:
  enum class At { start, top, entries, entry, record, fields, field_list, names };

  struct Entry {
    Raw seq, revoke_case, type, id, rev, hlc, deleted;
    bool has_record = false, record_is_object = false, fields_seen = false, fields_is_object = false;
    bool has_names = false, names_is_array = false, names_bad = false;
    std::vector<std::string> names;
    std::vector<std::pair<std::string, Raw>> fields;
  };

  At at() const { return stack_.empty() ? At::start : stack_.back(); }
  bool push(At a) {
    stack_.push_back(a);
    return true;
  }
  bool fail(Error e) {
    if (!error) error = std::move(e);
    return false;
  }

  // A container where the reader wants no container: a wrong type where the key is
  // known (its checks report it), then skipped.
  bool container() {
    switch (at()) {
      case At::start: return fail(bad("a changes page must be a JSON object"));
      case At::entries: return fail(bad("an entry must be a JSON object"));
      default: break;
    }
    if (!scalar(Raw{Raw::other})) return false;
    skip_ = 1;
    return true;
  }

  bool scalar(Raw v) {
    if (skip_ > 0) return true;
    switch (at()) {
      case At::start: return fail(bad("a changes page must be a JSON object"));
      case At::top:
        if (key_ == "cursor") cursor_ = std::move(v);
        else if (key_ == "more") more_ = std::move(v);
        else if (key_ == "server_hlc") hlc_ = std::move(v);
        else if (key_ == "epoch") epoch_ = std::move(v);
        else if (key_ == "epoch_base") epoch_base_ = std::move(v);
        else if (key_ == "entries") {
          entries_seen_ = false;  // not a list
          page.entries.clear();
        }
        return true;
      case At::entries: return fail(bad("an entry must be a JSON object"));
      case At::entry:
        if (key_ == "seq") entry_.seq = std::move(v);
        else if (key_ == "revoke_case") entry_.revoke_case = std::move(v);
        else if (key_ == "record") entry_.has_record = true, entry_.record_is_object = false;
        else if (key_ == "changed_since_base") entry_.has_names = true, entry_.names_is_array = false;
        return true;
      case At::record:
        if (key_ == "type") entry_.type = std::move(v);
        else if (key_ == "id") entry_.id = std::move(v);
        else if (key_ == "rev") entry_.rev = std::move(v);
        else if (key_ == "hlc") entry_.hlc = std::move(v);
        else if (key_ == "deleted") entry_.deleted = std::move(v);
        else if (key_ == "fields") entry_.fields_seen = true, entry_.fields_is_object = false;
        return true;
      case At::fields: entry_.fields.emplace_back(key_, std::move(v)); return true;
      case At::field_list: {
        Raw& list = entry_.fields.back().second;
        if (v.kind == Raw::text && list.kind == Raw::list) list.items.push_back(std::move(v.s));
        else list.kind = Raw::other;
        return true;
      }
      case At::names:
        if (v.kind == Raw::text && v.s.size() <= 64) entry_.names.push_back(std::move(v.s));
        else entry_.names_bad = true;
        return true;
    }
    return true;
  }

  Result<Record> record(Entry& e) {
    if (!e.record_is_object) return bad("a record must be a JSON object");
    TAKE(type, read_str(e.type, "type"));
    const RecordType* rt = find_record_type(type);
    if (rt == nullptr) return bad("unknown record type \"" + type.substr(0, 40) + "\"");
    Record r;
    r.type = type;
    TAKE(id, read_str(e.id, "id"));
    if (!is_record_id(id)) return bad("bad record id");
    r.id = std::move(id);
    TAKE(rev, read_int(e.rev, "rev"));
    if (rev < 0) return bad("negative rev");
    r.rev = rev;
    TAKE(hlc, read_str(e.hlc, "hlc"));
    if (!Hlc::decode(hlc).ok()) return bad("bad hlc");
    r.hlc = std::move(hlc);
    TAKE(deleted, read_bool(e.deleted, "deleted"));
    r.deleted = deleted;
    if (!e.fields_seen || !e.fields_is_object) return bad("record without \"fields\" object");
    for (const auto& f : rt->fields) r.fields[std::string(f.name)] = Value{};
    for (auto& [name, raw] : e.fields) {
      const FieldSpec* spec = rt->field(name);
      if (spec == nullptr) return bad(type + " has no field \"" + name.substr(0, 40) + "\"");
      Result<Value> v = raw.kind == Raw::text && (spec->type == FieldType::text || spec->type == FieldType::timestamp)
                            ? Result<Value>(Value{std::move(raw.s)})
                            : value_from_json(*spec, raw.to_json());
      if (!v) return bad(v.error().message);
      if (auto* s = std::get_if<std::string>(&*v); s && !check_utf8(*s, name).ok()) return bad(name + " is not UTF-8");
      r.fields[name] = std::move(*v);
    }
    return r;
  }

  bool finish_entry() {
    Status st = [&]() -> Status {
      ChangeEntry c;
      TAKE(seq, read_int(entry_.seq, "seq"));
      if (seq < last_seq_) return bad("entries out of sequence order");
      last_seq_ = seq;
      c.seq = seq;
      if (entry_.has_record) {
        TAKE(r, record(entry_));
        c.record = std::move(r);
        if (entry_.has_names) {
          if (!entry_.names_is_array || entry_.names.size() + (entry_.names_bad ? 1 : 0) > 256)
            return bad("\"changed_since_base\" must be a short list");
          if (entry_.names_bad) return bad("bad field name in changed_since_base");
          c.changed_since_base = std::move(entry_.names);
        }
      } else {
        TAKE(rc, read_str(entry_.revoke_case, "revoke_case"));
        if (!is_record_id(rc)) return bad("bad revoke_case");
        c.revoke_case = std::move(rc);
      }
      page.entries.push_back(std::move(c));
      return {};
    }();
    if (!st.ok()) return fail(st.error());
    return true;
  }

  std::vector<At> stack_;
  int skip_ = 0;  // depth inside a value that is skipped
  std::string key_;
  bool entries_seen_ = false;
  std::int64_t last_seq_ = 0;
  Raw cursor_, more_, hlc_, epoch_, epoch_base_;
  Entry entry_;
};

}  // namespace

Result<ChangesResponse> parse_changes_text(const std::string& text, std::size_t max_bytes) {
  if (text.size() > max_bytes) return make_error(ErrorDomain::sync, ErrorCode::too_large, "message too large");
  if (text.empty()) return bad("empty body");
  try {
    PageReader reader;
    const bool parsed = json::sax_parse(text, &reader);
    if (reader.error) return *reader.error;
    if (!parsed) return bad("not valid JSON (truncated or damaged)");
    DOORSTEP_TRY(reader.finish());
    return std::move(reader.page);
  } catch (const std::exception&) {  // memory; nothing may escape the protocol
    return make_error(ErrorDomain::sync, ErrorCode::internal, "the changes page could not be read");
  }
}

}  // namespace doorstep::protocol
