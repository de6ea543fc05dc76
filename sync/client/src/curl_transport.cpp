#include "doorstep/client/curl_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>

namespace doorstep::client {

namespace {

struct Sink {
  std::string body;
  std::map<std::string, std::string> headers;
  std::size_t max = 0;
  bool too_large = false;
};

std::size_t on_body(char* p, std::size_t size, std::size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  const std::size_t bytes = size * n;
  if (s->body.size() + bytes > s->max) {
    s->too_large = true;
    return 0;  // aborts the transfer
  }
  s->body.append(p, bytes);
  return bytes;
}

std::size_t on_header(char* p, std::size_t size, std::size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  std::string line(p, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(value.begin());
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.pop_back();
    s->headers[name] = value;
  }
  return size * n;
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string host_of(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  std::string rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find('/'));
  if (!rest.empty() && rest.front() == '[') return rest.substr(1, rest.find(']') - 1);
  return rest.substr(0, rest.find(':'));
}

}  // namespace

bool is_loopback_url(const std::string& url) {
  const std::string h = host_of(url);
  return h == "127.0.0.1" || h == "::1" || h == "localhost";
}

Result<std::unique_ptr<CurlTransport>> CurlTransport::create(const std::string& url, TransportOptions options) {
  const bool https = url.rfind("https://", 0) == 0;
  const bool http = url.rfind("http://", 0) == 0;
  if (!https && !http)
    return make_error(ErrorDomain::sync, ErrorCode::invalid_argument, "the server address must start with https://");
  if (http && !is_loopback_url(url))
    return make_error(ErrorDomain::sync, ErrorCode::invalid_argument,
                      "refusing unencrypted http:// to " + host_of(url) + "; use https://");
  std::string base = url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  global_init();
  std::unique_ptr<CurlTransport> t(new CurlTransport(base, std::move(options)));
  if (t->curl_ == nullptr) return make_error(ErrorDomain::sync, ErrorCode::internal, "libcurl failed to start");
  return t;
}

CurlTransport::CurlTransport(std::string base, TransportOptions options)
    : base_(std::move(base)), options_(std::move(options)), curl_(curl_easy_init()) {}

CurlTransport::~CurlTransport() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

Result<HttpResponse> CurlTransport::send(const HttpRequest& req) {
  CURL* c = static_cast<CURL*>(curl_);
  curl_easy_reset(c);
  const std::string url = base_ + req.path;
  Sink sink;
  sink.max = options_.max_response_bytes;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  // Verification is not optional (docs/design.md, "Security model").
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!options_.pinned_public_key.empty()) curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, options_.pinned_public_key.c_str());
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, options_.connect_timeout_s);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, options_.timeout_s);
  // gzip only: brotli at the server's default quality costs far more CPU than it saves
  // bytes (it was half the time of an initial sync over loopback).
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
  curl_slist* headers = nullptr;
  for (const auto& [k, v] : req.headers) headers = curl_slist_append(headers, (k + ": " + v).c_str());
  if (req.method == "POST" || req.method == "PUT") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    headers = curl_slist_append(headers, "Expect:");
  } else if (req.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  const CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  if (sink.too_large)
    return make_error(ErrorDomain::sync, ErrorCode::too_large, "the server's response is larger than allowed");
  if (rc != CURLE_OK) {
    std::string why = curl_easy_strerror(rc);
    ErrorCode code = ErrorCode::unavailable;
    if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH ||
        rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_CONNECT_ERROR) {
      code = ErrorCode::unauthorised;
      why = "the server's certificate could not be verified (" + why + ")";
    }
    return make_error(ErrorDomain::sync, code, "cannot reach the server: " + why);
  }
  HttpResponse r;
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  r.status = static_cast<int>(status);
  r.body = std::move(sink.body);
  r.headers = std::move(sink.headers);
  return r;
}

}  // namespace doorstep::client
