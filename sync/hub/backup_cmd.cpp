#include "sync/hub/backup_cmd.hpp"

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include "platform/atomic_file.hpp"
#include "platform/dir_lock.hpp"
#include "platform/sqlite/database.hpp"

namespace storeedge::sync::hub {
namespace {

Status check_hub_database(sqlite::Database& db) {
  if (auto s = db.integrity_check(); !s) return s;
  auto epoch = db.query_one<std::string>(
      "SELECT epoch FROM hub_identity WHERE singleton = 1 AND EXISTS "
      "(SELECT 1 FROM sqlite_schema WHERE name = 'hub_identity')");
  if (!epoch || !*epoch) return fail(Errc::invalid_argument, "it is not a storehub database (no hub epoch)");
  return {};
}

// Folds hub.db's WAL into the file and lets the last connection remove it, so that no WAL of the
// old database is left beside the restored one.
Status fold_wal(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return {};
  sqlite::OpenOptions options;
  options.create = false;
  auto db = sqlite::Database::open(path, options);
  if (!db) return fail(db.error());
  return db->exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

}  // namespace

Status backup_hub(const HubConfig& config, const std::filesystem::path& to) {
  const auto path = config.database_path();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return fail(Errc::not_found, "no hub database at " + path.string());
  sqlite::OpenOptions options;
  options.create = false;
  auto db = sqlite::Database::open(path, options);
  if (!db) return fail(db.error().with_context("opening " + path.string()));
  return db->backup_to(to);
}

Result<std::string> restore_hub(const HubConfig& config, const std::filesystem::path& from,
                                const Clock& clock) {
  const std::string where = "restoring " + from.string();
  std::error_code ec;
  if (!std::filesystem::exists(from, ec)) return fail(Errc::not_found, where + ": no such file");
  std::filesystem::create_directories(config.data_dir, ec);
  auto lock = DirLock::acquire(config.data_dir);
  if (!lock) return fail(lock.error().with_context(where + ": stop storehub first"));

  const auto target = config.database_path();
  auto staged = target;
  staged += ".restoring";
  std::filesystem::remove(staged, ec);  // left over from an interrupted restore
  const std::string epoch = boost::uuids::to_string(boost::uuids::random_generator()());
  Status prepared = [&]() -> Status {
    // The backup file itself is never opened for writing: it is copied, and the copy is checked.
    std::filesystem::copy_file(from, staged, ec);
    if (ec) return fail(errno_error("copying into " + config.data_dir.string(), ec.value()));
    sqlite::OpenOptions write;
    write.create = false;
    auto copy = sqlite::Database::open(staged, write);
    if (!copy) return fail(copy.error());
    if (auto s = check_hub_database(*copy); !s) return s;
    auto now = unix_millis(clock.now());
    auto stmt = copy->prepare("UPDATE hub_identity SET epoch = ?, created_at_ms = ? WHERE singleton = 1");
    if (!stmt) return fail(stmt.error());
    if (auto s = stmt->bind_all(epoch, now); !s) return s;
    if (auto s = stmt->run(); !s) return s;
    return copy->exec("PRAGMA wal_checkpoint(TRUNCATE)");  // and fsyncs the whole copy
  }();
  if (!prepared) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(staged.string() + suffix, ec);
    return fail(prepared.error().with_context(where));
  }
  if (auto s = fold_wal(target); !s)
    return fail(s.error().with_context(where + ": reading the current hub.db"));
  auto previous = target;
  previous += ".pre-restore";
  if (std::filesystem::exists(target, ec)) {
    std::filesystem::remove(previous, ec);
    std::filesystem::create_hard_link(target, previous, ec);
    if (ec)
      return fail(errno_error(where + ": keeping the current hub.db as " + previous.string(), ec.value()));
  }
  std::filesystem::rename(staged, target, ec);
  if (ec) return fail(errno_error(where + ": renaming into place", ec.value()));
  for (const char* suffix : {"-wal", "-shm"}) {
    auto side = target;
    side += suffix;
    std::filesystem::remove(side, ec);
  }
  if (auto s = fsync_directory(config.data_dir); !s) return fail(s.error().with_context(where));
  return epoch;
}

}  // namespace storeedge::sync::hub
