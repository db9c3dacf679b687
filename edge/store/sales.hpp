#pragma once
// The commit of an offline sale: the sale that is never lost. complete_sale turns a fully paid cart
// into one SQLite transaction holding the order, its lines and tenders, the stock moves, the loyalty
// entries, the chained fiscal record, an audit entry and the outbox mutation for the hub. The caller
// gets a CompletedSale only after COMMIT returned; on any failure nothing is written, the receipt
// counter is unchanged, the cart stays as it was (tendering), and the error says what failed.
#include <optional>
#include <string>
#include <string_view>

#include "edge/domain/cart.hpp"
#include "edge/domain/fiscal/fiscal_recorder.hpp"
#include "edge/store/loyalty.hpp"
#include "edge/store/order_kinds.hpp"
#include "edge/store/receipt.hpp"
#include "edge/store/replica.hpp"
#include "platform/clock.hpp"
#include "platform/error.hpp"

namespace storeedge::store {

// Who sells, where, and under which rules. The recorder is borrowed for the call.
struct SaleContext {
  std::string store_code;               // "0001"; no '-'
  std::string device_code;              // "01"; no '-'
  Channel channel = Channel::pos;       // pos or kiosk: web and app orders are not sold here
  std::string cashier_id;               // "kiosk" for self-checkout
  std::optional<std::string> shift_id;  // must name a shift row when set
  std::string issuer_tax_id;            // the store's NIF
  domain::fiscal::FiscalRecorder& recorder;
  LoyaltyPolicy loyalty{};
};

struct CompletedSale {
  std::string order_id;        // UUID v7 minted here (time-ordered)
  std::string receipt_number;  // "0001-01-00000042"
  Receipt receipt;
};

// Preconditions checked (Errc::conflict / invalid_argument, nothing written): the cart is tendering
// and fully paid; the context names store, device, cashier and issuer. Loyalty redemptions above
// offline_redeemable() are Errc::conflict. On success the cart is in state paid.
[[nodiscard]] Result<CompletedSale> complete_sale(Replica& replica, domain::Cart& cart,
                                                  const SaleContext& ctx, const Clock& clock);

}  // namespace storeedge::store
