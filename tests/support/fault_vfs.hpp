#pragma once
// A SQLite VFS that forwards every call to the real default VFS (unix) and fails chosen calls on
// demand, in the spirit of LevelDB's ErrorEnv: the files, locks and WAL shared memory are real;
// only the faults are made up. Open a database with OpenOptions::vfs = fault_vfs->name().
//
// Knobs are thread-safe and take effect for every file opened through the VFS (database, WAL,
// journal). The FaultVfs must outlive every connection that uses it.
#include <cstdint>
#include <memory>
#include <string>

#include <sqlite3.h>

#include "platform/error.hpp"

namespace storeedge::test {

class FaultVfs {
 public:
  // Registers a VFS called `name` (not as the default). Fails if the name is taken.
  static Result<std::unique_ptr<FaultVfs>> create(std::string name);
  FaultVfs(const FaultVfs&) = delete;
  FaultVfs& operator=(const FaultVfs&) = delete;
  ~FaultVfs();  // unregisters the VFS

  const std::string& name() const;

  // Once `bytes` more bytes have been written, every write fails with `code` (not written at
  // all) until clear(). A write that would cross the limit fails whole.
  void fail_writes_after(std::int64_t bytes, int code = SQLITE_FULL);
  // The next `count` xSync calls fail with `code` without syncing.
  void fail_next_syncs(int count = 1, int code = SQLITE_IOERR_FSYNC);
  // Back to a healthy disk.
  void clear();

  std::int64_t bytes_written() const;  // through this VFS, since create()
  int syncs() const;                   // successful xSync calls
  int injected_faults() const;         // calls failed on purpose

  struct State;

 private:
  explicit FaultVfs(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace storeedge::test
