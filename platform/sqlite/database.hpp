#pragma once
// A SQLite connection configured the way storeedge needs it: WAL, synchronous FULL (or NORMAL
// when durability is traded for speed), a busy timeout and foreign keys, all verified at open.
//
// Ownership and threads: a Database owns one connection and closes it on destruction. It is
// move-only and not thread-safe; use one Database per thread. Statements and cached-statement
// handles it hands out must not outlive it.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "platform/error.hpp"
#include "platform/sqlite/statement.hpp"

struct sqlite3;

namespace storeedge::sqlite {

struct OpenOptions {
  bool read_only = false;
  bool create = true;   // create the file if missing (ignored when read_only)
  bool durable = true;  // synchronous=FULL when true, NORMAL when false
  std::chrono::milliseconds busy_timeout{5000};
  std::string vfs;  // empty = the default VFS; tests pass a fault-injecting VFS name
  // With the default VFS: write each commit's WAL frames in one system call (wal_batch_vfs.hpp).
  // Benchmarks turn it off for their bare-SQLite reference.
  bool batch_wal_writes = true;
  // PRAGMA temp_store=MEMORY: statement and savepoint journals (and sorts) never spill to a temp file.
  // storehub wants it: the savepoint around each mutation of a push batch spilled the original of every
  // page it touched to a temp file past 64 KiB, one pwrite per page, tens of thousands a second in a
  // drain. What they hold is bounded by what one statement or savepoint changes.
  bool journals_in_memory = false;
  // After a commit leaves at least this many frames in the WAL that are not yet copied into the
  // database, that commit runs a PASSIVE checkpoint before returning (SQLite's own default is 1000).
  // 0 turns it off: the owner then calls checkpoint_if_needed() when it is idle, so no commit pays
  // for copying earlier commits' pages and fsyncing the database file.
  int wal_autocheckpoint_pages = 1000;
  // Run those checkpoints on a thread of their own over a second connection
  // (background_checkpoint.hpp): the commit that crosses the threshold only wakes it. storehub wants
  // it: copying a push batch's pages into hub.db and fsyncing it took an eighth of its CPU on the
  // request thread during a drain, with the other core free.
  bool checkpoint_in_background = false;
  // Page size of a database this open creates (512..65536, a power of two); 0 keeps SQLite's
  // default (4096). An existing database keeps the size it was created with.
  int page_size = 0;
  // Group commit (wal_syncer.hpp), for a durable database whose owner acknowledges work to others:
  // a commit returns once its WAL frames are written (synchronous=NORMAL), and when_durable() calls
  // back after one fdatasync of the WAL has covered every commit made so far. The owner must not
  // report a commit as done before that callback. storehub wants it: a push's fsync (6-10 ms for
  // 1,000 sales) no longer holds its request thread, and concurrent pushes share one.
  bool group_commit = false;
};

struct BackupOptions {
  int pages_per_step = 64;  // pages copied per step; the source is unlocked between steps
  // Called after each step that left pages to copy, with (remaining, total) pages.
  std::function<void(int remaining, int total)> on_progress;
};

class Database {
 public:
  // Opens (or creates) the database at `path`. Sets journal_mode=WAL (not when read_only),
  // synchronous, busy_timeout and foreign_keys=ON, and reads them back: a setting that did not take
  // effect is an error. A file that is not a database is Errc::corrupt. In-memory databases are
  // refused since they cannot use WAL.
  [[nodiscard]] static Result<Database> open(const std::filesystem::path& path,
                                             const OpenOptions& options = {});

  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more `;`-separated statements, discarding rows.
  [[nodiscard]] Status exec(std::string_view sql);
  // Prepares exactly one statement; trailing SQL after it is Errc::invalid_argument.
  [[nodiscard]] Result<Statement> prepare(std::string_view sql);
  // A statement from this connection's cache, keyed by the SQL text and prepared on first use.
  // If the cached statement is already borrowed, a fresh uncached one is returned instead.
  [[nodiscard]] Result<CachedStatement> cached(std::string_view sql);

  // The first column of the first row as T, or std::nullopt when there is no row.
  template <class T, class... Args>
  [[nodiscard]] Result<std::optional<T>> query_one(std::string_view sql, const Args&... args);

  std::int64_t last_insert_rowid() const;
  int changes() const;  // rows changed by the most recent INSERT/UPDATE/DELETE
  bool in_transaction() const;
  [[nodiscard]] Result<int> user_version();
  // Ok when PRAGMA integrity_check says "ok"; otherwise Errc::corrupt listing the first problems.
  [[nodiscard]] Status integrity_check();
  // Copies this database to `dest` with the online backup API, in steps, while other connections
  // may keep writing; the copy is one consistent snapshot. `dest` must not exist: the copy is
  // written beside it and renamed into place only when complete.
  [[nodiscard]] Status backup_to(const std::filesystem::path& dest, const BackupOptions& options = {});
  // The value of `PRAGMA name` as text. `name` is an identifier (optionally schema.name).
  [[nodiscard]] Result<std::string> pragma_text(std::string_view name);
  // Frames in the WAL written by this connection's commits and not yet copied into the database by
  // a checkpoint this connection ran (commits of other connections are not seen). 0 when not WAL.
  int wal_pending_frames() const;
  // PRAGMA wal_checkpoint(PASSIVE): copies the WAL frames no reader still needs into the database
  // and fsyncs it, without waiting on other connections. See checkpoint.hpp for when to call it.
  [[nodiscard]] Status checkpoint_passive();
  // Checkpoints the background thread (OpenOptions::checkpoint_in_background) has completed; 0 without it.
  int background_checkpoints() const;
  // `done(true)` once every commit of this connection so far is on disk: at once without
  // OpenOptions::group_commit (commits are durable when they return) or when nothing waits for the
  // disk, else on the group-commit thread after its next fdatasync of the WAL. `done(false)` when
  // the WAL could not be synced (permanent: see wal_syncer.hpp). Call on the connection's thread.
  void when_durable(std::function<void(bool durable)> done);
  // fdatasync calls the group-commit thread made; 0 without OpenOptions::group_commit.
  std::int64_t group_commit_syncs() const;

  const std::filesystem::path& path() const;
  sqlite3* handle();

 private:
  struct Impl;
  explicit Database(std::unique_ptr<Impl> impl);
  Status configure();
  Result<std::string> query_text(std::string_view sql);
  Result<Statement> prepare_with_flags(std::string_view sql, unsigned flags);

  std::unique_ptr<Impl> impl_;
};

template <class T, class... Args>
Result<std::optional<T>> Database::query_one(std::string_view sql, const Args&... args) {
  auto stmt = cached(sql);
  if (!stmt) return fail(stmt.error());
  if (auto bound = (*stmt)->bind_all(args...); !bound) return fail(bound.error());
  auto row = (*stmt)->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<T>();
  return std::optional<T>((*stmt)->template get<T>(0));
}

}  // namespace storeedge::sqlite
