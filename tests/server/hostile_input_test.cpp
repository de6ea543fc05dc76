// Hostile input: malformed, truncated, oversized, deeply nested and wrongly typed
// bodies to every endpoint get a 4xx with a JSON reason, and the server keeps serving.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "doorstep/protocol/messages.h"
#include "server_fixture.h"

using namespace doorstep::server::test;
using nlohmann::json;

namespace {

struct Endpoint {
  std::string method, path;
  enum Auth { none, device, office } auth;
};

const std::vector<Endpoint>& json_endpoints() {
  static const std::vector<Endpoint> all = {
      {"POST", "/v1/enrol", Endpoint::none},
      {"POST", "/v1/token", Endpoint::none},
      {"POST", "/v1/office/login", Endpoint::none},
      {"POST", "/v1/sync/push", Endpoint::device},
      {"POST", "/v1/office/accounts", Endpoint::office},
      {"POST", "/v1/office/people", Endpoint::office},
      {"PUT", "/v1/office/people/p1", Endpoint::office},
      {"POST", "/v1/office/cases", Endpoint::office},
      {"PUT", "/v1/office/cases/c1", Endpoint::office},
      {"POST", "/v1/office/cases/c1/allocate", Endpoint::office},
      {"POST", "/v1/office/visits", Endpoint::office},
      {"PUT", "/v1/office/visits/v1", Endpoint::office},
      {"POST", "/v1/office/tasks", Endpoint::office},
      {"PUT", "/v1/office/tasks/t1", Endpoint::office},
      {"PUT", "/v1/office/field-reports/f1", Endpoint::office},
      {"POST", "/v1/office/conflicts/x1/resolve", Endpoint::office},
  };
  return all;
}

// Bodies every JSON endpoint must refuse with a 4xx.
std::vector<std::string> hostile_bodies() {
  std::vector<std::string> out = {
      "",
      "{",
      "{\"username\": \"sam\", \"password\":",
      "not json at all",
      "[]",
      "null",
      "42",
      "\"a string\"",
      "{\"operations\": {}}",
      "{\"operations\": [{\"seq\": \"one\"}]}",
      "{\"operations\": [{\"seq\": 1, \"op_id\": 5}]}",
      "{\"username\": 1, \"password\": [], \"device_id\": {}}",
      "{\"device_id\": \"x\", \"refresh_token\": 7}",
      "{\"fields\": []}",
      "{\"fields\": {\"name\": {\"nested\": true}}}",
      "{\"fields\": {\"planned_start\": 12}}",
      "{\"worker\": 12}",
      "{\"resolution\": true}",
      std::string("{\"fields\": {\"name\": \"\xff\xfe bad utf-8\"}}"),
      std::string(100000, '[') + std::string(100000, ']'),
      "{\"a\":" + std::string(5000, '[') + std::string(5000, ']') + "}",
  };
  json many_ops = {{"operations", json::array()}};
  for (int i = 1; i <= doorstep::protocol::kMaxPushOperations + 1; ++i)
    many_ops["operations"].push_back({{"seq", i},          {"op_id", "op" + std::to_string(i)}, {"record_type", "visit"},
                                      {"record_id", "v1"}, {"action", "update"},  {"base_rev", 0},
                                      {"fields", json::object()}, {"hlc", "0194f3a2b1c0-0000-dev"}});
  out.push_back(many_ops.dump());
  return out;
}

void healthy(TestServer& s) {
  auto h = s.call("GET", "/healthz");
  REQUIRE(h.status == 200);
}

// A raw exchange over TCP: sends bytes, then reads until the server closes or 3 s pass.
std::string raw_exchange(int port, const std::string& bytes, bool half_close = true) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  timeval tv{3, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  if (half_close) ::shutdown(fd, SHUT_WR);
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

}  // namespace

TEST_CASE("malformed, truncated and wrongly typed bodies get 4xx with a reason on every JSON endpoint") {
  TestServer s;
  s.add_worker("sam");
  TestDevice d(s, "sam");
  const auto bodies = hostile_bodies();
  for (const auto& e : json_endpoints()) {
    const std::string token = e.auth == Endpoint::device ? d.access_token : e.auth == Endpoint::office ? s.office_token() : "";
    for (const auto& body : bodies) {
      auto r = s.call(e.method, e.path, body, token);
      INFO(e.method << " " << e.path << " body " << body.substr(0, 80) << " -> " << r.status << " " << r.body.substr(0, 200));
      CHECK(r.status >= 400);
      CHECK(r.status < 500);
      CHECK_FALSE(r.error_code().empty());
      CHECK(r.json["message"].is_string());
    }
  }
  healthy(s);
}

TEST_CASE("bodies over the request limit get 413 and the server keeps serving") {
  TestServer s;
  s.add_worker("sam");
  TestDevice d(s, "sam");
  const std::string huge(doorstep::protocol::kMaxRequestBytes + 1, ' ');
  for (const auto& [method, path, token] :
       std::vector<std::tuple<std::string, std::string, std::string>>{{"POST", "/v1/sync/push", d.access_token},
                                                                      {"POST", "/v1/enrol", ""},
                                                                      {"POST", "/v1/office/people", s.office_token()},
                                                                      {"PUT", "/v1/blobs/" + std::string(64, 'a'), d.access_token}}) {
    auto r = s.call(method, path, huge, token, {{"X-Blob-Size", "20000000"}});
    INFO(method << " " << path);
    CHECK(r.status == 413);
    CHECK(r.error_code() == "too_large");
  }
  healthy(s);
}

TEST_CASE("broken HTTP on the wire does not take the server down") {
  TestServer s;
  const int port = s.port();
  // A body cut short: Content-Length promises more than arrives.
  raw_exchange(port, "POST /v1/enrol HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{\"username\": \"sa");
  // A request line that is not HTTP.
  auto garbage = raw_exchange(port, "\x16\x03\x01 hello?\r\n\r\n");
  CHECK(garbage.find("HTTP/1.1 5") == std::string::npos);
  // Headers that never end.
  raw_exchange(port, "GET /healthz HTTP/1.1\r\nX-A: " + std::string(10000, 'a'));
  // A huge declared length with a small body.
  raw_exchange(port, "POST /v1/sync/push HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n{}");
  // A chunked body that lies about its chunk sizes.
  raw_exchange(port, "POST /v1/enrol HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n");
  // Unknown routes and methods.
  CHECK(s.call("GET", "/v1/nothing").status == 404);
  CHECK(s.call("GET", "/v1/nothing").error_code() == "not_found");
  CHECK(s.call("DELETE", "/v1/sync/push").status == 404);
  CHECK(s.call("GET", "/v1/enrol").status == 404);
  healthy(s);
}

TEST_CASE("query parameters and path pieces are checked") {
  TestServer s;
  s.add_worker("sam");
  TestDevice d(s, "sam");
  CHECK(s.call("GET", "/v1/sync/changes?cursor=%00%01", "", d.access_token).status == 400);
  CHECK(s.call("GET", "/v1/sync/changes?cursor=" + std::string(500, '9'), "", d.access_token).status == 400);
  CHECK(s.call("GET", "/v1/office/audit?limit=-1", "", s.office_token()).status == 400);
  CHECK(s.call("GET", "/v1/office/people/" + std::string(65, 'a'), "", s.office_token()).status == 404);
  CHECK(s.call("GET", "/v1/blobs/ABC", "", d.access_token).status == 404);
  healthy(s);
}
