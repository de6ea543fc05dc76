// CurlTransport: HTTPS (or plain HTTP to a loopback address only) through libcurl.
// Certificate and host-name verification are always on for HTTPS and cannot be
// turned off; plain http:// is refused unless the host is 127.0.0.1, ::1 or
// localhost (tests and local demos). One instance per thread.
#pragma once

#include <memory>
#include <string>

#include "doorstep/client/transport.h"

namespace doorstep::client {

struct TransportOptions {
  std::string ca_file;            // PEM bundle to trust instead of the system's; empty = system CAs
  std::string pinned_public_key;  // "sha256//<base64>" (libcurl syntax); empty = no pinning
  long connect_timeout_s = 10;    // seconds to establish a connection
  long timeout_s = 120;           // seconds for a whole request
  std::size_t max_response_bytes = 128u << 20;  // larger responses are an error
  // Proxies come from the environment (https_proxy, no_proxy), as libcurl reads them.
};

class CurlTransport final : public Transport {
 public:
  // server_url: "https://hub.example.gov.uk" or "http://127.0.0.1:8443".
  static Result<std::unique_ptr<CurlTransport>> create(const std::string& server_url, TransportOptions options = {});
  ~CurlTransport() override;

  Result<HttpResponse> send(const HttpRequest& request) override;

 private:
  CurlTransport(std::string base, TransportOptions options);
  std::string base_;
  TransportOptions options_;
  void* curl_ = nullptr;  // CURL*, reused for connection keep-alive
};

// True for http(s) URLs whose host is 127.0.0.1, ::1 or localhost.
bool is_loopback_url(const std::string& url);

}  // namespace doorstep::client
