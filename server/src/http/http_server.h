// HttpServer: the hub's HTTP(S) front, cpp-httplib's Server (or SSLServer when a
// certificate and key are given) with every route of docs/api.md, request limits,
// JSON errors for everything httplib answers itself (404, 413, 400), the request log
// and the metrics.
//
// bind() and run() are called from one thread; stop() is safe from any thread
// (a signal watcher, a test).
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "hub/hub.h"

namespace httplib {
class Server;
}

namespace doorstep::server {
class OidcClient;
}

namespace doorstep::server::http {

class Router;

struct HttpOptions {
  std::string host = "127.0.0.1";  // the address to listen on
  int port = 0;                    // 0 = any free port (bind() says which)
  std::string tls_cert;            // PEM certificate chain; with tls_key, serve HTTPS
  std::string tls_key;             // PEM private key
  int threads = 64;                // request worker threads. A keep-alive connection holds one
                                   // while it is open, so this many devices are served at once
                                   // and the rest wait for a thread (16 left half of 32 busy
                                   // devices queued for seconds: bench/load)
  std::shared_ptr<OidcClient> oidc{};  // office sign-in through an OpenID provider; null = off
  std::string console_dir;             // the office console's files (share/doorstep/office); "" = none
};

class HttpServer {
 public:
  // invalid_argument when the TLS certificate or key cannot be loaded.
  static Result<std::unique_ptr<HttpServer>> create(Hub& hub, const HttpOptions& options);
  ~HttpServer();

  // Binds and listens; returns the port. io_error when the address is taken.
  Result<int> bind();
  // Serves until stop(). Returns false if the server failed.
  bool run();
  // Ends run() (now, or as soon as it starts) and waits for in-flight requests.
  void stop();
  bool tls() const { return tls_; }
  // "http://127.0.0.1:8443" once bound.
  std::string url() const;

 private:
  HttpServer(Hub& hub, HttpOptions options);
  void install();

  Hub& hub_;
  HttpOptions options_;
  bool tls_ = false;
  int port_ = 0;
  std::atomic<bool> run_started_{false}, run_exited_{false}, stop_requested_{false};
  std::unique_ptr<httplib::Server> server_;
  std::unique_ptr<Router> router_;
};

}  // namespace doorstep::server::http
