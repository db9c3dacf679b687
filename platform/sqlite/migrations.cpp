#include "platform/sqlite/migrations.hpp"

#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "platform/sqlite/transaction.hpp"

namespace storeedge::sqlite {
namespace {

Status check_numbering(std::span<const Migration> migrations) {
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    const int expected = static_cast<int>(i) + 1;
    if (migrations[i].version != expected) {
      return fail(Errc::invalid_argument, "migration '" + std::string(migrations[i].name) + "' has version " +
                                              std::to_string(migrations[i].version) + " at position " +
                                              std::to_string(expected) + "; versions must be 1..N in order");
    }
  }
  return {};
}

std::string label(const Migration& m) {
  return "migration " + std::to_string(m.version) + " (" + std::string(m.name) + ")";
}

// `CHECK (name IN (literal, literal, literal, ...))`, literals quoted text or integers, any spacing.
std::string expand_in_lists(const std::string& sql) {
  static const std::regex check(
      R"(CHECK\s*\(\s*(\w+)\s+IN\s*\(((?:\s*(?:'[^']*'|-?\d+)\s*,){2,}\s*(?:'[^']*'|-?\d+)\s*)\)\s*\))");
  static const std::regex literal(R"('[^']*'|-?\d+)");
  std::string out;
  auto last = sql.cbegin();
  for (std::sregex_iterator it(sql.begin(), sql.end(), check), end; it != end; ++it) {
    const std::smatch& m = *it;
    out.append(last, m[0].first);
    const std::string column = m[1].str();
    const std::string list = m[2].str();
    std::string expanded = "CHECK (";
    bool first = true;
    for (std::sregex_iterator v(list.begin(), list.end(), literal); v != end; ++v) {
      expanded += (first ? "" : " OR ") + column + " = " + v->str();
      first = false;
    }
    out += expanded + ")";
    last = m[0].second;
  }
  out.append(last, sql.cend());
  return out;
}

}  // namespace

Status expand_in_list_checks(Database& db) {
  std::vector<std::pair<std::string, std::string>> rewrites;  // table, new definition
  {
    auto stmt = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql IS NOT NULL");
    if (!stmt) return fail(stmt.error());
    while (true) {
      auto row = stmt->step();
      if (!row) return fail(row.error());
      if (!*row) break;
      const std::string sql = stmt->get<std::string>(1);
      std::string expanded = expand_in_lists(sql);
      if (expanded != sql) rewrites.emplace_back(stmt->get<std::string>(0), std::move(expanded));
    }
  }
  if (rewrites.empty()) return {};
  auto cookie = db.query_one<std::int64_t>("PRAGMA schema_version");
  if (!cookie || !*cookie) return fail(cookie ? Error(Errc::database, "no schema_version") : cookie.error());
  if (auto ok = db.exec("PRAGMA writable_schema = ON"); !ok) return ok;
  Status changed;
  for (const auto& [table, sql] : rewrites) {
    auto update = db.prepare("UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?");
    if (!update) {
      changed = fail(update.error());
      break;
    }
    if (auto s = update->bind_all(sql, table); !s) {
      changed = s;
      break;
    }
    if (auto s = update->run(); !s) {
      changed = s;
      break;
    }
  }
  // The new cookie makes every connection read the definitions again.
  if (changed) changed = db.exec("PRAGMA schema_version = " + std::to_string(**cookie + 1));
  if (auto off = db.exec("PRAGMA writable_schema = OFF"); changed && !off) changed = off;
  if (!changed) return fail(changed.error().with_context("rewriting CHECK constraints"));
  for (const auto& [table, sql] : rewrites) {
    if (auto read = db.exec("SELECT 1 FROM \"" + table + "\" LIMIT 0"); !read) {
      return fail(
          read.error().with_context("reading table " + table + " after rewriting its CHECK constraints"));
    }
  }
  return {};
}

Status migrate(Database& db, std::span<const Migration> migrations) {
  if (auto ok = check_numbering(migrations); !ok) return ok;
  const int target = static_cast<int>(migrations.size());

  // The write lock is taken before reading user_version, so two processes migrating at once
  // cannot both apply the same steps.
  auto tx = Transaction::begin(db, Transaction::Mode::immediate);
  if (!tx) return fail(tx.error().with_context("migrating " + db.path().string()));
  auto current = db.user_version();
  if (!current) return fail(current.error().with_context("migrating " + db.path().string()));
  if (*current < 0) {
    return fail(Errc::corrupt, "database schema version " + std::to_string(*current) + " is negative");
  }
  if (*current > target) {
    return fail(Errc::unsupported, "database schema version " + std::to_string(*current) +
                                       " is newer than this build supports (" + std::to_string(target) +
                                       "); upgrade storeedge");
  }
  if (*current == target) return tx->commit();

  for (const Migration& m : migrations.subspan(static_cast<std::size_t>(*current))) {
    if (auto ok = db.exec(m.sql); !ok) return fail(ok.error().with_context("applying " + label(m)));
    if (m.code != nullptr) {
      if (auto ok = m.code(db); !ok) return fail(ok.error().with_context("applying " + label(m)));
    }
  }
  if (auto ok = db.exec("PRAGMA user_version = " + std::to_string(target)); !ok) return ok;
  if (auto ok = tx->commit(); !ok) return fail(ok.error().with_context("committing migrations"));
  return {};
}

}  // namespace storeedge::sqlite
