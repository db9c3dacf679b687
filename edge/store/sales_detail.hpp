#pragma once
// Internals shared by sales.cpp and exchange.cpp: the sale half of a commit, written inside the
// caller's transaction. Not a public interface.
#include <optional>
#include <string>

#include "edge/store/sales.hpp"

namespace storeedge::store {

// What kind of order the sale is and what it continues.
struct SaleLink {
  std::string kind = "sale";                     // "exchange": the new items of an exchange
  std::optional<std::string> original_order_id;  // exchange: the return half, same transaction
  std::string audit_action = "sale.completed";
};

// The context names store, device (no '-'), cashier, issuer, and a pos or kiosk channel.
[[nodiscard]] Status check_sale_context(const SaleContext& ctx);

// Writes the order of `cart` (completed: state paid) with every row and journal a sale has. The
// caller holds an immediate transaction and commits it.
[[nodiscard]] Result<CompletedSale> write_sale(Replica& replica, const domain::Cart& cart,
                                               const SaleContext& ctx, std::int64_t now_ms,
                                               const SaleLink& link);

}  // namespace storeedge::store
