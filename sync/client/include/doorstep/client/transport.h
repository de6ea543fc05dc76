// Transport: how the sync engine reaches doorstep-server, behind an interface so
// tests can put faults (lost responses, truncation) between a real device and a
// real server. Implementations must be usable from one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "doorstep/core/result.h"

namespace doorstep::client {

struct HttpRequest {
  std::string method;  // GET, POST, PUT
  std::string path;    // "/v1/sync/changes?cursor=12", relative to the server URL
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends one request. A response with any HTTP status is a value; only failing to
  // get one (no connection, TLS failure, timeout, oversized) is an Error
  // (domain sync; code unavailable, or unauthorised for a certificate problem).
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

}  // namespace doorstep::client
