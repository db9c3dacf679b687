#pragma once
// What every VFS that wraps another needs: file objects that carry the wrapped VFS's file, and
// method tables that forward each call to it. A shim fills the tables with the forwarding methods and
// then replaces the few it changes (the WAL-batching VFS here, the fault-injecting one in tests).
//
// Layout contract: SQLite allocates `szOsFile` bytes per file; a shim's file struct starts with a
// ShimFile and the wrapped file lives right after the shim's struct (`open_wrapped`). The VFS's
// pAppData points at a struct whose first member is the wrapped `sqlite3_vfs*`.
#include <sqlite3.h>

#include <cstddef>

namespace storeedge::sqlite::vfs_shim {

struct ShimFile {
  sqlite3_file base;
  sqlite3_file* real;
};

inline sqlite3_file* real_of(sqlite3_file* f) {
  return reinterpret_cast<ShimFile*>(f)->real;
}
inline const sqlite3_io_methods* real_methods(sqlite3_file* f) {
  return real_of(f)->pMethods;
}
inline sqlite3_vfs* real_vfs(sqlite3_vfs* vfs) {
  return *static_cast<sqlite3_vfs**>(vfs->pAppData);
}

// The forwarding methods for a wrapped file of io_methods `version` (1 to 3).
sqlite3_io_methods forwarding_methods(int version);

// Opens the wrapped file behind `f` (a shim file of `own_size` bytes). On failure `f->pMethods` is
// null and the wrapped file is closed; on success the caller sets `f->pMethods` to a table of the
// wrapped file's version (`real_of(f)->pMethods->iVersion`).
int open_wrapped(sqlite3_vfs* vfs, std::size_t own_size, sqlite3_filename name, sqlite3_file* f, int flags,
                 int* out_flags);

// Fills `vfs` (version 3 where the wrapped one is, else 2) with forwarding methods, the given xOpen
// and `app_data` (see the layout contract), for files of `own_size` bytes of the shim's own.
void fill_forwarding_vfs(sqlite3_vfs& vfs, sqlite3_vfs* real, std::size_t own_size, const char* name,
                         void* app_data,
                         int (*x_open)(sqlite3_vfs*, sqlite3_filename, sqlite3_file*, int, int*));

}  // namespace storeedge::sqlite::vfs_shim
