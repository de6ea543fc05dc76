// The app tests' real parts: doorstep-server --demo as a child process on a free
// loopback port, an office client over real HTTP, and a small PNG to use as a
// photo. Used by the Quick tests' setup and the model tests. UI thread only.
#pragma once

#include <QProcess>
#include <QString>
#include <QTemporaryDir>
#include <memory>
#include <string>

#include "doorstep/client/curl_transport.h"

namespace doorstep::apptest {

inline const char* kDemoPassword = "demo-password-2026";
inline const char* kOfficePassword = "office-password-2026";
inline const char* kPin = "4826";

class TestHub {
 public:
  TestHub();   // starts the server; url() is empty if it did not start
  ~TestHub();  // SIGTERM, then waits
  const QString& url() const { return url_; }
  // An office request; returns the HTTP status and puts the body in *body.
  int office(const std::string& method, const std::string& path, const std::string& json, std::string* body = nullptr);

 private:
  QTemporaryDir dir_;
  QProcess process_;
  QString url_;
  std::string token_;
  std::unique_ptr<client::CurlTransport> transport_;
};

// Writes a small valid PNG to path.
bool write_test_png(const QString& path);

}  // namespace doorstep::apptest
