// Office sign-in with OpenID Connect, end to end against a real provider: the npm
// package oidc-provider run by tests/support/oidc_provider.mjs on 127.0.0.1. The test
// is the browser: it follows the redirects with the provider's cookies, fills in the
// provider's development login and consent forms, and delivers the provider's answer
// to the hub's callback. The hub fetches discovery and keys, exchanges the code and
// verifies the ID token over real HTTP. On SQLite ("server/…") and PostgreSQL
// ("server-pg/…"); the last cases run the real doorstep-server binary.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <map>
#include <regex>
#include <thread>

#include <jwt.h>

#include "hub/accounts.h"
#include "hub/oidc.h"
#include "hub/oidc_http.h"
#include "hub/oidc_token.h"
#include "server_fixture.h"

namespace {

using namespace doorstep;
using namespace doorstep::server;
using namespace doorstep::server::test;
using nlohmann::json;

const char* kClientId = "doorstep-hub";
const char* kClientSecret = "provider-client-secret-for-tests";
const char* kCallbackPath = "/v1/office/oidc/callback";

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// A child process with its stdout on a pipe, killed (and reaped) when destroyed.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::filesystem::path& stderr_file) {
    int p[2];
    REQUIRE(::pipe(p) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a test that dies takes its children along
      ::dup2(p[1], STDOUT_FILENO);
      if (FILE* err = std::fopen(stderr_file.c_str(), "w")) ::dup2(fileno(err), STDERR_FILENO);
      ::close(p[0]);
      ::close(p[1]);
      std::vector<std::string> args = argv;
      std::vector<char*> raw;
      for (auto& a : args) raw.push_back(a.data());
      raw.push_back(nullptr);
      ::execvp(raw[0], raw.data());
      ::_exit(127);
    }
    ::close(p[1]);
    out_ = p[0];
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) ::close(out_);
  }
  // Reads stdout until a line containing marker has arrived or the output ends.
  std::string read_until(const std::string& marker, int seconds = 30) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    char buf[512];
    while (std::chrono::steady_clock::now() < deadline) {
      const auto at = text_.find(marker);
      if (at != std::string::npos && text_.find('\n', at) != std::string::npos) break;
      const ssize_t n = ::read(out_, buf, sizeof buf);
      if (n <= 0) break;
      text_.append(buf, static_cast<std::size_t>(n));
    }
    return text_;
  }
  // Waits for the exit; returns the status (-1: did not exit normally in time).
  int wait(int seconds = 30) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string text_;
};

// tests/support/oidc_provider.mjs: a real OpenID provider on 127.0.0.1.
class Provider {
 public:
  Provider(const std::string& redirect_uri, const std::string& id_token_mode = "normal",
           const std::string& alg = "RS256", const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv{DOORSTEP_NODE, DOORSTEP_OIDC_PROVIDER, "--client-id", kClientId, "--client-secret",
                                  kClientSecret, "--redirect-uri", redirect_uri, "--id-token", id_token_mode, "--alg",
                                  alg, "--max-seconds", "120"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    child_ = std::make_unique<Child>(argv, dir_ / "provider.err");
    const std::string out = child_->read_until("listening on ");
    const auto at = out.find("listening on ");
    INFO("provider stdout: " << out << "\nstderr: " << doorstep::test::read_all(dir_ / "provider.err"));
    REQUIRE(at != std::string::npos);
    issuer_ = out.substr(at + 13, out.find('\n', at) - at - 13);
  }
  const std::string& issuer() const { return issuer_; }

 private:
  doorstep::test::TempDir dir_;
  std::unique_ptr<Child> child_;
  std::string issuer_;
};

std::string query_param(const std::string& url, const std::string& name) {
  std::smatch m;
  if (std::regex_search(url, m, std::regex("[?&]" + name + "=([^&#]*)"))) return m[1].str();
  return {};
}

// The URL with one query parameter's value replaced (plain string work: a regex
// replacement would read a value starting with a digit as part of "$1").
std::string with_param(const std::string& url, const std::string& name, const std::string& value) {
  std::smatch m;
  REQUIRE(std::regex_search(url, m, std::regex("[?&]" + name + "=([^&#]*)")));
  const auto at = static_cast<std::size_t>(m.position(1));
  return url.substr(0, at) + value + url.substr(at + static_cast<std::size_t>(m.length(1)));
}

// The browser: one cookie jar for the provider, redirects followed by hand.
class Browser {
 public:
  explicit Browser(std::string origin, std::string ca = "") : origin_(std::move(origin)), ca_(std::move(ca)) {}

