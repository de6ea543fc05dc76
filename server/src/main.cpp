// doorstep-server: the central hub devices sync with (docs/design.md, "The hub").
//   doorstep-server --data DIR [--database postgresql://…] --listen 127.0.0.1:PORT
//                   [--demo] [--tls-cert FILE --tls-key FILE] [--access-ttl SECONDS]
//                   [--oidc-issuer URL --oidc-client-id ID --oidc-client-secret-file FILE
//                    [--oidc-claim CLAIM] [--oidc-redirect-url URL]]
//   doorstep-server --data DIR backup FILE      (SQLite: a consistent copy, then exit)
//   doorstep-server --data DIR restore FILE     (SQLite: the copy back, a new epoch, then exit)
//   doorstep-server --data DIR [--database URL] new-epoch   (after pg_restore)
//   doorstep-server --data DIR [--token-key-file F] rotate-token-key [--retire-old]
//   doorstep-server --data DIR [--database URL] forms publish PATH... [--json]
// Creates and wires the Hub and the HTTP server; prints one line
// "doorstep-server listening on http(s)://HOST:PORT" once ready; SIGTERM or SIGINT
// stop it cleanly. Secrets come only from the environment (DOORSTEP_OFFICE_PASSWORD,
// DOORSTEP_DEMO_PASSWORD) or are generated and printed once; a database password
// belongs in the URL's environment (PGPASSWORD, ~/.pgpass), never on the command line.
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>

#include "http/http_server.h"
#include "http/request_log.h"
#include "http/routes.h"
#include "hub/accounts.h"
#include "hub/demo_seed.h"
#include "hub/forms.h"
#include "hub/forms_publish_command.h"
#include "hub/hub.h"
#include "hub/oidc.h"
#include "hub/restore.h"
#include "hub/token_keys.h"
#include "storage/sqlite_backup.h"

