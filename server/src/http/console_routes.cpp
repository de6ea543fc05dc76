// The office console (docs/office.md): static pages and ES modules read from the
// console directory (share/doorstep/office/, HttpOptions::console_dir), which talk to
// the office API with the session cookie (http/browser_session.h).
//   GET /office                      302 /office/
//   GET /office/                     pages/home.html
//   GET /office/{page}               pages/{page}.html; 404 pages/not-found.html
//   GET /office/static/{file}        the console's own scripts and styles
//   GET /office/govuk/{file}         GOV.UK Frontend's CSS (its asset URLs under /office/assets/) and JS
//   GET /office/assets/{file}        GOV.UK Frontend's images
// Every answer carries the console's Content-Security-Policy and, as every office answer,
// Cache-Control: no-store (http_server.cpp).
// With no console directory, every /office path answers 404.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "http/browser_session.h"
#include "http/json_io.h"
#include "http/routes.h"

namespace doorstep::server::http {

namespace {

namespace fs = std::filesystem;

std::string media_type(const fs::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".json") return "application/json";
  return "application/octet-stream";
}

bool read_file(const fs::path& file, std::string& out) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return false;
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  return true;
}

// The path pieces the patterns let through are [A-Za-z0-9_-] names with dots only
// inside a name ("govuk-frontend.min.css"): never "..", never a leading dot.
bool safe_relative(const std::string& rel) {
  if (rel.empty() || rel.front() == '/' || rel.back() == '/') return false;
  std::size_t start = 0;
  while (start <= rel.size()) {
    std::size_t end = rel.find('/', start);
    if (end == std::string::npos) end = rel.size();
    const std::string piece = rel.substr(start, end - start);
    if (piece.empty() || piece.front() == '.' || piece.find("..") != std::string::npos) return false;
    start = end + 1;
  }
  return true;
}

void send_file(httplib::Response& res, int status, const fs::path& file, const std::string& body) {
  res.status = status;
  res.set_content(body, media_type(file));
}

void send_page(const fs::path& dir, const std::string& page, httplib::Response& res) {
  std::string body;
  const fs::path file = dir / "pages" / (page + ".html");
  if (read_file(file, body)) return send_file(res, 200, file, body);
  const fs::path missing = dir / "pages" / "not-found.html";
  if (read_file(missing, body)) return send_file(res, 404, missing, body);
  send_error(res, 404, "not_found", "no such page");
}

}  // namespace

void add_console_routes(Router& r, const std::string& console_dir) {
  if (console_dir.empty()) return;  // /office answers 404 as any unknown path
  const fs::path dir(console_dir);
  r.get("/office", "/office", [](const httplib::Request&, httplib::Response& res) {
    res.status = 302;
    res.set_header("Location", "/office/");
  });
  r.get("/office/", "/office/", [dir](const httplib::Request&, httplib::Response& res) {
    set_console_headers(res);
    send_page(dir, "home", res);
  });
  r.get("/office/([a-z][a-z-]{0,40})", "/office/{page}", [dir](const httplib::Request& req, httplib::Response& res) {
    set_console_headers(res);
    send_page(dir, req.matches[1], res);
  });
  r.get("/office/((static|govuk|assets)/[A-Za-z0-9._/-]{1,200})", "/office/{file}",
        [dir](const httplib::Request& req, httplib::Response& res) {
          set_console_headers(res);
          const std::string rel = req.matches[1];
          std::string body;
          if (!safe_relative(rel) || !read_file(dir / rel, body)) return send_error(res, 404, "not_found", "no such file");
          send_file(res, 200, dir / rel, body);
        });
}

std::string default_console_dir(const std::string& exe) {
  std::error_code ec;
  auto self = fs::canonical(exe, ec);
  if (ec) return {};
  const fs::path dir = self.parent_path().parent_path() / "share" / "doorstep" / "office";
  return fs::is_regular_file(dir / "pages" / "home.html", ec) ? dir.string() : std::string();
}

}  // namespace doorstep::server::http
