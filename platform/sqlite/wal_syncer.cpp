#include "platform/sqlite/wal_syncer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

#include "platform/log.hpp"

namespace storeedge::sqlite {

Result<std::unique_ptr<WalSyncer>> WalSyncer::start(std::filesystem::path wal_path, SyncFile sync_file) {
  if (!sync_file) sync_file = [](int fd) { return ::fdatasync(fd) == 0 ? 0 : errno; };
  std::unique_ptr<WalSyncer> self(new WalSyncer(std::move(wal_path), std::move(sync_file)));
  try {
    self->thread_ = std::thread([raw = self.get()] { raw->run(); });
  } catch (const std::system_error& e) {
    return fail(Errc::internal, std::string("cannot start the WAL sync thread: ") + e.what());
  }
  return self;
}

WalSyncer::WalSyncer(std::filesystem::path wal_path, SyncFile sync_file)
    : wal_path_(std::move(wal_path)), sync_file_(std::move(sync_file)) {}

WalSyncer::~WalSyncer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) ::close(fd_);
}

void WalSyncer::note_commit() {
  std::lock_guard lock(mutex_);
  ++committed_;
}

void WalSyncer::when_durable(Callback done) {
  std::unique_lock lock(mutex_);
  if (failed_ || committed_ <= synced_) {
    const bool durable = !failed_;
    lock.unlock();
    done(durable);
    return;
  }
  waiting_.emplace_back(committed_, std::move(done));
  lock.unlock();
  wake_.notify_one();
}

std::int64_t WalSyncer::syncs() const {
  std::lock_guard lock(mutex_);
  return syncs_;
}

std::uint64_t WalSyncer::commits() const {
  std::lock_guard lock(mutex_);
  return committed_;
}

bool WalSyncer::failed() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

int WalSyncer::sync_now() {
  // SQLite keeps its WAL file while a connection is open; should it ever have been replaced (the
  // path names another file than the one held), the file now at the path is the one to sync.
  struct stat at_path {};
  if (::stat(wal_path_.c_str(), &at_path) != 0) return errno;
  struct stat held {};
  if (fd_ >= 0 &&
      (::fstat(fd_, &held) != 0 || held.st_ino != at_path.st_ino || held.st_dev != at_path.st_dev)) {
    ::close(fd_);
    fd_ = -1;
  }
  if (fd_ < 0) {
    fd_ = ::open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return errno;
  }
  return sync_file_(fd_);
}

void WalSyncer::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return !waiting_.empty() || stopping_; });
    if (waiting_.empty() && committed_ <= synced_) return;  // stopping, nothing left
    // Everything committed up to now goes in this sync, including commits nobody waits for yet.
    const std::uint64_t target = committed_;
    int err = 0;
    if (!failed_) {
      lock.unlock();
      err = sync_now();
      lock.lock();
      ++syncs_;
      if (err == 0) {
        synced_ = std::max(synced_, target);
      } else {
        failed_ = true;
        log::error("wal_sync_failed", {{"wal", wal_path_.string()}, {"reason", std::strerror(err)}});
      }
    }
    std::vector<Callback> ready;
    while (!waiting_.empty() && (failed_ || waiting_.front().first <= synced_)) {
      ready.push_back(std::move(waiting_.front().second));
      waiting_.pop_front();
    }
    const bool durable = !failed_;
    lock.unlock();
    for (auto& done : ready) done(durable);
    lock.lock();
    if (stopping_ && waiting_.empty() && (failed_ || committed_ <= synced_)) return;
  }
}

}  // namespace storeedge::sqlite