  struct Page {
    int status = 0;
    std::string location, body;
  };

  Page request(const std::string& method, const std::string& url, const std::string& form = "") {
    REQUIRE(url.rfind(origin_, 0) == 0);
    httplib::Client c(origin_);
    c.set_read_timeout(30, 0);
    if (!ca_.empty()) c.set_ca_cert_path(ca_);
    httplib::Headers headers;
    std::string jar;
    for (const auto& [k, v] : cookies_) jar += (jar.empty() ? "" : "; ") + k + "=" + v;
    if (!jar.empty()) headers.emplace("Cookie", jar);
    const std::string path = url.substr(origin_.size());
    auto r = method == "GET" ? c.Get(path, headers) : c.Post(path, headers, form, "application/x-www-form-urlencoded");
    REQUIRE(r);
    for (const auto& [k, v] : r->headers) {
      if (k != "Set-Cookie") continue;
      const std::string pair = v.substr(0, v.find(';'));
      const auto eq = pair.find('=');
      const std::string name = pair.substr(0, eq), value = pair.substr(eq + 1);
      // An expired (cleared) cookie leaves the jar.
      if (value.empty() || v.find("expires=Thu, 01 Jan 1970") != std::string::npos) cookies_.erase(name);
      else cookies_[name] = value;
    }
    Page p{r->status, r->get_header_value("Location"), r->body};
    if (!p.location.empty() && p.location.front() == '/') p.location = origin_ + p.location;
    return p;
  }

  // Follows redirects from url until one leaves the provider (to the hub's callback).
  Page follow(std::string url, const std::string& method = "GET", const std::string& form = "") {
    Page p = request(method, url, form);
    for (int hops = 0; hops < 10 && (p.status == 302 || p.status == 303) && p.location.rfind(origin_, 0) == 0; ++hops)
      p = request("GET", p.location);
    return p;
  }

 private:
  std::string origin_, ca_;
  std::map<std::string, std::string> cookies_;
};

std::string form_action(const std::string& html) {
  std::smatch m;
  REQUIRE(std::regex_search(html, m, std::regex("<form[^>]*action=\"([^\"]+)\"")));
  return m[1].str();
}

// The provider's two forms: "sign in as login", then "continue" (consent). Returns
// the URL the provider finally redirects to (the hub's callback with code and state).
std::string sign_in_at_provider(const std::string& issuer, const std::string& authorization_url,
                                const std::string& login, const std::string& ca = "") {
  Browser b(issuer, ca);
  auto page = b.follow(authorization_url);
  INFO(page.status << " " << page.body.substr(0, 400));
  REQUIRE(page.status == 200);
  REQUIRE(page.body.find("name=\"login\"") != std::string::npos);
  page = b.follow(issuer + form_action(page.body), "POST",
                  "prompt=login&login=" + url_encode(login) + "&password=anything");
  INFO(page.status << " " << page.body.substr(0, 400));
  REQUIRE(page.status == 200);
  REQUIRE(page.body.find("name=\"prompt\" value=\"consent\"") != std::string::npos);
  page = b.follow(issuer + form_action(page.body), "POST", "prompt=consent");
  INFO(page.status << " " << page.location << " " << page.body.substr(0, 400));
  REQUIRE(page.status == 303);
  return page.location;
}

// A provider and a hub that trusts it, on a port chosen first so that the provider
// knows the hub's redirect URL.
struct Setup {
  explicit Setup(const std::string& id_token_mode = "normal", const std::string& alg = "RS256", std::string claim = "email")
      : port(free_port()),
        redirect("http://127.0.0.1:" + std::to_string(port) + kCallbackPath),
        provider(redirect, id_token_mode, alg) {
    OidcConfig config;
    config.issuer = provider.issuer();
    config.client_id = kClientId;
    config.client_secret = kClientSecret;
    config.claim = std::move(claim);
    config.redirect_url = redirect;
    auto oidc = OidcClient::discover(config);
    INFO((oidc ? "" : oidc.error().describe()));
    REQUIRE(oidc);
    ServerOptions options;
    options.port = port;
    options.oidc = *oidc;
    hub = std::make_unique<TestServer>(options);
  }

