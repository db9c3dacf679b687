#pragma once
// Schema migrations tracked by PRAGMA user_version.
#include <span>
#include <string_view>

#include "platform/error.hpp"
#include "platform/sqlite/database.hpp"

namespace storeedge::sqlite {

struct Migration {
  int version;            // 1..N, in order, no gaps
  std::string_view name;  // for messages: "add_receipt_series"
  std::string_view sql;   // one or more statements; must not BEGIN/COMMIT itself
};

// Brings the schema to version N = migrations.size(). All pending migrations and the new
// user_version are applied in ONE immediate transaction: if any fails, nothing changes and the
// error names the migration. A database newer than N is refused with Errc::unsupported; a
// list that is not numbered 1..N is Errc::invalid_argument.
[[nodiscard]] Status migrate(Database& db, std::span<const Migration> migrations);

}  // namespace storeedge::sqlite
