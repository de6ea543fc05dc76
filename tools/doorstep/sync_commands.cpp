// sync, conflicts, resolve, quarantine; and enrolment for init --server.
#include <unistd.h>

#include <iostream>

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
          {"server_restored", s.server_restored}, {"resent", s.resent}};
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
  if (r->wiped)
    return ctx.done(summary_json(*r), "The office has revoked this device: its store has been erased.");
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
  return client::enrol(store, **transport, server_url, *password, device_name);
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