  // GET /v1/office/oidc/start?format=json: the authorization URL.
  std::string start() {
    auto r = hub->call("GET", "/v1/office/oidc/start?format=json");
    INFO(r.body);
    REQUIRE(r.status == 200);
    const std::string url = r.json["url"].get<std::string>();
    REQUIRE(url.rfind(provider.issuer() + "/auth?", 0) == 0);
    return url;
  }

  // The provider's answer delivered to the hub, as the browser would.
  Reply deliver(const std::string& callback_url) {
    REQUIRE(callback_url.rfind(redirect + "?", 0) == 0);
    return hub->call("GET", callback_url.substr(callback_url.find(kCallbackPath)));
  }

  // The whole flow for one login name at the provider.
  Reply sign_in(const std::string& login) { return deliver(sign_in_at_provider(provider.issuer(), start(), login)); }

  // An account the way an admin makes one, with its email address.
  void add_account(const std::string& username, const std::string& role, const std::string& email) {
    NewAccount a;
    a.username = username;
    a.password = kOfficePassword;
    a.role = role;
    a.email = email;
    if (role == "manager" || role == "monitor") a.teams = {"children-south"};
    if (role == "worker") a.team = "children-south";
    auto made = Accounts(hub->hub()).create(a);
    INFO((made ? "" : made.error().describe()));
    REQUIRE(made);
  }
  void disable(const std::string& username) {
    hub->office("POST", "/v1/office/accounts/" + username + "/disable", json::object());
  }
  void require_refused(const Reply& r, int status, const std::string& says) {
    INFO(r.status << " " << r.body);
    CHECK(r.status == status);
    CHECK(r.json.value("message", std::string()).find(says) != std::string::npos);
    CHECK(r.json.find("access_token") == r.json.end());
  }
  // The audit log's refusals of OIDC sign-ins about one actor.
  std::vector<json> refusals(const std::string& actor) {
    auto all = hub->office("GET", "/v1/office/audit?actor=" + url_encode(actor));
    std::vector<json> out;
    for (const auto& e : all["events"])
      if (e["action"] == "sign_in_refused") out.push_back(e);
    return out;
  }

  int port;
  std::string redirect;
  Provider provider;
  std::unique_ptr<TestServer> hub;
};

}  // namespace

TEST_CASE("OIDC: a mapped office account signs in and its session works on the office API") {
  Setup s;
  s.add_account("olivia", "admin", "Olivia.Admin@Council.Example");
  s.add_account("mo", "manager", "");

  SECTION("by email, compared without case; the browser is sent to the provider with PKCE and a nonce") {
    auto r = s.hub->call("GET", "/v1/office/oidc/start");
    REQUIRE(r.status == 302);
    const std::string url = r.headers.find("Location")->second;
    CHECK(url.rfind(s.provider.issuer() + "/auth?", 0) == 0);
    CHECK(query_param(url, "code_challenge_method") == "S256");
    CHECK(query_param(url, "code_challenge").size() == 43);
    CHECK(!query_param(url, "nonce").empty());
    CHECK(query_param(url, "client_id") == kClientId);

    auto in = s.deliver(sign_in_at_provider(s.provider.issuer(), url, "olivia.admin@council.example"));
    INFO(in.body);
    REQUIRE(in.status == 200);
    CHECK(in.json["username"] == "olivia");
    CHECK(in.json["access_expires_in"].get<std::int64_t>() > 0);
    const std::string token = in.json["access_token"].get<std::string>();
    auto devices = s.hub->call("GET", "/v1/office/devices", "", token);
    INFO(devices.body);
    CHECK(devices.status == 200);
  }
  SECTION("by user name, when the claim holds one") {
    auto in = s.sign_in("mo");
    INFO(in.body);
    REQUIRE(in.status == 200);
    CHECK(in.json["username"] == "mo");
    CHECK(s.hub->call("GET", "/v1/office/conflicts", "", in.json["access_token"].get<std::string>()).status == 200);
  }
}

TEST_CASE("OIDC: ES256 ID tokens verify too") {
  Setup s("normal", "ES256");
  s.add_account("olivia", "admin", "olivia@council.example");
  auto in = s.sign_in("olivia@council.example");
  INFO(in.body);
  REQUIRE(in.status == 200);
  CHECK(in.json["username"] == "olivia");
}

