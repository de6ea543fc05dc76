// sync, conflicts, resolve, quarantine; and enrolment for init --server.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string_view>

#include "cli.h"
#include "doorstep/client/curl_transport.h"
#include "doorstep/client/sync_engine.h"
#include "doorstep/core/conflicts.h"

namespace doorstep::cli {

namespace {

// The transport to the server this store is enrolled with (meta server_url, and the
// CA file / pinned key chosen at enrolment).
Result<std::unique_ptr<client::CurlTransport>> transport_for(Store& store) {
  auto url = store.meta("server_url");
  if (!url) return url.error();
  if (!*url)
    return make_error(ErrorDomain::sync, ErrorCode::not_found,
                      "this store is not enrolled with a server (create it with init --server URL)");
  client::TransportOptions o;
  auto ca = store.meta("server_ca_file");
  if (ca && *ca) o.ca_file = **ca;
  if (const char* env = std::getenv("DOORSTEP_CA_FILE"); env && *env) o.ca_file = env;
  auto pin = store.meta("server_public_key_pin");
  if (pin && *pin) o.pinned_public_key = **pin;
  return client::CurlTransport::create(**url, o);
}

nlohmann::json summary_json(const client::SyncSummary& s) {
  return {{"pushed", s.pushed},     {"applied", s.applied},   {"merged", s.merged},
          {"conflicts", s.conflicts}, {"rejected", s.rejected}, {"pulled", s.pulled},
          {"revoked", s.revoked},   {"purged", s.purged},     {"blobs_up", s.blobs_up},
          {"blobs_down", s.blobs_down}, {"bytes_down", s.bytes_down}, {"wiped", s.wiped},
          {"retired", s.retired},   {"unsent_erased", s.unsent_erased},
          {"quarantine_erased", s.quarantine_erased}, {"drafts_erased", s.drafts_erased},
          {"receipt_sent", s.receipt_sent},
          {"server_restored", s.server_restored}, {"resent", s.resent}};
}

std::string count(std::int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// What a pass that erased the store tells the worker: what went up, what did not.
std::string erased_text(const client::SyncSummary& s) {
  std::string h;
  if (s.retired) {
    h = "The office retired this device. Sent " + count(s.pushed, "change", "changes") +
        " and everything else it held to the hub, then erased its store at the office's request.";
  } else {
    h = "The office reported this device lost: its store has been erased";
    h += s.unsent_erased > 0 ? ", with " + count(s.unsent_erased, "change", "changes") + " that had not been sent."
                             : ".";
  }
  if (s.quarantine_erased > 0)
    h += " " + count(s.quarantine_erased, "change", "changes") + " the hub had refused (the quarantine) went with it.";
  if (s.drafts_erased > 0) h += " " + count(s.drafts_erased, "unfinished draft", "unfinished drafts") + " went with it.";
  if (!s.receipt_sent) h += " The hub did not confirm the erase; the office will see it as still pending.";
  return h;
}

int sync(Context& ctx) {
  auto store = ctx.open_store();
  if (!store) return ctx.fail(store.error());
  auto transport = transport_for(**store);
  if (!transport) return ctx.fail(transport.error());
  client::SyncOptions options;
  const bool tty = isatty(STDERR_FILENO) && !ctx.json;
  if (tty)
    options.on_progress = [](const client::SyncProgress& p) {
      std::cerr << "\r" << p.phase << ": " << p.records << " records, " << p.bytes / 1024 << " KiB   " << std::flush;
    };
  client::SyncEngine engine(**store, **transport, options);
  auto r = engine.sync_once();
  if (tty) std::cerr << "\r\033[K" << std::flush;
  if (!r) return ctx.fail(r.error());
  if (r->wiped) return ctx.done(summary_json(*r), erased_text(*r));
  std::string h;
  if (r->server_restored)
    h = "The server was restored from a backup: everything was read again, and " + std::to_string(r->resent) +
        " changes it had lost were sent again. ";
  h += "Synced: sent " + std::to_string(r->pushed) + " changes (" + std::to_string(r->conflicts) +
                  " with conflicts, " + std::to_string(r->rejected) + " refused and quarantined), received " +
                  std::to_string(r->pulled) + " records";
  if (r->purged)
    h += ", removed " + std::to_string(r->purged) + (r->purged == 1 ? " case" : " cases") + " no longer yours";
  if (r->blobs_up || r->blobs_down)
    h += ", photos up " + std::to_string(r->blobs_up) + " / down " + std::to_string(r->blobs_down);
  return ctx.done(summary_json(*r), h + ".");
}

std::string value_text(const std::string& json_text) {
  auto j = nlohmann::json::parse(json_text, nullptr, false);
  if (j.is_string()) return j.get<std::string>();
  if (j.is_discarded()) return json_text;
  return j.dump();
}

int conflicts(Context& ctx) {
  auto store = ctx.open_store();
  if (!store) return ctx.fail(store.error());
  auto list = Conflicts(**store).open();
  if (!list) return ctx.fail(list.error());
  nlohmann::json arr = nlohmann::json::array();
  std::string h;
  for (const auto& c : *list) {
    arr.push_back(record_json(c));
    h += c.id + "  " + c.text("record_type") + " " + c.text("record_id") + ", field " + c.text("field") + "\n" +
         "    kept:  " + value_text(c.text("kept_value")) + "  (" + c.text("kept_author") + ")\n" +
         "    other: " + value_text(c.text("other_value")) + "  (" + c.text("other_author") + ")\n";
  }
  if (list->empty()) h = "No conflicts to resolve.";
  return ctx.done({{"conflicts", arr}}, h);
}

int resolve(Context& ctx, const std::string& id, const std::string& keep) {
  auto store = ctx.open_store();
  if (!store) return ctx.fail(store.error());
  auto r = Conflicts(**store).resolve(id, keep);
  if (!r) return ctx.fail(r.error());
  return ctx.done(record_json(*r), "Resolved conflict " + id + " (" + keep + "); it is sent on the next sync.");
}

int quarantine(Context& ctx) {
  auto store = ctx.open_store();
  if (!store) return ctx.fail(store.error());
  auto list = (*store)->list("quarantine", "", "", 100000);
  if (!list) return ctx.fail(list.error());
  nlohmann::json arr = nlohmann::json::array();
  std::string h;
  for (const auto& q : *list) {
    nlohmann::json j = record_json(q);
    auto op = nlohmann::json::parse(q.text("operation"), nullptr, false);
    if (!op.is_discarded()) j["operation"] = op;
    arr.push_back(j);
    h += short_time(q.text("quarantined_at")) + "  " + q.text("record_type") + " " + q.text("record_id") +
         "\n    refused: " + q.text("reason") + "\n";
  }
  if (list->empty()) h = "Nothing in quarantine.";
  return ctx.done({{"quarantine", arr}}, h);
}

// A new password: DOORSTEP_NEW_PASSWORD, or typed twice on the terminal (asked again,
// up to three times, when the two entries differ).
Result<SecretString> read_new_password(const std::string& user) {
  if (const char* v = std::getenv("DOORSTEP_NEW_PASSWORD"); v != nullptr && *v != '\0')
    return read_secret("DOORSTEP_NEW_PASSWORD", "", false);
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto first = read_secret("DOORSTEP_NEW_PASSWORD", "New password for " + user, false);
    if (!first) return first.error();
    auto again = read_secret("DOORSTEP_NEW_PASSWORD", "The same password again", false);
    if (!again) return again.error();
    if (std::string_view(first->data(), first->size()) == std::string_view(again->data(), again->size()))
      return std::move(*first);
    std::cerr << "doorstep: the two entries differ; try again\n";
  }
  return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "the two entries differed three times");
}

}  // namespace

