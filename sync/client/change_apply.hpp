#pragma once
// Applies one pulled change (docs/protocol.md, "Hub change payloads") to the replica. Runs inside
// the transaction the puller holds for the chunk, so a failure here rolls back the whole chunk and
// its cursors.
//
// Every payload applies idempotently by its key: snapshots (tax rates, products, prices,
// promotions, customers, allowances, orders, gift cards) are upserts; loyalty and gift card entries
// are inserted once by entry id; stock moves are inserted once by the hub's move id (hub_stock_move maps it
// to the local stock_move row, whose own id is ours).
//
// Not applied (counted as ignored): DELETE changes and unknown payload types (a newer hub), and
// in-store orders of other tills (store_orders with channel pos/kiosk): the replica's sales_order
// holds this node's sales and the store's online orders only.
#include <string>

#include "edge/store/catalog.hpp"
#include "edge/store/customers.hpp"
#include "platform/clock.hpp"
#include "platform/error.hpp"
#include "platform/sqlite/database.hpp"
#include "sync/proto/codec.hpp"

namespace storeedge::sync::client {

enum class ApplyOutcome { applied, ignored };

class ChangeApplier {
 public:
  ChangeApplier(sqlite::Database& db, const Clock& clock, std::string store_code);

  // Precondition: the caller holds a transaction on db. Errc::invalid_argument naming the change
  // for a payload that is not the documented shape; repository errors pass through with context.
  [[nodiscard]] Result<ApplyOutcome> apply(const proto::Change& change);

  // Removes what a re-sync will send again and must not count twice: pulled stock moves.
  // Caller holds the transaction. Snapshots stay and are overwritten as they arrive again.
  [[nodiscard]] Status forget_pulled_events();

 private:
  sqlite::Database& db_;
  std::string store_code_;
  store::CatalogRepository catalog_;
  store::CustomerRepository customers_;
};

}  // namespace storeedge::sync::client
