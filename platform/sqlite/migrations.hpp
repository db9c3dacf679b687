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
  // Run after `sql` when set, inside the same transaction (for steps SQL text cannot say).
  Status (*code)(Database& db) = nullptr;
};

// Brings the schema to version N = migrations.size(). All pending migrations and the new
// user_version are applied in ONE immediate transaction: if any fails, nothing changes and the
// error names the migration. A database newer than N is refused with Errc::unsupported; a
// list that is not numbered 1..N is Errc::invalid_argument.
[[nodiscard]] Status migrate(Database& db, std::span<const Migration> migrations);

// Rewrites every `CHECK (column IN (v1, v2, v3, ...))` of three or more literals in the tables'
// definitions as `CHECK (column = v1 OR column = v2 OR ...)`, the same constraint. SQLite checks an
// IN list of three or more constants through a temporary b-tree that it builds, fills and drops for
// every row a statement writes (a CHECK cannot share the one-time build other expressions get), so
// each inserted row paid for two zeroed pages and a few b-tree inserts; the comparisons cost a few
// instructions. The stored rows do not change: this is SQLite's documented procedure for changing a
// constraint in place (lang_altertable.html, "writable_schema"), so it is instant on any size of
// table. Call inside a transaction (a migration); every rewritten table is read back, and a
// definition SQLite cannot parse is an error that leaves the transaction to roll back.
[[nodiscard]] Status expand_in_list_checks(Database& db);

}  // namespace storeedge::sqlite
