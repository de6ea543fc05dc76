#include "storage/sqlite_backup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

}  // namespace

Result<BackupSummary> backup_sqlite_hub(const std::filesystem::path& data_dir, const std::filesystem::path& file) {
  std::error_code ec;
  const auto source = data_dir / "hub.db";
  if (!std::filesystem::exists(source, ec) || !std::filesystem::exists(data_dir / "server.key", ec))
    return invalid(data_dir.string() + " holds no hub database (hub.db and server.key)");
  if (std::filesystem::exists(file, ec)) return invalid(file.string() + " exists; the backup never overwrites a file");
  const auto partial = std::filesystem::path(file.string() + ".partial");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(partial.string() + suffix, ec);

  auto key = load_or_create_server_key(data_dir);
  if (!key) return key.error();
  auto src = SqliteBackend::open(source, *key);
  if (!src) return src.error();
  {
    auto dest = SqliteBackend::open(partial, *key);
    if (!dest) return dest.error();
    ::chmod(partial.c_str(), 0600);
    DOORSTEP_TRY((*src)->copy_to(**dest));
    // Fold the copy's WAL into the file, so the backup is one file.
    auto folded = (*dest)->query("PRAGMA wal_checkpoint(TRUNCATE)");
    if (!folded) return folded.error();
  }
  // Closing the last connection removed the -wal and -shm files.
  BackupSummary out;
  {
    auto check = SqliteBackend::open(partial, *key);
    if (!check) return check.error();
    auto ok = (*check)->query("PRAGMA quick_check");
    if (!ok) return ok.error();
    if (ok->empty() || ok->front().text(0) != "ok")
      return make_error(ErrorDomain::store, ErrorCode::corrupt, "the copy failed its check; nothing was written");
    auto n = (*check)->query("SELECT count(*) FROM record");
    if (!n) return n.error();
    out.records = n->front().integer(0);
    auto folded = (*check)->query("PRAGMA wal_checkpoint(TRUNCATE)");
    if (!folded) return folded.error();
  }
  for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(partial.string() + suffix, ec);
  sync_path(partial, O_RDONLY);
  std::filesystem::rename(partial, file, ec);
  if (ec) return make_error(ErrorDomain::io, ErrorCode::io_error, "cannot rename the backup into place: " + ec.message());
  sync_path(file.has_parent_path() ? file.parent_path() : std::filesystem::path("."), O_RDONLY | O_DIRECTORY);
  out.bytes = static_cast<std::int64_t>(std::filesystem::file_size(file, ec));
  return out;
}

}  // namespace doorstep::server
