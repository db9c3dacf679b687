#pragma once
// Internal to the SQLite hub backend: one-line statement helpers.
#include <functional>
#include <string_view>

#include "platform/error.hpp"
#include "platform/sqlite/database.hpp"

namespace storeedge::sync::hub::sql {

// Runs one statement with its parameters, discarding rows; `what` names it in errors. Text
// parameters are borrowed (Statement::bind_all_borrowed): the arguments outlive the statement's use.
template <class... Args>
[[nodiscard]] Status run(sqlite::Database& db, std::string_view sql, std::string_view what,
                         const Args&... args) {
  auto stmt = db.cached(sql);
  if (!stmt) return fail(stmt.error().with_context(what));
  if (auto s = (*stmt)->bind_all_borrowed(args...); !s) return fail(s.error().with_context(what));
  if (auto s = (*stmt)->run(); !s) return fail(s.error().with_context(what));
  return {};
}

// Calls `row` for every row; stops at the first error it returns. The statement comes from the
// connection's cache (a push runs the same few statements for every mutation; preparing them each
// time cost more than running them); a nested use of the same SQL gets a fresh statement. Text
// parameters are copied: `row` may change what an argument refers to.
template <class... Args>
[[nodiscard]] Status each(sqlite::Database& db, std::string_view sql, std::string_view what,
                          const std::function<Status(const sqlite::Statement&)>& row, const Args&... args) {
  auto stmt = db.cached(sql);
  if (!stmt) return fail(stmt.error().with_context(what));
  if (auto s = (*stmt)->bind_all(args...); !s) return fail(s.error().with_context(what));
  while (true) {
    auto more = (*stmt)->step();
    if (!more) return fail(more.error().with_context(what));
    if (!*more) return {};
    if (auto s = row(**stmt); !s) return s;
  }
}

}  // namespace storeedge::sync::hub::sql
