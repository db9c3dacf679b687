#include "edge/store/loyalty.hpp"

#include <algorithm>
#include <string>

#include "edge/store/journal.hpp"

namespace storeedge::store {

std::int64_t points_earned(const LoyaltyPolicy& policy, domain::Cents paid_cents) {
  if (paid_cents <= 0 || policy.points_per_euro <= 0) return 0;
  return (paid_cents / 100) * policy.points_per_euro;
}

Result<std::int64_t> loyalty_balance(sqlite::Database& db, std::string_view customer_id) {
  auto sum = db.query_one<std::int64_t>(
      "SELECT COALESCE(SUM(points), 0) FROM loyalty_entry WHERE customer_id = ?", customer_id);
  if (!sum) return fail(sum.error().with_context("reading loyalty balance of " + std::string(customer_id)));
  return sum->value_or(0);
}

Result<OfflineRedeemable> offline_redeemable(sqlite::Database& db, std::string_view customer_id,
                                             std::int64_t now_ms, std::chrono::milliseconds max_age) {
  const std::string ctx = "offline loyalty allowance of " + std::string(customer_id);
  OfflineRedeemable out;
  auto balance = loyalty_balance(db, customer_id);
  if (!balance) return fail(balance.error());
  out.balance = *balance;

  auto allowance =
      db.cached("SELECT offline_limit_points, granted_at_ms FROM loyalty_allowance WHERE customer_id = ?");
  if (!allowance) return fail(allowance.error());
  if (auto s = (*allowance)->bind_all(customer_id); !s) return fail(s.error());
  auto row = (*allowance)->step();
  if (!row) return fail(row.error().with_context(ctx));
  if (!*row) return out;
  const std::int64_t limit = (*allowance)->column_int64(0);
  const std::int64_t granted_at = (*allowance)->column_int64(1);
  (*allowance)->reset();
  auto current_since = hub_view_since(db, granted_at);
  if (!current_since) return fail(current_since.error().with_context(ctx));
  if (now_ms - *current_since > max_age.count()) return out;
  out.allowance = limit;

  // Redemptions are negative 'redeem' entries, written inside their order; counted while the hub has
  // not acknowledged them (the order still waits in the outbox). A later refund of redeemed points does
  // not give allowance back (the hub settles that when the node is online again).
  auto used = db.query_one<std::int64_t>(
      "SELECT COALESCE(-SUM(points), 0) FROM loyalty_entry WHERE customer_id = ? AND kind = 'redeem' "
      "AND node_id = (SELECT node_id FROM node_identity WHERE singleton = 1) AND order_id IN (SELECT "
      "entity_id FROM outbox WHERE acked_at_ms IS NULL)",
      customer_id);
  if (!used) return fail(used.error().with_context(ctx));
  out.redeemed_not_at_hub = used->value_or(0);
  out.redeemable = std::max<std::int64_t>(0, std::min(out.balance, out.allowance - out.redeemed_not_at_hub));
  return out;
}

}  // namespace storeedge::store
