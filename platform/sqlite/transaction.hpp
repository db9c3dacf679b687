#pragma once
// RAII transactions: BEGIN on creation, ROLLBACK on scope exit unless commit() succeeded.
//
//   auto tx = Transaction::begin(db);
//   if (!tx) return fail(tx.error());
//   ... writes ...
//   return tx->commit();
//
// A Transaction must not outlive its Database. Transactions do not nest (use one per connection).
#include "platform/error.hpp"
#include "platform/sqlite/database.hpp"

namespace storeedge::sqlite {

class Transaction {
 public:
  // deferred: locks on first use; immediate: takes the write lock now, so a busy database fails
  // at begin rather than midway; exclusive: as immediate (WAL readers are never blocked).
  enum class Mode { deferred, immediate, exclusive };

  [[nodiscard]] static Result<Transaction> begin(Database& db, Mode mode = Mode::immediate);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  // Commits. If COMMIT fails (disk full, I/O error) the transaction is rolled back, so nothing
  // of it is visible, and the error is returned. Either way the transaction is finished.
  [[nodiscard]] Status commit();
  // Rolls back now; finishing an already finished transaction is Errc::conflict.
  [[nodiscard]] Status rollback();
  bool active() const { return db_ != nullptr; }

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace storeedge::sqlite
