#include "test_hub.h"

#include <QDataStream>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <nlohmann/json.hpp>

namespace doorstep::apptest {

TestHub::TestHub() {
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.insert(QStringLiteral("DOORSTEP_DEMO_PASSWORD"), QString::fromLatin1(kDemoPassword));
  env.insert(QStringLiteral("DOORSTEP_OFFICE_PASSWORD"), QString::fromLatin1(kOfficePassword));
  process_.setProcessEnvironment(env);
  process_.setProcessChannelMode(QProcess::SeparateChannels);
  process_.setStandardErrorFile(QProcess::nullDevice());
  process_.start(QStringLiteral(DOORSTEP_SERVER), {QStringLiteral("--data"), dir_.path() + QStringLiteral("/hub"),
                                                   QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                                   QStringLiteral("--demo")});
  QElapsedTimer t;
  t.start();
  QByteArray seen;
  while (t.elapsed() < 30'000 && process_.state() != QProcess::NotRunning) {
    process_.waitForReadyRead(200);
    seen += process_.readAllStandardOutput();
    const int at = seen.indexOf("listening on ");
    if (at >= 0 && seen.indexOf('\n', at) > at) {
      url_ = QString::fromUtf8(seen.mid(at + 13, seen.indexOf('\n', at) - at - 13)).trimmed();
      break;
    }
  }
  if (url_.isEmpty()) return;
  auto tr = client::CurlTransport::create(url_.toStdString());
  if (tr) transport_ = std::move(*tr);
}

TestHub::~TestHub() {
  transport_.reset();
  if (process_.state() != QProcess::NotRunning) {
    process_.terminate();
    if (!process_.waitForFinished(5000)) process_.kill();
  }
}

int TestHub::office(const std::string& method, const std::string& path, const std::string& json, std::string* body) {
  if (!transport_) return 0;
  if (token_.empty()) {
    nlohmann::json login = {{"username", "office"}, {"password", kOfficePassword}};
    auto r = transport_->send({"POST", "/v1/office/login", login.dump(), {{"Content-Type", "application/json"}}});
    if (!r || r->status != 200) return r ? r->status : 0;
    token_ = nlohmann::json::parse(r->body)["access_token"].get<std::string>();
  }
  std::vector<std::pair<std::string, std::string>> headers{{"Authorization", "Bearer " + token_}};
  if (!json.empty()) headers.emplace_back("Content-Type", "application/json");
  auto r = transport_->send({method, path, json, headers});
  if (!r) return 0;
  if (body != nullptr) *body = r->body;
  return r->status;
}

bool write_test_png(const QString& path) {
  QImage image(64, 48, QImage::Format_RGB32);
  image.fill(QColor(90, 120, 60));
  return image.save(path, "PNG");
}

}  // namespace doorstep::apptest