namespace {

using namespace doorstep;
using namespace doorstep::server;

int fail(const std::string& msg) {
  std::fprintf(stderr, "doorstep-server: %s\n", msg.c_str());
  return 1;
}

// "HOST:PORT" or "[v6]:PORT".
bool split_listen(const std::string& text, std::string& host, int& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return false;
  host = text.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string p = text.substr(colon + 1);
  if (p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) return false;
  port = std::stoi(p);
  return port <= 65535 && !host.empty();
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"doorstep-server: the Doorstep hub devices sync with"};
  std::string data, database, listen = "127.0.0.1:8080", tls_cert, tls_key;
  bool demo = false;
  std::int64_t access_ttl = 900;
  app.add_option("--data", data, "data directory (created on first start)")->required();
  app.add_option("--database", database,
                 "PostgreSQL database (postgresql://USER@HOST:PORT/DB) shared by several instances; "
                 "default: an encrypted SQLite file in --data")
      ->envname("DOORSTEP_DATABASE");
  app.add_option("--listen", listen, "HOST:PORT to listen on (port 0: any free port)")->capture_default_str();
  app.add_flag("--demo", demo, "seed an invented council into an empty data directory");
  app.add_option("--tls-cert", tls_cert, "PEM certificate chain: serve HTTPS");
  app.add_option("--tls-key", tls_key, "PEM private key for --tls-cert");
  app.add_option("--access-ttl", access_ttl, "access token lifetime in seconds")->capture_default_str()->check(CLI::Range(1, 86400));
  int threads = 64;
  app.add_option("--threads", threads, "request worker threads = devices served at once (and database connections)")
      ->capture_default_str()
      ->check(CLI::Range(2, 1024));
  int concurrent_pulls = 0;
  app.add_option("--concurrent-pulls", concurrent_pulls,
                 "changes pages built at once; more wait their turn in order (0: one per CPU core)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1024));
  std::string token_key_file, deny_list;
  app.add_option("--token-key-file", token_key_file,
                 "the keys that sign access tokens (default: DATA/token.keys; instances of one hub share one file)");
  app.add_option("--password-deny-list", deny_list,
                 "common passwords to refuse, one a line (default: the list shipped in share/doorstep/)");
  std::int64_t session_idle = 1800, session_max = 43200;
  app.add_option("--session-idle", session_idle, "seconds of inactivity that end an office session")
      ->capture_default_str()
      ->check(CLI::Range(60, 86400));
  app.add_option("--session-max", session_max, "seconds after which any office session ends")
      ->capture_default_str()
      ->check(CLI::Range(60, 7 * 86400));
  // Office sign-in through the council's OpenID Connect provider (off unless given).
  std::string oidc_issuer, oidc_client_id, oidc_secret_file, oidc_claim, oidc_redirect;
  app.add_option("--oidc-issuer", oidc_issuer,
                 "OpenID Connect issuer for office sign-in, exactly as its discovery names it "
                 "(Entra ID: https://login.microsoftonline.com/TENANT-ID/v2.0)");
  app.add_option("--oidc-client-id", oidc_client_id, "the hub's client (application) id at the OpenID provider");
  app.add_option("--oidc-client-secret-file", oidc_secret_file,
                 "a file whose first line is the client secret (kept off the command line)");
  app.add_option("--oidc-claim", oidc_claim,
                 "the ID token claim naming the office account: its email, or its user name (default: email)");
  app.add_option("--oidc-redirect-url", oidc_redirect,
                 "the callback URL registered at the provider (default: this hub's listening URL + "
                 "/v1/office/oidc/callback)");
  std::string console_dir;
  app.add_option("--console-dir", console_dir,
                 "the office console's files, served at /office/ (default: share/doorstep/office beside the binary)");
  int concurrent_password_checks = 0;
  app.add_option("--concurrent-password-checks", concurrent_password_checks,
                 "Argon2id password hashes and checks run at once; more wait their turn in order "
                 "(0: one per CPU core but one, at least 1)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1024));
  SignInLimits sign_in;
  app.add_option("--sign-in-account-failures", sign_in.account_failures,
                 "failed sign-ins of one account within --sign-in-window that lock it")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  app.add_option("--sign-in-source-failures", sign_in.source_failures,
                 "failed sign-ins from one address within --sign-in-window that lock it")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  app.add_option("--sign-in-window", sign_in.window_s, "seconds within which failed sign-ins are counted")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  app.add_option("--sign-in-lock", sign_in.first_lock_s, "seconds of a first lock; each further lock doubles")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  app.add_option("--sign-in-lock-max", sign_in.max_lock_s, "seconds of the longest lock")
      ->capture_default_str()
      ->check(CLI::Range(1, 604800));
  std::string backup_file;
  auto* backup = app.add_subcommand("backup", "write a consistent copy of the SQLite hub database to FILE and exit "
                                              "(the server may keep running; a PostgreSQL hub: pg_dump)");
  backup->add_option("FILE", backup_file, "the copy (must not exist); it needs <data>/server.key to be read")
      ->required();
  std::string restore_file;
  auto* restore = app.add_subcommand("restore", "replace the SQLite hub database with a backup and start a new epoch, "
                                                "then exit (stop the server first; devices re-read and resend)");
  restore->add_option("FILE", restore_file, "a file written by 'backup'; readable with <data>/server.key")->required();
  auto* epoch_cmd = app.add_subcommand("new-epoch", "start a new epoch on the hub database and exit: after pg_restore "
                                                    "(stop every instance first), or any replacement of the database");
  bool retire_old = false;
  auto* rotate = app.add_subcommand("rotate-token-key",
                                    "add a new token signing key to the key file and exit (tokens of the old keys "
                                    "still verify); --retire-old keeps only the newest");
  rotate->add_flag("--retire-old", retire_old,
                   "remove every key but the newest (run it once the old tokens have expired: --session-max)");
  auto* forms_cmd = app.add_subcommand("forms", "form definitions on the hub");
  std::vector<std::string> publish_paths;
  bool publish_json = false;
  auto* forms_publish = forms_cmd->add_subcommand(
      "publish", "publish forms as the office API does and exit (stop a serving SQLite hub first); every problem "
                 "and warning is printed with its sheet, row and column");
  forms_publish->add_option("PATH", publish_paths, ".xlsx, .xls, .json, a survey .csv, or a folder of CSV sheets")
      ->required();
  forms_publish->add_flag("--json", publish_json, "the outcome as JSON on standard output");
  forms_cmd->require_subcommand(1);
  CLI11_PARSE(app, argc, argv);

  if (*forms_publish) {
    ::umask(077);
    HubOptions options;
    options.data_dir = data;
    options.database = database;
    options.token_key_file = token_key_file;
    options.password_deny_list = deny_list;
    options.connections = 2;
    auto hub = Hub::open(options);
    if (!hub) return fail(hub.error().message);
    return publish_forms_command(**hub, publish_paths, publish_json);
  }

  if (*rotate) {
    ::umask(077);
    const std::filesystem::path file =
        token_key_file.empty() ? std::filesystem::path(data) / "token.keys" : std::filesystem::path(token_key_file);
    std::error_code ec;
    if (token_key_file.empty()) std::filesystem::create_directories(data, ec);
    auto id = rotate_token_keys(file, retire_old);
    if (!id) return fail("rotate-token-key: " + id.error().message);
    std::printf(retire_old ? "token keys: only %s is left in %s\n" : "token keys: %s signs from now on (%s); "
                                                                     "running instances pick it up within 10 s\n",
                id->c_str(), file.c_str());
    return 0;
  }

  if (*backup) {
    ::umask(077);
    if (!database.empty())
      return fail("backup copies the SQLite hub in --data; back up a PostgreSQL hub with pg_dump (docs/architecture.md)");
    auto done = backup_sqlite_hub(data, backup_file);
    if (!done) return fail("backup: " + done.error().message);
    std::printf("backup written: %s (%lld bytes, %lld records); keep %s/server.key apart from it, it is needed to read it\n",
                backup_file.c_str(), static_cast<long long>(done->bytes), static_cast<long long>(done->records),
                data.c_str());
    return 0;
  }
  if (*restore || *epoch_cmd) {
    ::umask(077);
    if (*restore) {
      if (!database.empty())
        return fail("restore replaces the SQLite hub in --data; restore PostgreSQL with pg_restore, then run new-epoch");
      auto done = restore_sqlite_hub(data, restore_file, format_timestamp(SystemClock::instance().now_ms()));
      if (!done) return fail("restore: " + done.error().message);
      std::printf("restored %s: %lld records; new epoch %s from sequence %lld; devices will re-read and resend "
                  "what the backup lacks\n",
                  restore_file.c_str(), static_cast<long long>(done->records), done->epoch.epoch.c_str(),
                  static_cast<long long>(done->epoch.base));
      if (!done->replaced.empty())
        std::printf("the database it replaced is kept as %s\n", done->replaced.c_str());
      return 0;
    }
    HubOptions options;
    options.data_dir = data;
    options.database = database;
    auto done = new_epoch(options, "doorstep-server new-epoch");
    if (!done) return fail("new-epoch: " + done.error().message);
    std::printf("new epoch %s from sequence %lld; devices will re-read and resend what the database lacks\n",
                done->epoch.c_str(), static_cast<long long>(done->base));
    return 0;
  }

  http::HttpOptions http_options;
  if (!split_listen(listen, http_options.host, http_options.port))
    return fail("--listen must be HOST:PORT, e.g. 127.0.0.1:8443");
  http_options.tls_cert = tls_cert;
  http_options.tls_key = tls_key;
  http_options.threads = threads;
  http_options.console_dir = console_dir.empty() ? http::default_console_dir("/proc/self/exe") : console_dir;

  // All of the first three or none; the other two only with them. Discovery now: a
  // provider that cannot be reached or is misconfigured stops the start, not a sign-in.
  std::shared_ptr<OidcClient> oidc;
  const int oidc_given = !oidc_issuer.empty() + !oidc_client_id.empty() + !oidc_secret_file.empty();
  if (oidc_given != 0 && oidc_given != 3)
    return fail("--oidc-issuer, --oidc-client-id and --oidc-client-secret-file go together (missing:" +
                std::string(oidc_issuer.empty() ? " --oidc-issuer" : "") +
                (oidc_client_id.empty() ? " --oidc-client-id" : "") +
                (oidc_secret_file.empty() ? " --oidc-client-secret-file" : "") + ")");
  if (oidc_given == 0 && (!oidc_claim.empty() || !oidc_redirect.empty()))
    return fail("--oidc-claim and --oidc-redirect-url need --oidc-issuer, --oidc-client-id and "
                "--oidc-client-secret-file");
  if (oidc_given == 3) {
    auto secret = read_secret_file(oidc_secret_file);
    if (!secret) return fail(secret.error().message);
    OidcConfig config;
    config.issuer = oidc_issuer;
    config.client_id = oidc_client_id;
    config.client_secret = *secret;
    if (!oidc_claim.empty()) config.claim = oidc_claim;
    config.redirect_url = oidc_redirect;
    auto found = OidcClient::discover(std::move(config));
    if (!found) return fail(found.error().message);
    oidc = *found;
    http_options.oidc = oidc;
  }

  ::umask(077);  // every file the hub makes holds case records or keys
  // Signals are taken by one watcher thread (sigwait), so block them everywhere first.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  HubOptions options;
  options.data_dir = data;
  options.database = database;
  options.access_ttl_s = access_ttl;
  options.session_idle_s = session_idle;
  options.session_max_s = session_max;
  options.token_key_file = token_key_file;
  options.password_deny_list = deny_list;
  options.connections = static_cast<std::size_t>(threads);
  options.concurrent_pulls = static_cast<std::size_t>(concurrent_pulls);
  options.concurrent_password_checks = static_cast<std::size_t>(concurrent_password_checks);
  options.sign_in = sign_in;
  auto hub = Hub::open(options);
  if (!hub) return fail(hub.error().message);

  auto office = ensure_office_account(**hub, env("DOORSTEP_OFFICE_PASSWORD"));
  if (!office) return fail(office.error().message);
  if (*office)
    std::printf("office account created: user \"office\" (admin), password %s (shown once)\n", (*office)->c_str());

  if (demo) {
    auto seeded = seed_demo(**hub, env("DOORSTEP_DEMO_PASSWORD"));
    if (!seeded) return fail("demo: " + seeded.error().message);
    if (!seeded->seeded) {
      std::printf("demo: the data directory already holds data; nothing seeded\n");
    } else {
      std::printf("demo council seeded: %d people, %d cases, %d visits, %d notes, %d tasks, %d reports\n",
                  seeded->people, seeded->cases, seeded->visits, seeded->notes, seeded->tasks, seeded->reports);
      for (const auto& w : seeded->workers) {
        std::string what = w.role == "worker" ? w.team : w.role;
        if (w.role != "worker" && !w.teams.empty()) {
          what += ":";
          for (const auto& t : w.teams) what += " " + t;
        }
        const char* kind = w.role == "worker" ? "demo worker" : "demo office";
        if (seeded->generated_passwords)
          std::printf("%s: %s (%s), password %s (shown once)\n", kind, w.username.c_str(), what.c_str(),
                      w.password.c_str());
        else
          std::printf("%s: %s (%s)\n", kind, w.username.c_str(), what.c_str());
      }
    }
    // The demo forms (share/forms), so demo workers have forms to fill in; already
    // published versions are left as they are.
    if (auto dir = demo_forms_dir("/proc/self/exe")) {
      auto forms = publish_form_directory(**hub, *dir, "demo-seed");
      if (!forms) return fail("demo forms: " + forms.error().message);
      if (*forms > 0) std::printf("demo forms published: %d from %s\n", *forms, dir->string().c_str());
    } else {
      std::string looked;
      for (const auto& p : demo_forms_candidates("/proc/self/exe")) looked += " " + p.string();
      std::fprintf(stderr, "doorstep-server: demo: no demo forms found (looked in%s); workers will have no forms\n",
                   looked.c_str());
    }
  }

  auto server = http::HttpServer::create(**hub, http_options);
  if (!server) return fail(server.error().message);
  auto port = (*server)->bind();
  if (!port) return fail(port.error().message);
  if (oidc) {
    if (oidc->config().redirect_url.empty()) oidc->set_redirect_url((*server)->url() + "/v1/office/oidc/callback");
    std::printf("office sign-in with %s enabled; redirect URL %s (as registered at the provider), claim %s\n",
                oidc->config().issuer.c_str(), oidc->config().redirect_url.c_str(), oidc->config().claim.c_str());
  }

  std::thread watcher([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    (*server)->stop();
  });

  if (!http_options.console_dir.empty())
    std::printf("office console at %s/office/\n", (*server)->url().c_str());
  else
    std::fprintf(stderr, "doorstep-server: no office console files found (share/doorstep/office); /office/ is off\n");
  std::printf("doorstep-server listening on %s\n", (*server)->url().c_str());
  std::fflush(stdout);
  http::log_event("listening");
  const bool ok = (*server)->run();
  // If run() ended on its own, wake the watcher so it can be joined.
  ::kill(::getpid(), SIGTERM);
  watcher.join();
  http::log_event("stopped");
  return ok ? 0 : 1;
}
