#include "http/router.h"

#include <exception>

#include "http/json_io.h"
#include "http/request_log.h"

namespace doorstep::server::http {

Router::Handler Router::guard(Handler h) const {
  return [h = std::move(h)](const httplib::Request& req, httplib::Response& res) {
    try {
      h(req, res);
    } catch (const std::exception& e) {
      log_internal_error(make_error(ErrorDomain::server, ErrorCode::internal, std::string("exception: ") + e.what()));
      send_error(res, 500, "internal", "the server could not complete the request");
    } catch (...) {
      log_internal_error(make_error(ErrorDomain::server, ErrorCode::internal, "unknown exception"));
      send_error(res, 500, "internal", "the server could not complete the request");
    }
  };
}

void Router::get(const std::string& regex, const std::string& route, Handler h) {
  entries_.push_back({"GET", std::regex(regex), route});
  server_.Get(regex, guard(std::move(h)));
}

void Router::post(const std::string& regex, const std::string& route, Handler h) {
  entries_.push_back({"POST", std::regex(regex), route});
  server_.Post(regex, guard(std::move(h)));
}

void Router::put(const std::string& regex, const std::string& route, Handler h) {
  entries_.push_back({"PUT", std::regex(regex), route});
  server_.Put(regex, guard(std::move(h)));
}

std::string Router::route_of(const std::string& method, const std::string& path) const {
  const std::string m = method == "HEAD" ? "GET" : method;
  for (const auto& e : entries_)
    if (e.method == m && std::regex_match(path, e.regex)) return e.route;
  return "unmatched";
}

}  // namespace doorstep::server::http
