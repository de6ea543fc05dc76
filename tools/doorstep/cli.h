// The doorstep CLI's shared context: where the store is, how secrets are read,
// and how results and failures are printed. Single-threaded.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "doorstep/core/record.h"
#include "doorstep/core/result.h"
#include "doorstep/core/secure_key.h"
#include "doorstep/core/store.h"
#include "doorstep/core/visits.h"

namespace doorstep::cli {

// Exit codes (docs/cli.md): 0 ok, 1 failed, 2 usage, 3 PIN refused / locked out / erased.
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitAuth = 3;

struct Context {
  std::string store_dir;     // --store DIR: the device's data directory
  std::string user;          // --user NAME: which worker's store in DIR
  bool json = false;         // --json: one JSON document on stdout
  std::function<int()> run;  // set by the chosen subcommand

  // <DIR>/users/<user>, choosing the only user when --user is absent.
  Result<std::filesystem::path> user_dir() const;
  // Reads the PIN (DOORSTEP_PIN, else a terminal prompt) and unlocks the store.
  Result<std::unique_ptr<Store>> open_store() const;

  // Prints the result: json -> the document; otherwise the human text. Returns 0.
  int done(const nlohmann::json& doc, const std::string& human) const;
  // Prints "doorstep: <message>" on stderr (and {"error": ...} with --json); returns the exit code.
  int fail(const Error& e) const;
};

// A secret from the environment variable, else from the terminal with echo off
// (prompted twice when confirm is set). Never from an argument.
Result<SecretString> read_secret(const char* env_var, const std::string& prompt, bool confirm);

// Reads all of standard input up to max_bytes (too_large beyond), dropping one
// trailing newline.
Result<std::string> read_stdin_text(std::size_t max_bytes);

// A command body that needs the unlocked store: opens it (PIN from the environment or
// a prompt), runs action, and closes it (zeroing its key) when the command returns.
template <typename F>
std::function<int()> with_store(Context& ctx, F action) {
  return [&ctx, action] {
    auto store = ctx.open_store();
    if (!store) return ctx.fail(store.error());
    return action(**store);
  };
}

// --lat/--lon/--accuracy as a place: both or neither of lat and lon.
Result<std::optional<Place>> place_from(const std::optional<double>& lat, const std::optional<double>& lon,
                                        const std::optional<double>& accuracy);

nlohmann::json record_json(const Record& r);
nlohmann::json error_json(const Error& e);
// dump() that never throws: invalid UTF-8 is replaced.
std::string dump(const nlohmann::json& j);
// "2026-11-25T10:00:00.000Z" -> "2026-11-25 10:00"
std::string short_time(const std::string& ts);

void add_store_commands(CLI::App& app, Context& ctx);
void add_casework_commands(CLI::App& app, Context& ctx);
void add_visit_commands(CLI::App& app, Context& ctx);
void add_report_commands(CLI::App& app, Context& ctx);
void add_sync_commands(CLI::App& app, Context& ctx);
void add_form_commands(CLI::App& app, Context& ctx);

// Enrols a freshly created store with a server (password from DOORSTEP_PASSWORD or a prompt).
Status enrol_store(Store& store, const std::string& server_url, const std::string& ca_file,
                   const std::string& public_key_pin, const std::string& device_name);

}  // namespace doorstep::cli