TEST_CASE("OIDC: refused for an unknown, a disabled and a worker account, and nothing is created") {
  Setup s;
  s.add_account("dee", "manager", "dee@council.example");
  s.disable("dee");
  s.add_account("wanda", "worker", "wanda@council.example");

  s.require_refused(s.sign_in("nobody@council.example"), 403, "no office account has the email");
  const Reply disabled = s.sign_in("dee@council.example");
  s.require_refused(disabled, 403, "is disabled");
  CHECK(disabled.error_code() == "account_disabled");
  s.require_refused(s.sign_in("wanda@council.example"), 403, "worker account");
  s.require_refused(s.sign_in("wanda"), 403, "worker account");

  auto db = s.hub->hub().pool().lease();
  REQUIRE(db);
  auto rows = (*db)->query("SELECT count(*) FROM account WHERE username = 'nobody@council.example' OR "
                           "lower(email) = 'nobody@council.example'");
  REQUIRE(rows);
  CHECK(rows->front().integer(0) == 0);
  CHECK(s.refusals("nobody@council.example").size() == 1);
  REQUIRE(s.refusals("dee").size() == 1);
  CHECK(s.refusals("dee")[0]["detail"].get<std::string>().find("disabled") != std::string::npos);
  CHECK(s.refusals("dee")[0]["role"] == "manager");
  CHECK(s.refusals("dee")[0]["source"] == "127.0.0.1");
  CHECK(s.refusals("wanda").size() == 2);
}

TEST_CASE("OIDC: a replayed callback, a replayed nonce and a forged state are refused") {
  Setup s;
  s.add_account("olivia", "admin", "olivia@council.example");

  SECTION("the same callback twice: the state is taken once") {
    const std::string callback = sign_in_at_provider(s.provider.issuer(), s.start(), "olivia@council.example");
    REQUIRE(s.deliver(callback).status == 200);
    s.require_refused(s.deliver(callback), 401, "unknown or was already used");
    CHECK(s.refusals("unknown").size() == 1);
  }
  SECTION("a forged state does not sign in, and does not spend the real one") {
    const std::string callback = sign_in_at_provider(s.provider.issuer(), s.start(), "olivia@council.example");
    s.require_refused(s.deliver(with_param(callback, "state", "forged-state-value")), 401, "unknown or was already used");
    s.require_refused(s.deliver(with_param(callback, "state", "")), 401, "no valid state");
    REQUIRE(s.deliver(callback).status == 200);
  }
  SECTION("an ID token whose nonce was used before") {
    // A first sign-in uses its nonce. A second sign-in whose state was made to carry
    // the same nonce (as a copied or restored state table would) brings an ID token
    // from the provider with that nonce: the hub has seen it and refuses.
    const std::string first = s.start();
    const std::string used = query_param(first, "nonce");
    REQUIRE(s.deliver(sign_in_at_provider(s.provider.issuer(), first, "olivia@council.example")).status == 200);
    const std::string second = s.start();
    {
      auto db = s.hub->hub().pool().lease();
      REQUIRE(db);
      auto n = (*db)->exec("UPDATE oidc_state SET nonce = ? WHERE state = ?", {used, query_param(second, "state")});
      REQUIRE(n);
      REQUIRE(*n == 1);
    }
    const std::string callback =
        sign_in_at_provider(s.provider.issuer(), with_param(second, "nonce", used), "olivia@council.example");
    s.require_refused(s.deliver(callback), 401, "nonce was used before");
    REQUIRE(s.refusals("olivia@council.example").size() == 1);
  }
  SECTION("a state older than 10 minutes") {
    const std::string url = s.start();
    {
      auto db = s.hub->hub().pool().lease();
      REQUIRE(db);
      REQUIRE((*db)->exec("UPDATE oidc_state SET created_ms = created_ms - 600001 WHERE state = ?",
                          {query_param(url, "state")}));
    }
    s.require_refused(s.deliver(sign_in_at_provider(s.provider.issuer(), url, "olivia@council.example")), 401,
                      "longer than 10 minutes");
  }
  SECTION("an answer naming another provider (RFC 9207 iss)") {
    const std::string callback = sign_in_at_provider(s.provider.issuer(), s.start(), "olivia@council.example");
    REQUIRE(!query_param(callback, "iss").empty());  // the provider names itself
    s.require_refused(s.deliver(with_param(callback, "iss", url_encode("https://idp.attacker.example"))), 401,
                      "came from the identity provider");
  }
  SECTION("a provider's refusal comes back as one") {
    const std::string url = s.start();
    s.require_refused(s.deliver(s.redirect + "?error=access_denied&error_description=no&state=" +
                                query_param(url, "state")),
                      401, "refused the sign-in: access_denied");
  }
}

