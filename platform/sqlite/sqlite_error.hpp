#pragma once
// How SQLite result codes become storeedge Errors. The extended result code is kept in
// Error::code(); the message carries sqlite3_errmsg and, when known, the (shortened) SQL.
#include <string>
#include <string_view>

#include "platform/error.hpp"

namespace storeedge::sqlite {

// SQLITE_FULL -> disk_full; BUSY/LOCKED -> busy; CORRUPT/NOTADB -> corrupt;
// CONSTRAINT_UNIQUE/PRIMARYKEY -> already_exists; other CONSTRAINT -> conflict;
// IOERR* and CANTOPEN -> io; anything else -> database.
Errc errc_from_sqlite(int extended_code);

// An Error for `extended_code` with `message` (usually sqlite3_errmsg) and the SQL that failed.
Error sqlite_error(int extended_code, std::string_view message, std::string_view sql = {});

// SQL for messages: whitespace runs collapsed, cut to about 120 characters.
std::string shorten_sql(std::string_view sql);

}  // namespace storeedge::sqlite
