#include "hub/restore.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage/data_dir_lock.h"
#include "storage/migrations.h"
#include "storage/server_key.h"
#include "storage/sqlite_backend.h"

namespace doorstep::server {

namespace {

Error invalid(const std::string& msg) { return make_error(ErrorDomain::input, ErrorCode::invalid_argument, msg); }

void sync_path(const std::filesystem::path& p, int flags) {
  const int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

void remove_with_wal(const std::filesystem::path& file) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix, ec);
}

// "2026-11-25T12:00:00.000Z" as a file name part: "20261125T120000Z".
std::string file_time(const std::string& now) {
  std::string out;
  for (char c : now) {
    if (c == '.') break;
    if (c != '-' && c != ':') out += c;
  }
  return out + "Z";
}

// Folds the WAL of an open database into its file and closes it, so the file alone
// is the whole database.
Status fold_and_close(std::unique_ptr<SqliteBackend> db) {
  auto folded = db->query("PRAGMA wal_checkpoint(TRUNCATE)");
  if (!folded) return folded.error();
  db.reset();
  return {};
}

}  // namespace

Result<RestoreSummary> restore_sqlite_hub(const std::filesystem::path& data_dir, const std::filesystem::path& backup,
                                          const std::string& now) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(backup, ec)) return invalid(backup.string() + " is not a backup file");
  if (!std::filesystem::is_directory(data_dir, ec)) return invalid(data_dir.string() + " is not a data directory");
  if (!std::filesystem::exists(data_dir / "server.key", ec))
    return invalid(data_dir.string() + " has no server.key: copy in the server.key of the hub that made the backup");
  auto lock = DataDirLock::take(data_dir);
  if (!lock) return lock.error();
  auto key = load_or_create_server_key(data_dir);
  if (!key) return key.error();

  const auto target = data_dir / "hub.db";
  const auto staged = data_dir / "hub.db.restoring";
  remove_with_wal(staged);
  RestoreSummary out;
  {
    auto src = SqliteBackend::open(backup, *key);
    if (!src) return src.error();
    auto ok = (*src)->query("PRAGMA quick_check");
    if (!ok) return ok.error();
    if (ok->empty() || ok->front().text(0) != "ok")
      return make_error(ErrorDomain::store, ErrorCode::corrupt, "the backup failed its check; nothing was changed");
    auto dest = SqliteBackend::open(staged, *key);
    if (!dest) return dest.error();
    ::chmod(staged.c_str(), 0600);
    auto copied = (*src)->copy_to(**dest);
    if (!copied.ok()) {
      dest->reset();
      remove_with_wal(staged);
      return copied.error();
    }
    src->reset();
    // A backup from an older server is brought up to this one's schema first.
    DOORSTEP_TRY(migrate(**dest));
    auto n = (*dest)->query("SELECT count(*) FROM record");
    if (!n) return n.error();
    out.records = n->front().integer(0);
    auto epoch = start_new_epoch(**dest, now, "restored from " + backup.filename().string());
    if (!epoch) return epoch.error();
    out.epoch = *epoch;
    DOORSTEP_TRY(fold_and_close(std::move(*dest)));
  }
  for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(staged.string() + suffix, ec);
  sync_path(staged, O_RDONLY);

  if (std::filesystem::exists(target, ec)) {
    // Keep what is replaced, whole: its WAL folded into the file first.
    auto old = SqliteBackend::open(target, *key);
    if (!old) return old.error();
    DOORSTEP_TRY(fold_and_close(std::move(*old)));
    out.replaced = data_dir / ("hub.db.replaced-" + file_time(now));
    std::filesystem::rename(target, out.replaced, ec);
    if (ec) return make_error(ErrorDomain::io, ErrorCode::io_error, "cannot move the current database aside: " + ec.message());
    for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(target.string() + suffix, ec);
  }
  std::filesystem::rename(staged, target, ec);
  if (ec) return make_error(ErrorDomain::io, ErrorCode::io_error, "cannot move the restored database into place: " + ec.message());
  sync_path(data_dir, O_RDONLY | O_DIRECTORY);
  return out;
}

Result<EpochInfo> new_epoch(const HubOptions& options, const std::string& why) {
  auto hub = Hub::open(options);  // SQLite: refused while a server holds the data directory
  if (!hub) return hub.error();
  auto db = (*hub)->pool().lease();
  if (!db) return db.error();
  return start_new_epoch(**db, (*hub)->hlc().timestamp(), why);
}

}  // namespace doorstep::server