TEST_CASE("OIDC: an ID token for another audience is refused") {
  Setup s("wrong-audience");
  s.add_account("olivia", "admin", "olivia@council.example");
  s.require_refused(s.sign_in("olivia@council.example"), 401, "audience is not this hub's client id");
  REQUIRE(s.refusals("unknown").size() == 1);
  CHECK(s.refusals("unknown")[0]["detail"].get<std::string>().find("audience") != std::string::npos);
}

TEST_CASE("OIDC: an expired ID token is refused") {
  Setup s("expired");
  s.add_account("olivia", "admin", "olivia@council.example");
  s.require_refused(s.sign_in("olivia@council.example"), 401, "has expired");
  CHECK(s.refusals("unknown").size() == 1);
}

TEST_CASE("OIDC: an HS256 token made with the provider's public key as its secret is refused") {
  // The classic key-confusion forgery: anyone can fetch the public key, and a verifier
  // that lets the token choose HMAC would accept this.
  Setup s;
  auto jwks = oidc_get_json(s.provider.issuer() + "/jwks");
  REQUIRE(jwks);
  auto keys = parse_jwks(*jwks);
  REQUIRE(keys);
  auto rsa = std::find_if(keys->begin(), keys->end(), [](const auto& k) { return k.second.alg == "RS256"; });
  REQUIRE(rsa != keys->end());
  const SigningKey& key = rsa->second;

  jwt_t* jwt = nullptr;
  REQUIRE(jwt_new(&jwt) == 0);
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count();
  jwt_add_header(jwt, "kid", rsa->first.c_str());
  jwt_add_grant(jwt, "iss", s.provider.issuer().c_str());
  jwt_add_grant(jwt, "aud", kClientId);
  jwt_add_grant(jwt, "sub", "olivia@council.example");
  jwt_add_grant(jwt, "email", "olivia@council.example");
  jwt_add_grant(jwt, "nonce", "n-1");
  jwt_add_grant_int(jwt, "iat", now);
  jwt_add_grant_int(jwt, "exp", now + 300);
  REQUIRE(jwt_set_alg(jwt, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(key.pem.data()),
                      static_cast<int>(key.pem.size())) == 0);
  char* raw = jwt_encode_str(jwt);
  REQUIRE(raw != nullptr);
  const std::string forged = raw;
  std::free(raw);
  jwt_free(jwt);

  // libjwt alone accepts it: the key is the HMAC secret it was made with.
  jwt_t* decoded = nullptr;
  CHECK(jwt_decode(&decoded, forged.c_str(), reinterpret_cast<const unsigned char*>(key.pem.data()),
                   static_cast<int>(key.pem.size())) == 0);
  if (decoded) jwt_free(decoded);

  auto header = read_jose_header(forged);
  REQUIRE_FALSE(header);
  CHECK(header.error().message.find("only RS256 and ES256") != std::string::npos);
  auto verified = verify_id_token(forged, key, {s.provider.issuer(), kClientId, "n-1", now, 60});
  REQUIRE_FALSE(verified);
  CHECK(verified.error().code == ErrorCode::unauthorised);
}

TEST_CASE("OIDC: off unless configured, and bad configurations are refused") {
  TestServer hub;
  for (const char* path : {"/v1/office/oidc/start", "/v1/office/oidc/callback?code=x&state=y"}) {
    auto r = hub.call("GET", path);
    INFO(r.body);
    CHECK(r.status == 404);
    CHECK(r.json.value("message", std::string()).find("not configured") != std::string::npos);
  }
  OidcConfig c{"http://login.example.org/tenant/v2.0", kClientId, kClientSecret, "email", ""};
  auto plain = OidcClient::discover(c);
  REQUIRE_FALSE(plain);
  CHECK(plain.error().message.find("https://") != std::string::npos);
  c.issuer = "http://127.0.0.1:" + std::to_string(free_port());
  auto unreachable = OidcClient::discover(c);
  REQUIRE_FALSE(unreachable);
  CHECK(unreachable.error().code == ErrorCode::unavailable);
  CHECK(unreachable.error().message.find("OIDC discovery: cannot reach") != std::string::npos);
}

