#include "platform/sqlite/migrations.hpp"

#include <string>

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

}  // namespace

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
  }
  if (auto ok = db.exec("PRAGMA user_version = " + std::to_string(target)); !ok) return ok;
  if (auto ok = tx->commit(); !ok) return fail(ok.error().with_context("committing migrations"));
  return {};
}

}  // namespace storeedge::sqlite
