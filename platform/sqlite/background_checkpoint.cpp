#include "platform/sqlite/background_checkpoint.hpp"

#include <string>

#include "platform/sqlite/wal_batch_vfs.hpp"

namespace storeedge::sqlite {

Result<std::unique_ptr<BackgroundCheckpointer>> BackgroundCheckpointer::start(
    const std::filesystem::path& path, const char* vfs, bool durable) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, vfs);
  const auto failed = [&](std::string what) {
    std::string message = what + " for checkpoints of " + path.string() + ": " +
                          (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    return fail(Errc::database, std::move(message));
  };
  if (rc != SQLITE_OK) return failed("cannot open a second connection");
  if (sqlite3_exec(db, durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL", nullptr, nullptr,
                   nullptr) != SQLITE_OK) {
    return failed("cannot set synchronous");
  }
  std::unique_ptr<BackgroundCheckpointer> self(new BackgroundCheckpointer(db));
  self->thread_ = std::thread([raw = self.get()] { raw->run(); });
  return self;
}

BackgroundCheckpointer::BackgroundCheckpointer(sqlite3* db) : db_(db) {}

BackgroundCheckpointer::~BackgroundCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  sqlite3_close_v2(db_);
}

void BackgroundCheckpointer::request() {
  {
    std::lock_guard lock(mutex_);
    requested_ = true;
  }
  wake_.notify_one();
}

int BackgroundCheckpointer::completed() const {
  std::lock_guard lock(mutex_);
  return completed_;
}

void BackgroundCheckpointer::run() {
  gather_checkpoints_on_this_thread(true);  // wal_batch_vfs.hpp: fewer system calls per copied page
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return requested_ || stopping_; });
    if (stopping_) return;
    requested_ = false;
    lock.unlock();
    int log = -1, done = -1;
    const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    lock.lock();
    if (rc == SQLITE_OK) ++completed_;
  }
}

}  // namespace storeedge::sqlite
