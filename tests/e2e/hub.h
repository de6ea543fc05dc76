// End-to-end test support: the real doorstep-server binary on a 127.0.0.1 port, an
// office client over real HTTP, and devices with real encrypted stores syncing
// through the real libcurl transport. Nothing here is a mock.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "doorstep/client/curl_transport.h"
#include "doorstep/client/sync_engine.h"
#include "doorstep/core/store.h"
#include "temp_store.h"

namespace doorstep::e2e {

inline const char* kOfficePassword = "office-secret-123";
inline const char* kWorkerPassword = "worker-secret-123";

// doorstep-server as a child process; stopped (SIGTERM, then SIGKILL) when destroyed.
class Hub {
 public:
  struct Options {
    bool demo = false;
    std::string tls_cert, tls_key;   // both set: HTTPS
    std::string ca_file;             // the CA the office client trusts (HTTPS)
    std::string access_ttl;          // seconds, e.g. "2"; empty = the server's default
    std::string database;            // --database (a postgresql:// URL); empty = SQLite in data()
  };
  explicit Hub(Options options);
  Hub() : Hub(Options{}) {}
  ~Hub();

  const std::string& url() const { return url_; }
  int port() const { return port_; }
  const std::filesystem::path& data() const { return dir_.path(); }
  // Stops and starts the same server on the same data and port.
  void restart();
  // Stops the server (SIGTERM, then SIGKILL) / starts it again on the same data and port.
  void stop();
  void start();

  // Runs doorstep-server --data <data> [--database URL] ARGS... to its end (at most
  // 60 s; killed after that): a command such as backup, restore or new-epoch.
  struct CommandResult {
    int status = -1;     // exit status; -1 if it did not exit normally
    std::string output;  // stdout and stderr
  };
  CommandResult command(const std::vector<std::string>& args);

  // Office API over real HTTP (office token fetched on first use).
  nlohmann::json office(const std::string& method, const std::string& path, const nlohmann::json& body = nullptr,
                        int expect_status = 200);
  // Raw request with an optional bearer token; returns status and body. A body is sent
  // as JSON unless headers name another Content-Type.
  client::HttpResponse raw(const std::string& method, const std::string& path, const std::string& body = "",
                           const std::string& token = "",
                           std::vector<std::pair<std::string, std::string>> headers = {});

  // Creates a worker account (password kWorkerPassword).
  void add_worker(const std::string& name, const std::string& team = "children-south");
  // Creates a person and a children's case allocated to worker; returns nothing.
  void add_case(const std::string& person_id, const std::string& person_name, const std::string& case_id,
                const std::string& worker);
  void add_visit(const std::string& visit_id, const std::string& case_id, const std::string& start);

 private:
  Options options_;
  test::TempDir dir_;
  std::string url_;
  int port_ = 0;
  pid_t pid_ = -1;
  std::string office_token_;
  std::unique_ptr<client::CurlTransport> transport_;
};

// A device: its own data directory, an encrypted store for one worker, enrolled.
class Device {
 public:
  Device(Hub& hub, const std::string& worker, const Clock* clock = nullptr, const std::string& ca_file = "");
  Store& store() { return *store_; }
  // One sync pass through the real transport (or the given one).
  Result<client::SyncSummary> sync();
  Result<client::SyncSummary> sync_through(client::Transport& transport, client::SyncOptions options = {});
  client::Transport& transport() { return *transport_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::filesystem::path store_dir() const { return dir_.path() / "store"; }
  // Closes and reopens the store (as after a restart of the app).
  void reopen();
  void close() { store_.reset(); }

 private:
  Hub& hub_;
  test::TempDir dir_;
  StoreOptions options_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<client::CurlTransport> transport_;
};

// A free TCP port on 127.0.0.1 (bound and released).
int free_port();

}  // namespace doorstep::e2e
