#pragma once
// An exclusive lock on a data directory (LevelDB's LOCK file): two daemons on one replica would
// both hand out receipt numbers from the same series. The lock is an flock(2) on DIR/LOCK, so it is
// released by the kernel when the process dies, however it dies; the file holds the owner's pid for
// the error message.
#include <filesystem>

#include <sys/types.h>

#include "platform/error.hpp"

namespace storeedge {

class DirLock {
 public:
  // Errc::busy naming the directory and the holder's pid when another process holds it.
  static Result<DirLock> acquire(const std::filesystem::path& dir);

  DirLock(DirLock&& other) noexcept;
  DirLock& operator=(DirLock&& other) noexcept;
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;
  ~DirLock();

 private:
  explicit DirLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace storeedge
