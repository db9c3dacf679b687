#include "platform/sqlite/database.hpp"
#include "platform/sqlite/wal_batch_vfs.hpp"

#include <algorithm>
#include <cctype>
#include <climits>
#include <mutex>
#include <vector>

#include "platform/sqlite/database_impl.hpp"
#include "platform/sqlite/detail.hpp"

namespace storeedge::sqlite {
namespace {

// Enough for the hot statements of a daemon; beyond that, idle entries are dropped.
constexpr std::size_t kMaxCachedStatements = 256;

bool is_pragma_name(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.';
  });
}

// Process-wide settings, made once before SQLite initializes (sqlite3_config refuses them later; a
// test that registered its VFS first keeps SQLite's defaults, which only costs speed).
// - No memory statistics: with them every sqlite3_malloc and sqlite3_free takes a global mutex
//   (storehub during a drain: 5 % of its CPU locking and unlocking it). Nothing here reads them.
//   SQLite lists SQLITE_DEFAULT_MEMSTATUS=0 among its recommended options.
void configure_library_once() {
  static std::once_flag once;
  std::call_once(once, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

// Replaces SQLite's default WAL hook (which is what wal_autocheckpoint configures) so that the
// connection knows how much of the WAL is waiting for a checkpoint, and its group-commit syncer that a
// commit is waiting for the disk. Runs after every commit of this connection, once its frames are in
// the WAL (and on disk unless group_commit); a failed checkpoint here does not fail that commit (as
// in SQLite's own hook), the next one or checkpoint_if_needed() tries again.
int Database::Impl::on_wal_commit(void* context, sqlite3* db, const char* schema, int frames) {
  auto* impl = static_cast<Impl*>(context);
  if (impl->syncer) impl->syncer->note_commit();
  if (frames < impl->wal_frames) impl->wal_backfilled = 0;  // the WAL was restarted
  impl->wal_frames = frames;
  const int limit = impl->options.wal_autocheckpoint_pages;
  if (impl->checkpointer) {
    if (frames < impl->wal_frames_at_request) impl->wal_frames_at_request = 0;
    if (limit > 0 && frames - impl->wal_frames_at_request >= limit) {
      impl->wal_frames_at_request = frames;
      impl->checkpointer->request();
    }
    return SQLITE_OK;
  }
  if (limit > 0 && frames - impl->wal_backfilled >= limit) {
    int log = -1, done = -1;
    if (sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, &log, &done) == SQLITE_OK) {
      impl->note_checkpoint(log, done);
    }
  }
  return SQLITE_OK;
}

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::Database(Database&& other) noexcept = default;
Database& Database::operator=(Database&& other) noexcept = default;
Database::~Database() = default;

Result<Database> Database::open(const std::filesystem::path& path, const OpenOptions& options) {
  configure_library_once();
  const std::string where = "opening database " + path.string();
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->options = options;

  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  flags |= options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (!options.read_only && options.create) flags |= SQLITE_OPEN_CREATE;
  const char* vfs = options.vfs.empty() ? nullptr : options.vfs.c_str();
  if (vfs == nullptr && options.batch_wal_writes) vfs = wal_batch_vfs_name();
  const int rc = sqlite3_open_v2(path.c_str(), &impl->db, flags, vfs);
  if (rc != SQLITE_OK) return fail(detail::connection_error(impl->db, rc, {}).with_context(where));

  sqlite3_extended_result_codes(impl->db, 1);
  const auto timeout = std::clamp<std::chrono::milliseconds::rep>(options.busy_timeout.count(), 0, INT_MAX);
  sqlite3_busy_timeout(impl->db, static_cast<int>(timeout));

  if (!options.read_only) sqlite3_wal_hook(impl->db, Impl::on_wal_commit, impl.get());

  Database db(std::move(impl));
  if (auto configured = db.configure(); !configured) return fail(configured.error().with_context(where));
  if (options.checkpoint_in_background && !options.read_only) {
    auto checkpointer = BackgroundCheckpointer::start(path, vfs, options.durable);
    if (!checkpointer) return fail(checkpointer.error().with_context(where));
    db.impl_->checkpointer = std::move(*checkpointer);
  }
  if (options.group_commit && options.durable && !options.read_only) {
    auto syncer = WalSyncer::start(path.string() + "-wal");
    if (!syncer) return fail(syncer.error().with_context(where));
    db.impl_->syncer = std::move(*syncer);
  }
  return db;
}

// Applies the connection settings and reads each one back, so a silently ignored pragma
// (in-memory database, a VFS without shared memory, a read-only medium) is caught at start.
Status Database::configure() {
  if (const int size = impl_->options.page_size; size != 0 && !impl_->options.read_only) {
    if (size < 512 || size > 65536 || (size & (size - 1)) != 0)
      return fail(Errc::invalid_argument,
                  "page size must be a power of two in 512..65536, got " + std::to_string(size));
    // Before journal_mode: a new database takes its page size at its first write.
    if (auto ok = exec("PRAGMA page_size=" + std::to_string(size)); !ok) return ok;
  }
  if (!impl_->options.read_only) {
    auto mode = query_text("PRAGMA journal_mode=WAL");
    if (!mode) return fail(mode.error());
    auto readback = query_text("PRAGMA journal_mode");
    if (!readback) return fail(readback.error());
    if (*mode != "wal" || *readback != "wal") {
      return fail(Errc::database, "journal_mode=WAL did not take effect (journal_mode is " + *readback + ")");
    }
  }
  // With group commit the WAL syncer, not each commit, makes commits durable.
  const bool durable = impl_->options.durable && !impl_->options.group_commit;
  if (auto ok = exec(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"); !ok) return ok;
  auto sync = query_text("PRAGMA synchronous");
  if (!sync) return fail(sync.error());
  const std::string_view expected = durable ? "2" : "1";
  if (*sync != expected) {
    return fail(Errc::database, std::string("synchronous=") + (durable ? "FULL" : "NORMAL") +
                                    " did not take effect (synchronous is " + *sync + ")");
  }
  if (impl_->options.journals_in_memory) {
    if (auto ok = exec("PRAGMA temp_store=MEMORY"); !ok) return ok;
  }
  if (auto ok = exec("PRAGMA foreign_keys=ON"); !ok) return ok;
  auto fk = query_text("PRAGMA foreign_keys");
  if (!fk) return fail(fk.error());
  if (*fk != "1") return fail(Errc::database, "foreign_keys=ON did not take effect");
  return {};
}

Status Database::exec(std::string_view sql) {
  const std::string text(sql);  // sqlite3_exec needs a terminated string
  const int rc = sqlite3_exec(impl_->db, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return fail(detail::connection_error(impl_->db, rc, sql));
  return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
  return prepare_with_flags(sql, 0);
}

Result<Statement> Database::prepare_with_flags(std::string_view sql, unsigned flags) {
  if (sql.size() > static_cast<std::size_t>(INT_MAX))
    return fail(Errc::invalid_argument, "SQL text too long");
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(impl_->db, sql.data(), static_cast<int>(sql.size()), flags, &raw, &tail);
  if (rc != SQLITE_OK) return fail(detail::connection_error(impl_->db, rc, sql));
  Statement stmt(raw);
  if (raw == nullptr) return fail(Errc::invalid_argument, "no SQL statement in: " + shorten_sql(sql));
  const std::string_view rest = sql.substr(static_cast<std::size_t>(tail - sql.data()));
  const bool only_space = std::all_of(rest.begin(), rest.end(), [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0 || c == ';';
  });
  if (!only_space) {
    return fail(Errc::invalid_argument,
                "prepare takes one statement; found more after it in: " + shorten_sql(sql));
  }
  return stmt;
}

Result<CachedStatement> Database::cached(std::string_view sql) {
  auto& cache = impl_->cache;
  if (auto it = cache.find(sql); it != cache.end()) {
    Impl::CacheEntry& entry = *it->second;
    if (!entry.in_use) {
      entry.in_use = true;
      return CachedStatement(&entry.stmt, &entry.in_use);
    }
    auto fresh = prepare(sql);
    if (!fresh) return fail(fresh.error());
    return CachedStatement(std::make_unique<Statement>(std::move(*fresh)));
  }
  auto stmt = prepare_with_flags(sql, SQLITE_PREPARE_PERSISTENT);
  if (!stmt) return fail(stmt.error());
  if (cache.size() >= kMaxCachedStatements) {
    std::erase_if(cache, [](const auto& item) { return !item.second->in_use; });
  }
  auto entry = std::make_unique<Impl::CacheEntry>(Impl::CacheEntry{std::move(*stmt), true});
  Impl::CacheEntry* raw = entry.get();
  cache.emplace(std::string(sql), std::move(entry));
  return CachedStatement(&raw->stmt, &raw->in_use);
}

std::int64_t Database::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(impl_->db);
}
int Database::changes() const {
  return sqlite3_changes(impl_->db);
}
bool Database::in_transaction() const {
  return sqlite3_get_autocommit(impl_->db) == 0;
}

Result<std::string> Database::query_text(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt) return fail(stmt.error());
  auto row = stmt->step();
  if (!row) return fail(row.error());
  if (!*row) return fail(Errc::not_found, "no row from: " + shorten_sql(sql));
  return stmt->column_text(0);
}

Result<std::string> Database::pragma_text(std::string_view name) {
  if (!is_pragma_name(name)) {
    return fail(Errc::invalid_argument, "not a pragma name: '" + std::string(name) + "'");
  }
  return query_text("PRAGMA " + std::string(name));
}

Result<int> Database::user_version() {
  auto stmt = prepare("PRAGMA user_version");
  if (!stmt) return fail(stmt.error());
  auto row = stmt->step();
  if (!row) return fail(row.error());
  return stmt->column_int(0);
}

Status Database::integrity_check() {
  constexpr int kMaxProblems = 10;
  auto stmt = prepare("PRAGMA integrity_check(" + std::to_string(kMaxProblems) + ")");
  if (!stmt) return fail(stmt.error());
  std::vector<std::string> problems;
  while (true) {
    auto row = stmt->step();
    if (!row) return fail(row.error().with_context("checking integrity of " + impl_->path.string()));
    if (!*row) break;
    problems.push_back(stmt->column_text(0));
  }
  if (problems.size() == 1 && problems.front() == "ok") return {};
  std::string message = "integrity check of " + impl_->path.string() + " failed:";
  for (const auto& problem : problems) message += " " + problem + ";";
  return fail(Errc::corrupt, std::move(message));
}

Status Database::checkpoint_passive() {
  int log = -1, done = -1;
  const int rc = sqlite3_wal_checkpoint_v2(impl_->db, "main", SQLITE_CHECKPOINT_PASSIVE, &log, &done);
  if (rc != SQLITE_OK) {
    return fail(detail::connection_error(impl_->db, rc, "PRAGMA wal_checkpoint(PASSIVE)")
                    .with_context("checkpointing " + impl_->path.string()));
  }
  impl_->note_checkpoint(log, done);
  return {};
}

int Database::background_checkpoints() const {
  return impl_->checkpointer ? impl_->checkpointer->completed() : 0;
}

void Database::when_durable(std::function<void(bool durable)> done) {
  if (!impl_->syncer) return done(true);
  impl_->syncer->when_durable(std::move(done));
}

std::int64_t Database::group_commit_syncs() const {
  return impl_->syncer ? impl_->syncer->syncs() : 0;
}

int Database::wal_pending_frames() const {
  return std::max(0, impl_->wal_frames - impl_->wal_backfilled);
}

const std::filesystem::path& Database::path() const {
  return impl_->path;
}
sqlite3* Database::handle() {
  return impl_->db;
}

}  // namespace storeedge::sqlite
