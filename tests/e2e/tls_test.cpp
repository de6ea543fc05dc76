// TLS with a certificate authority made by the test: sync works when the device
// trusts that CA, and fails with a clear error without it or for a wrong host name.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>

#include "doorstep/core/case_notes.h"
#include "hub.h"

using namespace doorstep;
using namespace doorstep::e2e;

namespace {

struct TestPki {
  test::TempDir dir;
  std::string ca, good_cert, good_key, wrong_cert, wrong_key;

  void run(const std::string& cmd) {
    const std::string full = "cd '" + dir.path().string() + "' && " + cmd + " >/dev/null 2>&1";
    INFO(full);
    REQUIRE(std::system(full.c_str()) == 0);
  }
  void leaf(const std::string& name, const std::string& san) {
    std::ofstream(dir / (name + ".ext")) << "subjectAltName=" << san << "\n";
    run("openssl req -newkey rsa:2048 -nodes -keyout " + name + ".key -out " + name + ".csr -subj /CN=" + name);
    run("openssl x509 -req -in " + name + ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -out " + name +
        ".pem -days 2 -extfile " + name + ".ext");
  }
  TestPki() {
    run("openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj '/CN=Doorstep Test CA'");
    leaf("hub", "IP:127.0.0.1,DNS:localhost");
    leaf("wrong", "DNS:wrong.example");
    ca = (dir / "ca.pem").string();
    good_cert = (dir / "hub.pem").string();
    good_key = (dir / "hub.key").string();
    wrong_cert = (dir / "wrong.pem").string();
    wrong_key = (dir / "wrong.key").string();
  }
};

}  // namespace

TEST_CASE("sync over TLS works with the council's CA configured") {
  TestPki pki;
  Hub::Options o;
  o.tls_cert = pki.good_cert;
  o.tls_key = pki.good_key;
  o.ca_file = pki.ca;
  Hub hub(o);
  REQUIRE(hub.url().rfind("https://", 0) == 0);
  hub.add_worker("sam");
  hub.add_case("p1", "Dana Whitfield", "c1", "sam");
  Device d(hub, "sam", nullptr, pki.ca);
  auto r = d.sync();
  INFO((r.ok() ? std::string() : r.error().describe()));
  REQUIRE(r.ok());
  REQUIRE(CaseNotes(d.store()).add({"c1", "over TLS"}).ok());
  auto r2 = d.sync();
  REQUIRE(r2.ok());
  CHECK(r2->applied == 1);
}

TEST_CASE("without the CA, or with a certificate for another host, the device refuses to talk") {
  TestPki pki;
  {
    Hub::Options o;
    o.tls_cert = pki.good_cert;
    o.tls_key = pki.good_key;
    o.ca_file = pki.ca;
    Hub hub(o);
    auto t = client::CurlTransport::create(hub.url());  // system CAs only
    REQUIRE(t.ok());
    auto r = (*t)->send({"GET", "/healthz", "", {}});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::unauthorised);
    CHECK(r.error().message.find("certificate") != std::string::npos);
    // The same through enrolment: a clear error and no store left behind.
    auto s = Store::create(hub.data() / "device", "sam", SecretString(std::string(test::kPin)), test::fast_options());
    REQUIRE(s.ok());
    auto e = client::enrol(**s, **t, hub.url(), SecretString(std::string(kWorkerPassword)), "tablet");
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().message.find("certificate") != std::string::npos);
  }
  {
    Hub::Options o;
    o.tls_cert = pki.wrong_cert;
    o.tls_key = pki.wrong_key;
    o.ca_file = pki.ca;
    Hub hub(o);
    client::TransportOptions to;
    to.ca_file = pki.ca;
    auto t = client::CurlTransport::create(hub.url(), to);
    REQUIRE(t.ok());
    auto r = (*t)->send({"GET", "/healthz", "", {}});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::unauthorised);
  }
  // Plain http to anything but loopback is refused before a byte is sent.
  auto t = client::CurlTransport::create("http://hub.example.gov.uk");
  REQUIRE_FALSE(t.ok());
}
