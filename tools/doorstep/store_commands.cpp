// init, load, status, pin change, wipe.
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <unistd.h>

#include "cli.h"
#include "doorstep/core/forms/form_files.h"
#include "doorstep/core/loader.h"

namespace doorstep::cli {

namespace {

struct InitArgs {
  std::string user, server, ca_file, public_key_pin, device_name;
};

int init(Context& ctx, const InitArgs& a) {
  const std::string& user = a.user;
  if (!is_record_id(user)) return ctx.fail(make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                                                      "a user name is 1-64 letters, digits, '.', '-' or '_'"));
  const auto dir = std::filesystem::path(ctx.store_dir) / "users" / user;
  if (Store::exists(dir))
    return ctx.fail(make_error(ErrorDomain::store, ErrorCode::already_exists,
                               "a store for " + user + " already exists in " + ctx.store_dir));
  auto pin = read_secret("DOORSTEP_PIN", "Choose a PIN for " + user, true);
  if (!pin) return ctx.fail(pin.error());
  auto store = Store::create(dir, user, *pin);
  if (!store) return ctx.fail(store.error());
  if (!a.server.empty()) {
    auto enrolled = enrol_store(**store, a.server, a.ca_file, a.public_key_pin,
                                a.device_name.empty() ? user + "'s device" : a.device_name);
    if (!enrolled.ok()) {
      // No half-made store: a failed enrolment leaves nothing behind.
      (*store)->lock();
      (void)Store::erase(dir);
      return ctx.fail(enrolled.error());
    }
  }
  auto info = (*store)->info();
  if (!info) return ctx.fail(info.error());
  nlohmann::json j = {{"user", user}, {"device_id", info->device_id}, {"path", dir.string()}};
  if (!a.server.empty()) j["server"] = a.server;
  return ctx.done(j, "Created an encrypted store for " + user + " in " + dir.string() +
                         (a.server.empty() ? std::string() : ", enrolled with " + a.server));
}

nlohmann::json problems_json(const std::vector<forms::DefinitionProblem>& list) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : list)
    out.push_back({{"sheet", p.sheet}, {"row", p.row}, {"column", p.column}, {"message", p.message}});
  return out;
}

// A form file (workbook, survey CSV, folder of CSV sheets) loaded as a published form.
int load_form_file(Context& ctx, const std::string& path) {
  auto load = forms::load_form_path(path);
  if (!load.ok()) {
    auto e = load.as_result().error();
    if (ctx.json) {
      nlohmann::json doc = error_json(e);
      doc["problems"] = problems_json(load.problems);
      doc["warnings"] = problems_json(load.warnings);
      std::cout << dump(doc) << "\n";
    }
    for (const auto& p : load.problems) std::cerr << "  problem: " << p.describe() << "\n";
    std::cerr << "doorstep: " << e.message << "\n";
    return kExitFailed;
  }
  auto store = ctx.open_store();
  if (!store) return ctx.fail(store.error());
  auto id = load_form(**store, *load.definition);
  if (!id) return ctx.fail(id.error());
  std::string h = "Loaded form " + load.definition->title + " (" + *id + ")";
  for (const auto& w : load.warnings) h += "\n  warning: " + w.describe();
  return ctx.done({{"forms", 1}, {"form", *id}, {"warnings", problems_json(load.warnings)}}, h);
}

bool is_form_file(const std::string& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) return true;
  std::string ext = std::filesystem::path(file).extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".xlsx" || ext == ".xls" || ext == ".xlsm" || ext == ".csv";
}

int load(Context& ctx, const std::string& file) {
  if (is_form_file(file)) return load_form_file(ctx, file);
  std::ifstream in(file, std::ios::binary);
  if (!in) return ctx.fail(make_error(ErrorDomain::io, ErrorCode::not_found, "cannot read " + file));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto store = ctx.open_store();
  if (!store) return ctx.fail(store.error());
  auto sum = load_json(**store, text);
  if (!sum) return ctx.fail(sum.error());
  nlohmann::json j = {{"people", sum->people}, {"cases", sum->cases}, {"visits", sum->visits},
                      {"tasks", sum->tasks},   {"notes", sum->notes}, {"forms", sum->forms}};
  return ctx.done(j, "Loaded " + std::to_string(sum->people) + " people, " + std::to_string(sum->cases) + " cases, " +
                         std::to_string(sum->visits) + " visits, " + std::to_string(sum->tasks) + " tasks, " +
                         std::to_string(sum->notes) + " notes, " + std::to_string(sum->forms) + " forms");
}

