// Server test support: the real hub and its real HTTP server in this process on a
// free 127.0.0.1 port, with a throwaway data directory, and a small HTTP client
// (cpp-httplib) to talk to it. Nothing here is a mock.
//
// The backend: SQLite in the data directory, or, when DOORSTEP_TEST_POSTGRES is set
// (the "server-pg/" tests), a fresh PostgreSQL database per TestServer, dropped after
// (pg_test_database.h). The same tests run on both.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "doorstep/core/clock.h"
#include "http/http_server.h"
#include "hub/hub.h"
#include "pg_test_database.h"
#include "temp_store.h"

namespace doorstep::server::test {

inline const char* kOfficePassword = "office-pass-123";
inline const char* kWorkerPassword = "worker-pass-123";

struct Reply {
  int status = 0;  // 0: no response at all
  std::string body;
  nlohmann::json json;  // discarded when the body is not JSON
  httplib::Headers headers;
  std::string error_code() const { return json.is_object() ? json.value("error", std::string()) : std::string(); }
};

// A clock tests move by hand, safe to read from the server's threads while the test
// moves it.
class TestClock final : public Clock {
 public:
  explicit TestClock(std::int64_t start_ms = 1'800'000'000'000) : now_(start_ms) {}
  std::int64_t now_ms() const override { return now_.load(); }
  void advance(std::int64_t ms) { now_ += ms; }

 private:
  std::atomic<std::int64_t> now_;
};

struct ServerOptions {
  std::int64_t access_ttl_s = 900;
  bool demo = false;
  std::size_t concurrent_pulls = 0;  // HubOptions::concurrent_pulls
  const Clock* clock = nullptr;      // HubOptions::clock (a ManualClock moves time for tests)
  int port = 0;                      // 0: any free port
  std::shared_ptr<OidcClient> oidc{};  // office sign-in through an OpenID provider (oidc_test)
  std::size_t concurrent_password_checks = 0;  // HubOptions::concurrent_password_checks
  SignInLimits sign_in{};            // HubOptions::sign_in
  std::string database{};            // PostgreSQL: join this database (another TestServer's) instead of a fresh one
};

class TestServer {
 public:
  explicit TestServer(ServerOptions options = {});
  ~TestServer();

  Hub& hub() { return *hub_; }
  int port() const { return port_; }
  const std::filesystem::path& data() const { return dir_.path(); }
  // The PostgreSQL database this server uses; empty on SQLite.
  std::string database_url() const { return pg_ ? pg_->url() : std::string(); }
  // The backend under test, as /healthz names it.
  std::string backend() const { return pg_ ? "postgresql" : "sqlite"; }

  Reply call(const std::string& method, const std::string& path, const std::string& body = "",
             const std::string& token = "", httplib::Headers headers = {});
  Reply call_json(const std::string& method, const std::string& path, const nlohmann::json& body,
                  const std::string& token = "") {
    return call(method, path, body.dump(), token);
  }

  // Office helpers (token fetched on first use); each REQUIREs the expected status.
  const std::string& office_token();
  nlohmann::json office(const std::string& method, const std::string& path, const nlohmann::json& body = nullptr,
                        int expect = 200);
  void add_worker(const std::string& name, const std::string& team = "children-south");
  // An office account of a role (and teams), with kOfficePassword; returns its token.
  std::string add_office(const std::string& name, const std::string& role,
                         const std::vector<std::string>& teams = {});
  // Signs in (REQUIREs 200) and returns the access token.
  std::string sign_in(const std::string& name, const std::string& password = kOfficePassword);
  void add_person(const std::string& id, const std::string& name);
  void add_case(const std::string& person_id, const std::string& case_id, const std::string& worker,
                const std::string& kind = "children");
  void add_visit(const std::string& id, const std::string& case_id, const std::string& start);

 private:
  doorstep::test::TempDir dir_;
  std::unique_ptr<doorstep::test::PgTestDatabase> pg_;  // outlives the hub
  std::unique_ptr<Hub> hub_;
  std::unique_ptr<http::HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::string office_token_;
};

// An enrolled device of one worker: its tokens and its outbox sequence.
struct TestDevice {
  TestDevice(TestServer& server, const std::string& worker, std::string device_id = "");

  Reply push(const nlohmann::json& operations, const nlohmann::json& audit = nlohmann::json::array(),
             const nlohmann::json& purged = nlohmann::json::array());
  // One page of changes (REQUIREs 200).
  nlohmann::json changes(const std::string& cursor = "", int limit = 0);
  // Every entry from cursor "" until more is false; *cursor_out gets the last cursor.
  std::vector<nlohmann::json> pull_all(int limit = 0, std::string* cursor_out = nullptr);

  // An operation with the next seq, a fresh op id and the device's clock.
  nlohmann::json op(const std::string& type, const std::string& id, const std::string& action,
                    const nlohmann::json& fields, std::int64_t base_rev = 0);

  TestServer& server;
  std::string worker, device_id, access_token, refresh_token;
  std::int64_t next_seq = 1;
};

// A device-style clock text for now (+ offset ms), naming device.
std::string hlc_now(const std::string& device, std::int64_t offset_ms = 0);
// Lower-case hex SHA-256.
std::string sha256_of(const std::string& bytes);
std::string random_id();

// HubOptions for the backend under test, on a data directory (fast password hashing).
// For PostgreSQL, *database receives the fresh database, which must outlive the hub.
HubOptions test_hub_options(const std::filesystem::path& data_dir,
                            std::unique_ptr<doorstep::test::PgTestDatabase>* database);

}  // namespace doorstep::server::test
