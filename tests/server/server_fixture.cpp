#include "server_fixture.h"

#include <catch2/catch.hpp>

#include "doorstep/core/hlc.h"
#include "doorstep/protocol/messages.h"
#include "http/request_log.h"
#include "hub/accounts.h"
#include "hub/demo_seed.h"
#include "hub/tokens.h"

namespace doorstep::server::test {

using nlohmann::json;

TestServer::TestServer(ServerOptions options) {
  http::set_request_log_enabled(false);
  HubOptions o;
  if (options.database.empty()) {
    o = test_hub_options(dir_.path() / "data", &pg_);
  } else {  // a second instance on another server's database, which outlives this one
    o.data_dir = dir_.path() / "data";
    o.password_opslimit = 1;
    o.password_memlimit = 8192;
    o.database = options.database;
  }
  o.access_ttl_s = options.access_ttl_s;
  o.concurrent_pulls = options.concurrent_pulls;
  o.clock = options.clock;
  o.concurrent_password_checks = options.concurrent_password_checks;
  o.sign_in = options.sign_in;
  auto hub = Hub::open(o);
  INFO((hub.ok() ? std::string() : hub.error().describe()));
  REQUIRE(hub.ok());
  hub_ = std::move(*hub);
  auto office = ensure_office_account(*hub_, kOfficePassword);
  REQUIRE(office.ok());
  if (options.demo) {
    auto seeded = seed_demo(*hub_, kWorkerPassword);
    INFO((seeded.ok() ? std::string() : seeded.error().describe()));
    REQUIRE(seeded.ok());
    REQUIRE(seeded->seeded);
  }
  http::HttpOptions http_options;
  http_options.port = options.port;
  http_options.oidc = options.oidc;
  auto server = http::HttpServer::create(*hub_, http_options);
  REQUIRE(server.ok());
  server_ = std::move(*server);
  auto port = server_->bind();
  REQUIRE(port.ok());
  port_ = *port;
  thread_ = std::thread([this] { server_->run(); });
}

HubOptions test_hub_options(const std::filesystem::path& data_dir, std::unique_ptr<doorstep::test::PgTestDatabase>* database) {
  HubOptions o;
  o.data_dir = data_dir;
  o.password_opslimit = 1;  // test speed: the minimum Argon2id cost
  o.password_memlimit = 8192;
  if (auto base = doorstep::test::postgres_base_url()) {
    if (!*database) *database = std::make_unique<doorstep::test::PgTestDatabase>(*base);
    o.database = (*database)->url();
  }
  return o;
}

TestServer::~TestServer() {
  server_->stop();
  thread_.join();
}

Reply TestServer::call(const std::string& method, const std::string& path, const std::string& body,
                       const std::string& token, httplib::Headers headers) {
  httplib::Client c("127.0.0.1", port_);
  c.set_read_timeout(30, 0);
  c.set_write_timeout(30, 0);
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  httplib::Result r(nullptr, httplib::Error::Unknown);
  const char* type = "application/json";
  if (method == "GET") r = c.Get(path, headers);
  else if (method == "POST") r = c.Post(path, headers, body, type);
  else if (method == "PUT") {
    auto h = headers;
    r = c.Put(path, h, body, h.count("Content-Type") ? h.find("Content-Type")->second.c_str() : type);
  } else if (method == "DELETE") r = c.Delete(path, headers);
  Reply out;
  if (!r) return out;
  out.status = r->status;
  out.body = r->body;
  out.headers = r->headers;
  out.json = json::parse(out.body, nullptr, false);
  return out;
}

const std::string& TestServer::office_token() {
  if (office_token_.empty()) {
    auto r = call_json("POST", "/v1/office/login", {{"username", "office"}, {"password", kOfficePassword}});
    INFO(r.body);
    REQUIRE(r.status == 200);
    office_token_ = r.json["access_token"].get<std::string>();
  }
  return office_token_;
}

json TestServer::office(const std::string& method, const std::string& path, const json& body, int expect) {
  auto r = call(method, path, body.is_null() ? "" : body.dump(), office_token());
  INFO(method << " " << path << " -> " << r.status << " " << r.body);
  REQUIRE(r.status == expect);
  return r.json.is_discarded() ? json(r.body) : r.json;
}

void TestServer::add_worker(const std::string& name, const std::string& team) {
  office("POST", "/v1/office/accounts",
         {{"username", name}, {"password", kWorkerPassword}, {"team", team}, {"role", "worker"}});
}

std::string TestServer::add_office(const std::string& name, const std::string& role,
                                   const std::vector<std::string>& teams) {
  json body = {{"username", name}, {"password", kOfficePassword}, {"role", role}};
  if (!teams.empty()) body["teams"] = teams;
  office("POST", "/v1/office/accounts", body);
  return sign_in(name);
}

std::string TestServer::sign_in(const std::string& name, const std::string& password) {
  auto r = call_json("POST", "/v1/office/login", {{"username", name}, {"password", password}});
  INFO(r.body);
  REQUIRE(r.status == 200);
  return r.json["access_token"].get<std::string>();
}

void TestServer::add_person(const std::string& id, const std::string& name) {
  office("POST", "/v1/office/people", {{"id", id}, {"fields", {{"name", name}, {"markers", {"dog at property"}}}}});
}

void TestServer::add_case(const std::string& person_id, const std::string& case_id, const std::string& worker,
                          const std::string& kind) {
  office("POST", "/v1/office/cases",
         {{"id", case_id},
          {"fields", {{"person_id", person_id}, {"kind", kind}, {"worker", worker}, {"team", "children-south"}}}});
}

void TestServer::add_visit(const std::string& id, const std::string& case_id, const std::string& start) {
  office("POST", "/v1/office/visits",
         {{"id", id}, {"fields", {{"case_id", case_id}, {"planned_start", start}, {"purpose", "statutory visit"}}}});
}

TestDevice::TestDevice(TestServer& s, const std::string& w, std::string id) : server(s), worker(w) {
  device_id = id.empty() ? new_uuid() : id;
  auto r = server.call_json("POST", "/v1/enrol",
                            {{"username", worker}, {"password", kWorkerPassword}, {"device_id", device_id},
                             {"device_name", worker + "'s tablet"}});
  INFO(r.body);
  REQUIRE(r.status == 200);
  REQUIRE(protocol::parse_enrol_response(r.json).ok());
  access_token = r.json["access_token"].get<std::string>();
  refresh_token = r.json["refresh_token"].get<std::string>();
}

json TestDevice::op(const std::string& type, const std::string& id, const std::string& action, const json& fields,
                    std::int64_t base_rev) {
  return {{"seq", next_seq++}, {"op_id", new_uuid()}, {"record_type", type}, {"record_id", id},
          {"action", action},  {"base_rev", base_rev}, {"fields", fields},    {"hlc", hlc_now(device_id)}};
}

Reply TestDevice::push(const json& operations, const json& audit, const json& purged) {
  auto r = server.call_json("POST", "/v1/sync/push",
                            {{"operations", operations}, {"audit_events", audit}, {"purged_cases", purged}},
                            access_token);
  if (r.status == 200) {
    auto parsed = protocol::parse_push_response(r.json);
    INFO((parsed.ok() ? std::string() : parsed.error().describe()));
    REQUIRE(parsed.ok());
  }
  return r;
}

json TestDevice::changes(const std::string& cursor, int limit) {
  std::string path = "/v1/sync/changes";
  std::vector<std::string> q;
  if (!cursor.empty()) q.push_back("cursor=" + cursor);
  if (limit > 0) q.push_back("limit=" + std::to_string(limit));
  for (std::size_t i = 0; i < q.size(); ++i) path += (i == 0 ? "?" : "&") + q[i];
  auto r = server.call("GET", path, "", access_token);
  INFO(r.body.substr(0, 2000));
  REQUIRE(r.status == 200);
  // Every page must pass the device's own validation of the wire contract.
  auto parsed = protocol::parse_changes_response(r.json);
  INFO((parsed.ok() ? std::string() : parsed.error().describe()));
  REQUIRE(parsed.ok());
  return r.json;
}

std::vector<json> TestDevice::pull_all(int limit, std::string* cursor_out) {
  std::vector<json> out;
  std::string cursor;
  for (int pages = 0; pages < 10000; ++pages) {
    auto page = changes(cursor, limit);
    for (const auto& e : page["entries"]) out.push_back(e);
    cursor = page["cursor"].get<std::string>();
    if (!page["more"].get<bool>()) break;
  }
  if (cursor_out) *cursor_out = cursor;
  return out;
}

std::string hlc_now(const std::string& device, std::int64_t offset_ms) {
  static std::uint16_t counter = 0;
  Hlc h{SystemClock::instance().now_ms() + offset_ms, ++counter, device};
  return h.encode();
}

std::string sha256_of(const std::string& bytes) { return sha256_hex(bytes); }

std::string random_id() { return new_uuid(); }

}  // namespace doorstep::server::test
