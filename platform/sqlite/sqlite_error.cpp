#include "platform/sqlite/sqlite_error.hpp"

#include <cctype>

#include <sqlite3.h>

#include "platform/sqlite/detail.hpp"

namespace storeedge::sqlite {

Errc errc_from_sqlite(int extended_code) {
  switch (extended_code & 0xff) {
    case SQLITE_FULL: return Errc::disk_full;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Errc::busy;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Errc::corrupt;
    case SQLITE_CONSTRAINT:
      if (extended_code == SQLITE_CONSTRAINT_UNIQUE || extended_code == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Errc::already_exists;
      }
      return Errc::conflict;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN: return Errc::io;
    default: return Errc::database;
  }
}

std::string shorten_sql(std::string_view sql) {
  constexpr std::size_t kMax = 120;
  std::string out;
  bool in_space = false;
  for (char c : sql) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      in_space = !out.empty();
      continue;
    }
    if (in_space) out.push_back(' ');
    in_space = false;
    if (out.size() >= kMax) {
      out += "...";
      break;
    }
    out.push_back(c);
  }
  return out;
}

Error sqlite_error(int extended_code, std::string_view message, std::string_view sql) {
  std::string text(message);
  text += " (sqlite " + std::to_string(extended_code) + ")";
  if (!sql.empty()) text += " in: " + shorten_sql(sql);
  return Error(errc_from_sqlite(extended_code), std::move(text), extended_code);
}

namespace detail {

Error connection_error(sqlite3* db, int rc, std::string_view sql) {
  int code = rc;
  if (db != nullptr) {
    // Prefer the extended code when it refines the primary code we were handed.
    const int extended = sqlite3_extended_errcode(db);
    if (rc <= 0xff && (extended & 0xff) == rc) code = extended;
  }
  const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return sqlite_error(code, message, sql);
}

}  // namespace detail
}  // namespace storeedge::sqlite
