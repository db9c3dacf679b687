#pragma once
// Small helpers for the SQLite wrapper tests. They throw on setup failures, which GoogleTest
// reports as a failed test with the error text.
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include "platform/sqlite/database.hpp"

namespace storeedge::sqlite::testutil {

inline Database open_db(const std::filesystem::path& path, const OpenOptions& options = {}) {
  auto db = Database::open(path, options);
  if (!db) throw std::runtime_error("open failed: " + db.error().what());
  return std::move(*db);
}

inline void exec_or_throw(Database& db, std::string_view sql) {
  if (auto ok = db.exec(sql); !ok) throw std::runtime_error("exec failed: " + ok.error().what());
}

inline std::int64_t count_rows(Database& db, std::string_view table) {
  auto n = db.query_one<std::int64_t>("SELECT count(*) FROM " + std::string(table));
  if (!n || !*n) throw std::runtime_error("count failed on " + std::string(table));
  return **n;
}

}  // namespace storeedge::sqlite::testutil
