// A transport that sits between a real device and the real server and breaks
// chosen exchanges: the request reaches the server (which commits), but the device
// sees the response lost, truncated or replaced by garbage. Not a mock: every
// request it forwards is served by doorstep-server.
#pragma once

#include <string>

#include "doorstep/client/transport.h"

namespace doorstep::e2e {

class FaultTransport final : public client::Transport {
 public:
  enum class Fault { none, lose_response, truncate_body, garbage_body, server_error };
  explicit FaultTransport(client::Transport& inner) : inner_(inner) {}

  // The next request whose path starts with prefix gets the fault (once); with
  // skip, that many matching requests pass untouched first.
  void arm(Fault f, std::string prefix, int skip = 0) {
    fault_ = f;
    prefix_ = std::move(prefix);
    skip_ = skip;
  }
  int faults_injected() const { return injected_; }

  Result<client::HttpResponse> send(const client::HttpRequest& request) override {
    auto r = inner_.send(request);
    if (fault_ == Fault::none || request.path.rfind(prefix_, 0) != 0 || !r) return r;
    if (skip_ > 0) {
      --skip_;
      return r;
    }
    const Fault f = fault_;
    fault_ = Fault::none;
    ++injected_;
    switch (f) {
      case Fault::lose_response:
        return make_error(ErrorDomain::sync, ErrorCode::unavailable, "cannot reach the server: connection reset");
      case Fault::truncate_body: r->body = r->body.substr(0, r->body.size() / 2); break;
      case Fault::garbage_body: r->body = "{\"entries\": [{\"seq\": \"x\", \"record\": 7}], \"cursor\": 1}"; break;
      case Fault::server_error: r->status = 503; r->body = "{\"error\":\"unavailable\",\"message\":\"try later\"}"; break;
      case Fault::none: break;
    }
    return r;
  }

 private:
  client::Transport& inner_;
  Fault fault_ = Fault::none;
  std::string prefix_;
  int skip_ = 0;
  int injected_ = 0;
};

}  // namespace doorstep::e2e
