// The sync wire protocol (docs/design.md, "Sync"; docs/api.md): every message the
// device and doorstep-server exchange under /v1, as C++ structs with their JSON
// form. Parsing validates types, sizes and record fields against the schema, so a
// truncated or hostile message is an Error, never a half-applied one.
// Pure value types and functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "doorstep/core/record.h"
#include "doorstep/core/result.h"

namespace doorstep::protocol {

// Limits both sides enforce. They must agree between device and server builds.
inline constexpr std::size_t kMaxRequestBytes = 16u << 20;   // server answers 413 beyond this
inline constexpr std::size_t kMaxResponseBytes = 128u << 20; // client refuses larger responses
inline constexpr int kMaxPushOperations = 1000;              // per push request
inline constexpr int kMaxPageEntries = 5000;                 // per changes page
inline constexpr std::int64_t kMaxBlobBytes = 64ll << 20;    // one attachment
inline constexpr std::int64_t kMaxClockAheadMs = 60'000;     // device clocks further ahead are clamped

struct EnrolRequest {
  std::string username;
  std::string password;
  std::string device_id;    // minted by the device (its store's device id)
  std::string device_name;  // shown to the office, e.g. "Sam's tablet"
  // Set only when the hub answered 403 "password_change_required" (a password the
  // office reset): the worker's new password, checked by the hub's password rules.
  std::string new_password{};
};

struct EnrolResponse {
  std::string device_id;
  std::string worker;         // the account's user name
  std::string team;
  std::string refresh_token;  // long-lived; kept only inside the encrypted store
  std::string access_token;   // short-lived bearer token
  std::int64_t access_expires_in = 0;  // seconds
  std::string server_hlc;
  std::string epoch;          // the server's history epoch (changes on restore)
};

struct TokenRequest {
  std::string device_id;
  std::string refresh_token;
};

struct TokenResponse {
  std::string access_token;
  std::int64_t access_expires_in = 0;
  std::string server_hlc;
  // Refresh credentials rotate on every use: the one to send next time (the one just
  // sent no longer works). Empty from a hub that does not rotate them.
  std::string refresh_token{};
  // The office retired this device: push everything it holds, erase the store, then
  // send the receipt (POST /v1/devices/wiped).
  bool retire = false;
};

// One outbox operation. fields holds the changed fields as the outbox wrote them:
// scalars, and for set fields an array (create) or {"add": [...], "remove": [...]}.
struct Operation {
  std::int64_t seq = 0;        // the device's outbox sequence number; strictly increasing
  std::string op_id;           // UUID
  std::string record_type;
  std::string record_id;
  std::string action;          // create, update, delete
  std::int64_t base_rev = 0;   // the server revision the device based the change on
  nlohmann::json fields = nlohmann::json::object();
  std::string hlc;
};

struct PushRequest {
  std::vector<Operation> operations;     // in seq order
  std::vector<Record> audit_events;      // device audit events, delivered at least once
  std::vector<std::string> purged_cases; // cases this device has purged since last push
  std::string epoch{};                   // the server epoch the operations were based on; when it
                                         // is not the server's, nothing applies (409 "restored").
                                         // Empty: not checked (devices from before epochs)
};

enum class Outcome { applied, merged, conflict, rejected };
const char* to_string(Outcome o);
std::optional<Outcome> outcome_from_string(const std::string& s);

struct OperationResult {
  std::int64_t seq = 0;
  std::string op_id;
  Outcome outcome = Outcome::applied;
  std::string reason;       // why it was rejected, or what the merge did; never case content
  std::int64_t rev = 0;     // the record's revision after the operation (0 when rejected)
};

struct PushResponse {
  std::vector<OperationResult> results;  // one per operation, same order
  std::int64_t audit_accepted = 0;
  std::string server_hlc;
  bool retire = false;  // as TokenResponse::retire
};

// One entry of the changes feed: a whole record state, or the revocation of a case
// that has left the worker's scope.
struct ChangeEntry {
  std::int64_t seq = 0;
  std::optional<Record> record;
  std::string revoke_case;  // non-empty for a revocation
  // Only when the device asked (changes?since_base=1, while it re-reads after a
  // restore) and the record changed after its epoch began (rev > epoch_base): the
  // fields changed since then ("deleted" for the deleted flag). Every other field
  // still holds what the restored backup held.
  std::vector<std::string> changed_since_base{};
};

struct ChangesResponse {
  std::vector<ChangeEntry> entries;  // in server sequence order
  std::string cursor;                // opaque; pass back to continue
  bool more = false;                 // another page follows now
  std::string server_hlc;
  std::string epoch;
  std::int64_t epoch_base = 0;       // the server's sequence number when this epoch began (the
                                     // last one of the restored backup); 0 if never restored
};

// Every non-2xx response carries this body. wipe=true tells a revoked device to
// erase its store. A 409 "restored" (the server's history was restored from a backup:
// the cursor or the push names another epoch, or a cursor is ahead of the history)
// carries the server's epoch and epoch_base; the device re-reads from an empty cursor.
struct ErrorBody {
  std::string code;     // e.g. "unauthorised", "invalid_argument", "too_large", "revoked", "restored"
  std::string message;  // one line for a person
  bool wipe = false;
  std::string epoch{};           // "restored": the server's current epoch
  std::int64_t epoch_base = 0;   // "restored": where that epoch's history began
  bool retire = false;           // "retired": push what is unsent, then erase (wipe is set too)
};

// Records on the wire: {"type", "id", "rev", "hlc", "deleted", "fields": {...}};
// set fields are JSON arrays.
nlohmann::json record_to_json(const Record& r);
Result<Record> record_from_json(const nlohmann::json& j);

nlohmann::json to_json(const EnrolRequest& m);
nlohmann::json to_json(const EnrolResponse& m);
nlohmann::json to_json(const TokenRequest& m);
nlohmann::json to_json(const TokenResponse& m);
nlohmann::json to_json(const Operation& m);
nlohmann::json to_json(const PushRequest& m);
nlohmann::json to_json(const OperationResult& m);
nlohmann::json to_json(const PushResponse& m);
nlohmann::json to_json(const ChangeEntry& m);
nlohmann::json to_json(const ChangesResponse& m);
nlohmann::json to_json(const ErrorBody& m);

// Parsers: Error (domain sync, code invalid_argument) naming the bad member.
Result<EnrolRequest> parse_enrol_request(const nlohmann::json& j);
Result<EnrolResponse> parse_enrol_response(const nlohmann::json& j);
Result<TokenRequest> parse_token_request(const nlohmann::json& j);
Result<TokenResponse> parse_token_response(const nlohmann::json& j);
Result<Operation> parse_operation(const nlohmann::json& j);
Result<PushRequest> parse_push_request(const nlohmann::json& j);
Result<PushResponse> parse_push_response(const nlohmann::json& j);
Result<ChangesResponse> parse_changes_response(const nlohmann::json& j);
// The same page read from its text without building a JSON tree (what the puller
// uses): the same checks and outcome as parse_json_text() then
// parse_changes_response(), though an error may name a different member when a page
// has several faults. too_large past max_bytes.
Result<ChangesResponse> parse_changes_text(const std::string& text, std::size_t max_bytes);
Result<ErrorBody> parse_error_body(const nlohmann::json& j);

// Parses text into JSON without throwing; Error on malformed or oversized text.
Result<nlohmann::json> parse_json_text(const std::string& text, std::size_t max_bytes);
// dump() that never throws.
std::string dump(const nlohmann::json& j);

}  // namespace doorstep::protocol
