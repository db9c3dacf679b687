// Database::backup_to: the online backup API, stepped in chunks, into a file renamed into place.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <system_error>

#include "platform/atomic_file.hpp"
#include "platform/sqlite/database.hpp"
#include "platform/sqlite/database_impl.hpp"
#include "platform/sqlite/detail.hpp"

namespace storeedge::sqlite {
namespace {

// After this many restarts (another connection wrote between steps), the rest is copied in one
// step so that a busy writer cannot starve the backup. In WAL mode that step only holds a read
// snapshot, which does not block writers.
constexpr int kMaxRestarts = 4;
constexpr int kBusySleepMs = 10;

struct DestConnection {
  sqlite3* db = nullptr;
  ~DestConnection() {
    if (db != nullptr) sqlite3_close_v2(db);
  }
};

// Steps `backup` to the end. Busy/locked steps are retried until `deadline`.
Status run_steps(sqlite3_backup* backup, sqlite3* dest, const BackupOptions& options,
                 std::chrono::steady_clock::time_point deadline) {
  int pages = options.pages_per_step > 0 ? options.pages_per_step : -1;
  int restarts = 0;
  int previous_remaining = -1;
  while (true) {
    const int rc = sqlite3_backup_step(backup, pages);
    if (rc == SQLITE_DONE) return {};
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      if (std::chrono::steady_clock::now() >= deadline) {
        return fail(detail::connection_error(dest, rc, {}).with_context("waiting for the source lock"));
      }
      sqlite3_sleep(kBusySleepMs);
      continue;
    }
    if (rc != SQLITE_OK) return fail(detail::connection_error(dest, rc, {}));
    const int remaining = sqlite3_backup_remaining(backup);
    if (previous_remaining >= 0 && remaining > previous_remaining && ++restarts >= kMaxRestarts) pages = -1;
    previous_remaining = remaining;
    if (options.on_progress) options.on_progress(remaining, sqlite3_backup_pagecount(backup));
  }
}

}  // namespace

Status Database::backup_to(const std::filesystem::path& dest, const BackupOptions& options) {
  const std::string where = "backing up " + impl_->path.string() + " to " + dest.string();
  std::error_code ec;
  if (std::filesystem::exists(dest, ec)) return fail(Errc::already_exists, where + ": destination exists");
  std::filesystem::path partial = dest;
  partial += ".partial";
  std::filesystem::remove(partial, ec);  // left over from an interrupted backup

  Status copied = [&]() -> Status {
    DestConnection out;
    const char* vfs = impl_->options.vfs.empty() ? nullptr : impl_->options.vfs.c_str();
    const int rc = sqlite3_open_v2(partial.c_str(), &out.db,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXRESCODE, vfs);
    if (rc != SQLITE_OK) return fail(detail::connection_error(out.db, rc, {}));
    sqlite3_backup* backup = sqlite3_backup_init(out.db, "main", impl_->db, "main");
    if (backup == nullptr) return fail(detail::connection_error(out.db, sqlite3_errcode(out.db), {}));
    const auto deadline = std::chrono::steady_clock::now() + impl_->options.busy_timeout;
    Status stepped = run_steps(backup, out.db, options, deadline);
    const int finish_rc = sqlite3_backup_finish(backup);
    if (!stepped) return stepped;
    if (finish_rc != SQLITE_OK) return fail(detail::connection_error(out.db, finish_rc, {}));
    const int close_rc = sqlite3_close(out.db);
    if (close_rc != SQLITE_OK) return fail(detail::connection_error(out.db, close_rc, {}));
    out.db = nullptr;
    return {};
  }();
  if (copied) {
    std::filesystem::rename(partial, dest, ec);
    if (ec) copied = fail(errno_error("renaming " + partial.string(), ec.value()));
  }
  if (!copied) {
    std::filesystem::remove(partial, ec);
    std::filesystem::remove(std::filesystem::path(partial) += "-journal", ec);
    return fail(copied.error().with_context(where));
  }
  if (auto synced = fsync_directory(dest.parent_path().empty() ? "." : dest.parent_path()); !synced) {
    return fail(synced.error().with_context(where));
  }
  return {};
}

}  // namespace storeedge::sqlite
