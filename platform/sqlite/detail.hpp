#pragma once
// Internal to platform/sqlite: helpers that need <sqlite3.h>. Not for use outside this folder.
#include <string_view>

#include <sqlite3.h>

#include "platform/error.hpp"
#include "platform/sqlite/sqlite_error.hpp"

namespace storeedge::sqlite::detail {

// The Error for result code `rc` just returned by a call on `db`, with db's error message.
Error connection_error(sqlite3* db, int rc, std::string_view sql);

}  // namespace storeedge::sqlite::detail