TEST_CASE("OIDC: the provider over HTTPS is trusted only with a verified certificate for its host") {
  // A certificate authority of the test's own, as in tests/e2e/tls_test.
  doorstep::test::TempDir pki;
  auto run = [&](const std::string& cmd) {
    const std::string full = "cd '" + pki.path().string() + "' && " + cmd + " >/dev/null 2>&1";
    INFO(full);
    REQUIRE(std::system(full.c_str()) == 0);
  };
  run("openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj '/CN=Doorstep Test CA'");
  for (const auto& [name, san] : {std::pair{"idp", "IP:127.0.0.1"}, std::pair{"wrong", "DNS:wrong.example"}}) {
    std::ofstream(pki / (std::string(name) + ".ext")) << "subjectAltName=" << san << "\n";
    run(std::string("openssl req -newkey rsa:2048 -nodes -keyout ") + name + ".key -out " + name + ".csr -subj /CN=" +
        name);
    run(std::string("openssl x509 -req -in ") + name + ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -out " + name +
        ".pem -days 2 -extfile " + name + ".ext");
  }
  const std::string ca = (pki / "ca.pem").string();
  const int port = free_port();
  const std::string redirect = "http://127.0.0.1:" + std::to_string(port) + kCallbackPath;
  auto tls = [&](const std::string& name) {
    return std::vector<std::string>{"--tls-cert", (pki / (name + ".pem")).string(), "--tls-key",
                                    (pki / (name + ".key")).string()};
  };
  Provider provider(redirect, "normal", "RS256", tls("idp"));
  REQUIRE(provider.issuer().rfind("https://127.0.0.1:", 0) == 0);
  OidcConfig config{provider.issuer(), kClientId, kClientSecret, "email", redirect};

  // The system's trusted certificates do not include the test's CA.
  ::unsetenv("SSL_CERT_FILE");
  auto untrusted = OidcClient::discover(config);
  REQUIRE_FALSE(untrusted);
  CHECK(untrusted.error().code == ErrorCode::unavailable);
  INFO(untrusted.error().message);
  CHECK(untrusted.error().message.find("TLS certificate is not trusted") != std::string::npos);

  // Trusting the CA (OpenSSL's SSL_CERT_FILE), the whole sign-in runs over HTTPS.
  struct TrustCa {
    explicit TrustCa(const std::string& file) { ::setenv("SSL_CERT_FILE", file.c_str(), 1); }
    ~TrustCa() { ::unsetenv("SSL_CERT_FILE"); }
  } trust(ca);
  auto oidc = OidcClient::discover(config);
  INFO((oidc ? "" : oidc.error().describe()));
  REQUIRE(oidc);
  ServerOptions options;
  options.port = port;
  options.oidc = *oidc;
  TestServer hub(options);
  {
    auto db = hub.hub().pool().lease();
    REQUIRE(db);
    REQUIRE((*db)->exec("UPDATE account SET email = 'it@council.example' WHERE username = 'office'"));
  }
  auto started = hub.call("GET", "/v1/office/oidc/start?format=json");
  REQUIRE(started.status == 200);
  const std::string callback =
      sign_in_at_provider(provider.issuer(), started.json["url"].get<std::string>(), "it@council.example", ca);
  auto in = hub.call("GET", callback.substr(callback.find(kCallbackPath)));
  INFO(in.body);
  CHECK(in.status == 200);
  CHECK(in.json.value("username", std::string()) == "office");

  // A certificate from the trusted CA, but for another host name.
  Provider wrong(redirect, "normal", "RS256", tls("wrong"));
  auto other_host = OidcClient::discover({wrong.issuer(), kClientId, kClientSecret, "email", redirect});
  REQUIRE_FALSE(other_host);
  INFO(other_host.error().message);
  CHECK(other_host.error().message.find("TLS certificate is not trusted") != std::string::npos);
}

