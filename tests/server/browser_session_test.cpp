// The office console's session (http/browser_session.h): the session in an HttpOnly,
// SameSite=Strict cookie the page never sees, the CSRF token every change made with
// it must carry, sign-out that forgets it, the cookie sign-in refused from another
// site's form; and the API the console's pages use (who is signed in, accounts a page
// at a time, the sign-in methods, no-store answers).
#include <catch2/catch.hpp>

#include "server_fixture.h"

using namespace doorstep::server::test;
using nlohmann::json;

namespace {

struct Browser {
  std::string cookie;  // "doorstep_office=…"
  std::string csrf;
  std::string set_cookie;
};

Browser browser_sign_in(TestServer& s, const std::string& user, const std::string& password) {
  auto r = s.call("POST", "/v1/office/login", json{{"username", user}, {"password", password}, {"cookie", true}}.dump(),
                  "", {{"Sec-Fetch-Site", "same-origin"}});
  INFO(r.body);
  REQUIRE(r.status == 200);
  Browser b;
  b.set_cookie = r.headers.count("Set-Cookie") ? r.headers.find("Set-Cookie")->second : "";
  b.cookie = b.set_cookie.substr(0, b.set_cookie.find(';'));
  b.csrf = r.json.value("csrf_token", "");
  CHECK_FALSE(r.json.contains("access_token"));  // the page never holds the token
  return b;
}

Reply with_cookie(TestServer& s, const std::string& method, const std::string& path, const Browser& b,
                  const std::string& csrf) {
  httplib::Headers h{{"Cookie", "theme=dark; " + b.cookie + "; other=1"}};
  if (!csrf.empty()) h.emplace("X-CSRF-Token", csrf);
  return s.call(method, path, method == "GET" ? "" : "{}", "", h);
}

}  // namespace

TEST_CASE("a browser's sign-in puts the session in an HttpOnly SameSite=Strict cookie, not in the answer") {
  TestServer s;
  auto b = browser_sign_in(s, "office", kOfficePassword);
  CHECK(b.cookie.rfind("doorstep_office=", 0) == 0);
  CHECK(b.cookie.size() > 40);
  CHECK(b.set_cookie.find("; Path=/;") != std::string::npos);
  CHECK(b.set_cookie.find("; HttpOnly") != std::string::npos);
  CHECK(b.set_cookie.find("; SameSite=Strict") != std::string::npos);
  CHECK(b.set_cookie.find("; Max-Age=43200") != std::string::npos);
  CHECK(b.set_cookie.find("Secure") == std::string::npos);  // plain HTTP: the hub serves no TLS here

  auto who = with_cookie(s, "GET", "/v1/office/session", b, "");
  REQUIRE(who.status == 200);
  CHECK(who.json["username"] == "office");
  CHECK(who.json["role"] == "admin");
  CHECK(who.json["idle_timeout"] == 1800);
  CHECK(who.json["password_change_required"] == false);
  CHECK(who.json["csrf_token"] == b.csrf);
  CHECK(who.headers.find("Cache-Control")->second == "no-store");
  CHECK(with_cookie(s, "GET", "/v1/office/accounts", b, "").status == 200);  // any office read
  Browser forged = b;
  forged.cookie = "doorstep_office=not-a-token";
  CHECK(with_cookie(s, "GET", "/v1/office/session", forged, "").status == 401);
}

TEST_CASE("a change made with the session cookie needs the session's CSRF token") {
  TestServer s;
  s.add_office("morgan", "manager", {"children-south"});
  auto b = browser_sign_in(s, "office", kOfficePassword);
  auto other = browser_sign_in(s, "morgan", kOfficePassword);
  const std::string path = "/v1/office/accounts/morgan/reset-password";
  CHECK(with_cookie(s, "POST", path, b, "").status == 403);
  CHECK(with_cookie(s, "POST", path, b, b.csrf + "x").status == 403);
  CHECK(with_cookie(s, "POST", path, b, other.csrf).status == 403);  // another session's token
  CHECK(s.office("GET", "/v1/office/accounts/morgan")["password_change_required"] == false);  // nothing happened
  CHECK(with_cookie(s, "POST", path, b, b.csrf).status == 200);
  // A bearer token needs none: a script is not a browser another site can drive.
  CHECK(s.call("POST", "/v1/office/accounts/morgan/sign-out-everywhere", "{}", s.office_token()).status == 200);

  auto out = with_cookie(s, "POST", "/v1/office/logout", b, b.csrf);
  REQUIRE(out.status == 200);
  const std::string cleared = out.headers.find("Set-Cookie")->second;
  CHECK(cleared.rfind("doorstep_office=;", 0) == 0);
  CHECK(cleared.find("Max-Age=0") != std::string::npos);
  CHECK(with_cookie(s, "GET", "/v1/office/session", b, "").status == 401);  // ended on the hub
}

TEST_CASE("a cookie sign-in is taken only as JSON from the hub's own pages") {
  TestServer s;
  const std::string body = json{{"username", "office"}, {"password", kOfficePassword}, {"cookie", true}}.dump();
  httplib::Client c("127.0.0.1", s.port());
  auto form = c.Post("/v1/office/login", body, "text/plain");  // what another site's form can send
  REQUIRE(form);
  CHECK(form->status == 403);
  CHECK_FALSE(form->has_header("Set-Cookie"));
  auto cross = s.call("POST", "/v1/office/login", body, "", {{"Sec-Fetch-Site", "cross-site"}});
  CHECK(cross.status == 403);
  CHECK(cross.headers.count("Set-Cookie") == 0);
  auto script = s.call_json("POST", "/v1/office/login", {{"username", "office"}, {"password", kOfficePassword}});
  CHECK(script.status == 200);  // without "cookie": the token in the answer, as before
  CHECK(script.json.contains("access_token"));
  CHECK(script.headers.count("Set-Cookie") == 0);
}

TEST_CASE("accounts are listed a page at a time, and one account can be read") {
  TestServer s;
  for (const char* n : {"aa", "bb", "cc", "dd"}) s.add_worker(n);
  auto first = s.office("GET", "/v1/office/accounts?limit=2");
  REQUIRE(first["accounts"].size() == 2);
  CHECK(first["accounts"][0]["username"] == "aa");
  CHECK(first["accounts"][1]["username"] == "bb");
  CHECK(first["next"] == "bb");
  auto rest = s.office("GET", "/v1/office/accounts?after=bb&limit=100");
  std::vector<std::string> names;
  for (const auto& a : rest["accounts"]) names.push_back(a["username"]);
  CHECK(names == std::vector<std::string>{"cc", "dd", "office"});
  CHECK(rest["next"].is_null());
  CHECK(s.office("GET", "/v1/office/accounts")["accounts"].size() == 5);
  for (const char* bad : {"0", "101", "x", ""})
    CHECK(s.call("GET", std::string("/v1/office/accounts?limit=") + bad, "", s.office_token()).status == 400);

  auto one = s.office("GET", "/v1/office/accounts/cc");
  CHECK(one["username"] == "cc");
  CHECK(one["role"] == "worker");
  CHECK(one["devices"].is_array());
  CHECK(s.call("GET", "/v1/office/accounts/nobody", "", s.office_token()).status == 404);
  auto methods = s.call("GET", "/v1/office/sign-in-methods");
  CHECK(methods.status == 200);
  CHECK(methods.json == json{{"password", true}, {"oidc", false}});
}
