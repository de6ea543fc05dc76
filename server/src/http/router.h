// Router: registers handlers on an httplib::Server under a readable route pattern
// ("/v1/office/cases/{id}/allocate") used by the request log and the metrics, and
// guards every handler so an exception becomes a 500, never a crash.
// Registration happens before the server starts; lookups afterwards are read-only
// and thread-safe.
#pragma once

#include <functional>
#include <regex>
#include <string>
#include <vector>

#include <httplib.h>

namespace doorstep::server::http {

// Path pieces for patterns.
inline const char* kIdPattern = "([A-Za-z0-9._-]{1,64})";
inline const char* kShaPattern = "([0-9a-f]{64})";

class Router {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

  explicit Router(httplib::Server& server) : server_(server) {}

  // regex: httplib's pattern (full match on the path); route: what logs call it.
  void get(const std::string& regex, const std::string& route, Handler h);
  void post(const std::string& regex, const std::string& route, Handler h);
  void put(const std::string& regex, const std::string& route, Handler h);

  // The route pattern a request matched, or "unmatched".
  std::string route_of(const std::string& method, const std::string& path) const;

 private:
  struct Entry {
    std::string method;
    std::regex regex;
    std::string route;
  };
  Handler guard(Handler h) const;
  httplib::Server& server_;
  std::vector<Entry> entries_;
};

}  // namespace doorstep::server::http