// ---- The real binary: the options, discovery at start, the routes it serves.

namespace {

struct BinaryRun {
  doorstep::test::TempDir dir;
  std::unique_ptr<doorstep::test::PgTestDatabase> pg;
  std::vector<std::string> args(std::vector<std::string> extra) {
    std::vector<std::string> a{DOORSTEP_SERVER, "--data", (dir / "data").string(), "--listen", "127.0.0.1:0"};
    if (auto base = doorstep::test::postgres_base_url()) {
      if (!pg) pg = std::make_unique<doorstep::test::PgTestDatabase>(*base);
      a.insert(a.end(), {"--database", pg->url()});
    }
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
};

}  // namespace

TEST_CASE("OIDC: doorstep-server refuses bad combinations and an unreachable provider at start") {
  BinaryRun run;
  {
    std::ofstream(run.dir / "secret") << kClientSecret << "\n";
  }
  const std::string secret = (run.dir / "secret").string();
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"--oidc-issuer", "https://login.example.org/t/v2.0"}, "go together (missing: --oidc-client-id --oidc-client-secret-file)"},
      {{"--oidc-client-id", kClientId, "--oidc-client-secret-file", secret}, "missing: --oidc-issuer"},
      {{"--oidc-claim", "preferred_username"}, "need --oidc-issuer"},
      {{"--oidc-issuer", "http://login.example.org/t/v2.0", "--oidc-client-id", kClientId, "--oidc-client-secret-file",
        secret},
       "must be an https:// URL"},
      {{"--oidc-issuer", "https://login.example.org/t/v2.0", "--oidc-client-id", kClientId, "--oidc-client-secret-file",
        (run.dir / "missing").string()},
       "cannot read the OIDC client secret file"},
      {{"--oidc-issuer", "http://127.0.0.1:" + std::to_string(free_port()), "--oidc-client-id", kClientId,
        "--oidc-client-secret-file", secret},
       "OIDC discovery: cannot reach"},
  };
  for (const auto& c : cases) {
    Child server(run.args(c.args), run.dir / "server.err");
    const int status = server.wait();
    const std::string err = doorstep::test::read_all(run.dir / "server.err");
    INFO(c.says << " -> " << status << ": " << err);
    CHECK(status == 1);
    CHECK(err.find(c.says) != std::string::npos);
  }
}

TEST_CASE("OIDC: doorstep-server with a provider signs an office account in over its routes") {
  BinaryRun run;
  const int port = free_port();
  const std::string redirect = "http://127.0.0.1:" + std::to_string(port) + kCallbackPath;
  Provider provider(redirect);
  {
    std::ofstream(run.dir / "secret") << kClientSecret << "\n";
  }
  auto args = run.args({"--oidc-issuer", provider.issuer(), "--oidc-client-id", kClientId,
                        "--oidc-client-secret-file", (run.dir / "secret").string()});
  args[4] = "127.0.0.1:" + std::to_string(port);  // --listen: the redirect URL's port
  Child server(args, run.dir / "server.err");
  const std::string out = server.read_until("doorstep-server listening on ");
  INFO(out << doorstep::test::read_all(run.dir / "server.err"));
  REQUIRE(out.find("doorstep-server listening on http://127.0.0.1:" + std::to_string(port)) != std::string::npos);
  CHECK(out.find("office sign-in with " + provider.issuer() + " enabled; redirect URL " + redirect) !=
        std::string::npos);

  httplib::Client hub("127.0.0.1", port);
  auto started = hub.Get("/v1/office/oidc/start?format=json");
  REQUIRE(started);
  REQUIRE(started->status == 200);
  const std::string url = json::parse(started->body)["url"].get<std::string>();
  // The first office account, "office", has no email: it signs in by its user name.
  const std::string callback = sign_in_at_provider(provider.issuer(), url, "office");
  REQUIRE(callback.rfind(redirect + "?", 0) == 0);
  auto in = hub.Get(callback.substr(callback.find(kCallbackPath)));
  REQUIRE(in);
  INFO(in->body);
  REQUIRE(in->status == 200);
  const std::string token = json::parse(in->body)["access_token"].get<std::string>();
  auto devices = hub.Get("/v1/office/devices", httplib::Headers{{"Authorization", "Bearer " + token}});
  REQUIRE(devices);
  CHECK(devices->status == 200);
}