int status(Context& ctx) {
  auto store = ctx.open_store();
  if (!store) return ctx.fail(store.error());
  auto i = (*store)->info();
  if (!i) return ctx.fail(i.error());
  nlohmann::json j = {{"user", i->user},
                      {"device_id", i->device_id},
                      {"pending_operations", i->pending_operations},
                      {"quarantined", i->quarantined},
                      {"open_conflicts", i->open_conflicts},
                      {"drafts", i->drafts},
                      {"last_sync", i->last_sync ? nlohmann::json(*i->last_sync) : nlohmann::json(nullptr)},
                      {"store_format", {{"format", i->format},
                                        {"cipher_version", i->cipher_version},
                                        {"cipher_page_size", i->cipher_page_size},
                                        {"schema_version", i->schema_version}}}};
  std::string h = "Store of " + i->user + " (device " + i->device_id + ")\n";
  h += "  waiting to sync:  " + std::to_string(i->pending_operations) + " changes\n";
  h += "  quarantined:      " + std::to_string(i->quarantined) + "\n";
  h += "  open conflicts:   " + std::to_string(i->open_conflicts) + "\n";
  h += "  drafts:           " + std::to_string(i->drafts) + "\n";
  h += "  last sync:        " + (i->last_sync ? short_time(*i->last_sync) : std::string("never")) + "\n";
  h += "  format:           " + i->format + " (SQLCipher " + i->cipher_version + ", " +
       std::to_string(i->cipher_page_size) + "-byte pages, schema " + std::to_string(i->schema_version) + ")";
  return ctx.done(j, h);
}

int change_pin(Context& ctx) {
  auto dir = ctx.user_dir();
  if (!dir) return ctx.fail(dir.error());
  auto old_pin = read_secret("DOORSTEP_PIN", "Current PIN", false);
  if (!old_pin) return ctx.fail(old_pin.error());
  auto store = Store::open(*dir, *old_pin);
  if (!store) return ctx.fail(store.error());
  auto new_pin = read_secret("DOORSTEP_NEW_PIN", "New PIN", true);
  if (!new_pin) return ctx.fail(new_pin.error());
  auto st = (*store)->change_pin(*old_pin, *new_pin);
  if (!st.ok()) return ctx.fail(st.error());
  return ctx.done({{"pin_changed", true}}, "PIN changed");
}

int wipe(Context& ctx, bool all) {
  std::vector<std::filesystem::path> dirs;
  if (all) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(ctx.store_dir) / "users", ec))
      if (e.is_directory()) dirs.push_back(e.path());
  } else {
    auto dir = ctx.user_dir();
    if (!dir) return ctx.fail(dir.error());
    dirs.push_back(*dir);
  }
  if (isatty(STDIN_FILENO) && !ctx.json) {
    std::cerr << "This erases " << dirs.size() << " store(s) in " << ctx.store_dir
              << " and every unsynced change in them. Type \"wipe\" to go on: ";
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != "wipe") return ctx.fail(make_error(ErrorDomain::input, ErrorCode::invalid_argument, "not wiped"));
  }
  nlohmann::json wiped = nlohmann::json::array();
  for (const auto& d : dirs) {
    auto st = Store::erase(d);
    if (!st.ok()) return ctx.fail(st.error());
    wiped.push_back(d.filename().string());
  }
  return ctx.done({{"wiped", wiped}}, "Erased " + std::to_string(dirs.size()) + " store(s) from " + ctx.store_dir);
}

}  // namespace

void add_store_commands(CLI::App& app, Context& ctx) {
  auto* init_cmd = app.add_subcommand("init", "create an encrypted store for a worker (PIN from DOORSTEP_PIN or a prompt)");
  auto ia = std::make_shared<InitArgs>();
  init_cmd->add_option("--user", ia->user, "the worker's user name")->required();
  init_cmd->add_option("--server", ia->server, "enrol with this server (password from DOORSTEP_PASSWORD or a prompt)");
  init_cmd->add_option("--ca-file", ia->ca_file, "PEM file of the certificate authority to trust for the server");
  init_cmd->add_option("--public-key-pin", ia->public_key_pin, "pin the server's public key: sha256//BASE64");
  init_cmd->add_option("--device-name", ia->device_name, "how the office sees this device");
  init_cmd->callback([&ctx, ia] { ctx.run = [&ctx, ia] { return init(ctx, *ia); }; });

  auto* load_cmd = app.add_subcommand("load", "load people, cases, visits, tasks and forms from a JSON file, or one "
                                              "form from a workbook (.xlsx, .xls), a survey .csv or a folder of CSV sheets");
  auto file = std::make_shared<std::string>();
  load_cmd->add_option("FILE", *file, "the JSON file, workbook, CSV or folder")->required();
  load_cmd->callback([&ctx, file] { ctx.run = [&ctx, file] { return load(ctx, *file); }; });

  auto* status_cmd = app.add_subcommand("status", "pending changes, quarantine, conflicts, last sync, store format");
  status_cmd->callback([&ctx] { ctx.run = [&ctx] { return status(ctx); }; });

  auto* pin_cmd = app.add_subcommand("pin", "the store's PIN");
  pin_cmd->require_subcommand(1);
  auto* change = pin_cmd->add_subcommand("change", "change the PIN (old: DOORSTEP_PIN, new: DOORSTEP_NEW_PIN, or prompts)");
  change->callback([&ctx] { ctx.run = [&ctx] { return change_pin(ctx); }; });

  auto* wipe_cmd = app.add_subcommand("wipe", "crypto-erase the store (on a terminal, asks first)");
  auto all = std::make_shared<bool>(false);
  wipe_cmd->add_flag("--all", *all, "erase every worker's store in DIR");
  wipe_cmd->callback([&ctx, all] { ctx.run = [&ctx, all] { return wipe(ctx, *all); }; });
}

}  // namespace doorstep::cli