Status enrol_store(Store& store, const std::string& server_url, const std::string& ca_file,
                   const std::string& public_key_pin, const std::string& device_name) {
  client::TransportOptions o;
  o.ca_file = ca_file;
  o.pinned_public_key = public_key_pin;
  auto transport = client::CurlTransport::create(server_url, o);
  if (!transport) return transport.error();
  auto password = read_secret("DOORSTEP_PASSWORD", "Password for " + store.user() + " at " + server_url, false);
  if (!password) return password.error();
  DOORSTEP_TRY(store.write([&](Writer& w) -> Status {
    if (!ca_file.empty()) DOORSTEP_TRY(w.set_meta("server_ca_file", ca_file));
    if (!public_key_pin.empty()) DOORSTEP_TRY(w.set_meta("server_public_key_pin", public_key_pin));
    return {};
  }));
  Status st = client::enrol(store, **transport, server_url, *password, device_name);
  if (st.ok() || st.error().code != ErrorCode::password_change_required) return st;
  // The office reset this password: the hub takes the one-time password once more
  // with the worker's new one.
  std::cerr << "doorstep: " << st.error().message << "\n"
            << "doorstep: the office reset your password; choose a new one (at least 10 characters, "
               "not a common password, not your user name)\n";
  const bool from_env = std::getenv("DOORSTEP_NEW_PASSWORD") != nullptr && *std::getenv("DOORSTEP_NEW_PASSWORD");
  for (int attempt = 1;; ++attempt) {
    auto fresh = read_new_password(store.user());
    if (!fresh) return fresh.error();
    st = client::enrol(store, **transport, server_url, *password, device_name, *fresh);
    // A refused new password (too short, too common): say why and ask again.
    if (st.ok() || st.error().domain != ErrorDomain::input || from_env || attempt >= 3) return st;
    std::cerr << "doorstep: the hub refused that password: " << st.error().message << "\n";
  }
}

void add_sync_commands(CLI::App& app, Context& ctx) {
  auto* s = app.add_subcommand("sync", "send waiting changes and receive the caseload's changes");
  s->callback([&ctx] { ctx.run = [&ctx] { return sync(ctx); }; });

  auto* c = app.add_subcommand("conflicts", "disagreements to resolve");
  c->callback([&ctx] { ctx.run = [&ctx] { return conflicts(ctx); }; });

  auto* r = app.add_subcommand("resolve", "resolve a conflict");
  auto id = std::make_shared<std::string>();
  auto keep = std::make_shared<std::string>();
  r->add_option("--conflict", *id, "the conflict's id")->required();
  r->add_option("--keep", *keep, "kept (the value now in the record) or other (restore the other value)")
      ->required()
      ->check(CLI::IsMember({"kept", "other"}));
  r->callback([&ctx, id, keep] { ctx.run = [&ctx, id, keep] { return resolve(ctx, *id, *keep); }; });

  auto* q = app.add_subcommand("quarantine", "changes the server refused, with its reasons");
  q->callback([&ctx] { ctx.run = [&ctx] { return quarantine(ctx); }; });
}

}  // namespace doorstep::cli
