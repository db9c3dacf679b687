#pragma once
// Loyalty points on the replica: an append-only ledger (loyalty_entry) whose sum is the balance, and
// the offline allowance that caps what this node may redeem while it cannot ask the hub. Without the
// cap, one balance could be spent twice in two stores while one of them is offline.
#include <chrono>
#include <cstdint>
#include <string_view>

#include "edge/domain/money.hpp"
#include "edge/domain/tender.hpp"
#include "platform/error.hpp"
#include "platform/sqlite/database.hpp"

namespace storeedge::store {

// How a sale earns points. Data from the hub; the defaults are the demo chain's rules.
struct LoyaltyPolicy {
  std::int64_t points_per_euro = 1;  // per whole euro paid with tenders other than points
  domain::PointsRate rate{};         // what a point is worth when redeemed
};

// The points a member earns on a sale: points_per_euro for every whole euro of `paid_cents`.
std::int64_t points_earned(const LoyaltyPolicy& policy, domain::Cents paid_cents);

// SUM(points) of the customer's ledger as this replica knows it (0 for an unknown customer).
[[nodiscard]] Result<std::int64_t> loyalty_balance(sqlite::Database& db, std::string_view customer_id);

struct OfflineRedeemable {
  std::int64_t balance = 0;
  std::int64_t allowance = 0;            // offline_limit_points (0 without an allowance row)
  std::int64_t redeemed_not_at_hub = 0;  // by this node, not yet acknowledged by the hub
  std::int64_t redeemable = 0;           // max(0, min(balance, allowance - redeemed_not_at_hub))
};

// What this node may still redeem for the customer: min(balance, allowance - redemptions this node
// recorded that the hub has not acknowledged yet). No allowance row allows nothing; neither does one
// when both its grant and the node's last successful sync are older than `max_age` at `now_ms` (the
// node's view of the balance is too old to trust). An allowance does not expire while the node syncs.
[[nodiscard]] Result<OfflineRedeemable> offline_redeemable(
    sqlite::Database& db, std::string_view customer_id, std::int64_t now_ms,
    std::chrono::milliseconds max_age = std::chrono::hours{24 * 30});

}  // namespace storeedge::store
