#include "sync_worker.h"

#include "doorstep/client/sync_engine.h"
#include "worker_session.h"

namespace doorstep::app {

SyncWorker::~SyncWorker() { close(); }

void SyncWorker::open(const QString& dir, std::shared_ptr<const SecretString> pin, int generation) {
  close();
  std::unique_lock<std::mutex> opening(store_open_mutex());
  auto s = Store::open(dir.toStdString(), *pin, options_);
  opening.unlock();
  pin.reset();
  if (!s) return emit opened(generation, false, describe(s.error()));
  store_ = std::move(*s);
  emit opened(generation, true, {});
}

void SyncWorker::close() {
  engine_.reset();
  transport_.reset();
  if (store_) store_->lock();
  store_.reset();
}

void SyncWorker::runPass(int generation) {
  QVariantMap summary;
  if (!store_) return emit passFinished(generation, static_cast<int>(ErrorCode::invalid_transition),
                                        tr("The store is locked"), summary, false);
  if (!transport_) {
    auto url = store_->meta("server_url");
    if (!url || !*url)
      return emit passFinished(generation, static_cast<int>(ErrorCode::not_found),
                               tr("This device is not enrolled with a hub"), summary, false);
    client::TransportOptions o;
    if (auto ca = store_->meta("server_ca_file"); ca && *ca) o.ca_file = **ca;
    if (auto pin = store_->meta("server_public_key_pin"); pin && *pin) o.pinned_public_key = **pin;
    auto t = client::CurlTransport::create(**url, o);
    if (!t) return emit passFinished(generation, static_cast<int>(t.error().code), describe(t.error()), summary, false);
    transport_ = std::move(*t);
  }
  if (!engine_ || engine_generation_ != generation) {
    // One engine for the open store: it keeps the access token between passes.
    client::SyncOptions options;
    options.on_progress = [this, generation](const client::SyncProgress& p) {
      emit progress(generation, QString::fromStdString(p.phase), p.records);
    };
    options.before_erase = [this, generation]() -> Status {
      if (close_others_ && !close_others_(generation))
        return make_error(ErrorDomain::state, ErrorCode::unavailable,
                          "the app could not close its screens before erasing this device; it tries again next time");
      return {};
    };
    engine_ = std::make_unique<client::SyncEngine>(*store_, *transport_, options);
    engine_generation_ = generation;
  }
  auto r = engine_->sync_once();
  if (!r) return emit passFinished(generation, static_cast<int>(r.error().code), describe(r.error()), summary, false);
  summary = {{"pushed", qint64(r->pushed)},     {"conflicts", qint64(r->conflicts)},
             {"rejected", qint64(r->rejected)}, {"pulled", qint64(r->pulled)},
             {"purged", qint64(r->purged)},     {"blobs_up", qint64(r->blobs_up)},
             {"blobs_down", qint64(r->blobs_down)}, {"retired", r->retired},
             {"unsent_erased", qint64(r->unsent_erased)}, {"quarantine_erased", qint64(r->quarantine_erased)},
             {"drafts_erased", qint64(r->drafts_erased)}, {"receipt_sent", r->receipt_sent}};
  if (r->wiped) close();
  emit passFinished(generation, 0, {}, summary, r->wiped);
}

}  // namespace doorstep::app
