#include "http/http_server.h"

#include <chrono>
#include <thread>

#include <httplib.h>

#include "doorstep/protocol/messages.h"
#include "http/json_io.h"
#include "http/request_log.h"
#include "http/router.h"
#include "http/routes.h"

namespace doorstep::server::http {

namespace {

using Clock = std::chrono::steady_clock;
// httplib runs the pre-routing handler, the route and the logger of one request on
// one thread; the start time travels between them here.
thread_local Clock::time_point request_started;
thread_local bool request_timed = false;

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::create(Hub& hub, const HttpOptions& options) {
  std::unique_ptr<HttpServer> s(new HttpServer(hub, options));
  if (!options.tls_cert.empty() || !options.tls_key.empty()) {
    if (options.tls_cert.empty() || options.tls_key.empty())
      return make_error(ErrorDomain::input, ErrorCode::invalid_argument, "--tls-cert and --tls-key go together");
    auto ssl = std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
    if (!ssl->is_valid())
      return make_error(ErrorDomain::input, ErrorCode::invalid_argument,
                        "cannot load the TLS certificate or key (" + options.tls_cert + ", " + options.tls_key + ")");
    s->server_ = std::move(ssl);
    s->tls_ = true;
  } else {
    s->server_ = std::make_unique<httplib::Server>();
  }
  s->install();
  return s;
}

HttpServer::HttpServer(Hub& hub, HttpOptions options) : hub_(hub), options_(std::move(options)) {}
HttpServer::~HttpServer() = default;

void HttpServer::install() {
  httplib::Server& srv = *server_;
  const int threads = options_.threads;
  srv.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  srv.set_payload_max_length(protocol::kMaxRequestBytes);
  // Headers and body go out in separate writes; without this, Nagle and delayed ACKs
  // add ~40 ms to every small response.
  srv.set_tcp_nodelay(true);
  srv.set_keep_alive_max_count(100);
  // Short: an idle keep-alive connection holds a worker thread, and stop() waits for it.
  srv.set_keep_alive_timeout(1);
  srv.set_read_timeout(30);
  srv.set_write_timeout(30);

  srv.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    request_started = Clock::now();
    request_timed = true;
    // httplib would otherwise apply the Range header to every response (errors
    // included) without bounds checks; the blob route reads the header itself.
    const_cast<httplib::Request&>(req).ranges.clear();
    // Office answers hold case data and sessions: no cache keeps them (the console's
    // own files say otherwise where they may be kept).
    if (req.path.rfind("/v1/office/", 0) == 0 || req.path.rfind("/office", 0) == 0)
      res.set_header("Cache-Control", "no-store");
    return httplib::Server::HandlerResponse::Unhandled;
  });

  srv.set_error_handler(httplib::Server::HandlerWithResponse(
      [](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;  // ours already
        switch (res.status) {
          case 404: send_error(res, 404, "not_found", "no such endpoint"); break;
          case 413: send_error(res, 413, "too_large", "the request body is larger than 16 MiB"); break;
          case 414: send_error(res, 414, "too_large", "the request line is too long"); break;
          case 400: send_error(res, 400, "invalid_argument", "the request could not be read"); break;
          default: {
            const int status = res.status;
            send_error(res, status, status >= 500 ? "internal" : "invalid_argument",
                       status >= 500 ? "the server could not complete the request" : "the request was refused");
          }
        }
        return httplib::Server::HandlerResponse::Handled;
      }));

  srv.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    send_error(res, 500, "internal", "the server could not complete the request");
  });

  router_ = std::make_unique<Router>(srv);
  add_sync_routes(*router_, hub_);
  add_blob_routes(*router_, hub_);
  add_office_account_routes(*router_, hub_);
  add_office_admin_routes(*router_, hub_);
  add_audit_routes(*router_, hub_);
  add_office_routes(*router_, hub_);
  add_form_routes(*router_, hub_);
  add_health_routes(*router_, hub_);
  add_oidc_routes(*router_, hub_, options_.oidc);
  add_console_routes(*router_, options_.console_dir);

  Router* router = router_.get();
  Hub* hub = &hub_;
  srv.set_logger([router, hub](const httplib::Request& req, const httplib::Response& res) {
    const double ms = request_timed
                          ? std::chrono::duration<double, std::milli>(Clock::now() - request_started).count()
                          : 0.0;
    request_timed = false;
    const std::string route = router->route_of(req.method, req.path);
    log_request(req.method, route, res.status, ms);
    hub->metrics().count_request(req.method, route, res.status, ms);
  });
}

Result<int> HttpServer::bind() {
  if (options_.port == 0) {
    port_ = server_->bind_to_any_port(options_.host);
    if (port_ <= 0)
      return make_error(ErrorDomain::io, ErrorCode::io_error, "cannot listen on " + options_.host);
  } else {
    if (!server_->bind_to_port(options_.host, options_.port))
      return make_error(ErrorDomain::io, ErrorCode::io_error,
                        "cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                            " (in use, or not an address of this machine)");
    port_ = options_.port;
  }
  return port_;
}

bool HttpServer::run() {
  run_started_ = true;
  bool ok = true;
  if (!stop_requested_) ok = server_->listen_after_bind();
  run_exited_ = true;
  return ok;
}

void HttpServer::stop() {
  // httplib's stop() does nothing until listening has begun; wait for that point.
  stop_requested_ = true;
  if (!run_started_) return;
  while (!server_->is_running() && !run_exited_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  server_->stop();
}

std::string HttpServer::url() const {
  const bool v6 = options_.host.find(':') != std::string::npos;
  return std::string(tls_ ? "https" : "http") + "://" + (v6 ? "[" + options_.host + "]" : options_.host) + ":" +
         std::to_string(port_);
}

}  // namespace doorstep::server::http
