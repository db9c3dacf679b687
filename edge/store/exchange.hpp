#pragma once
// Exchanges at the till in ONE transaction: the customer brings back items of a receipt and takes
// other items, paying or getting back only the difference.
//
// Recorded as two linked orders committed together (docs/schema.md, "Exchanges"):
// - a return order (kind 'return', original_order_id = the original sale): negative lines naming
//   the lines they return, positive stock moves, the reversal of loyalty points earned on them, a
//   corrective fiscal record R5 and the mutation "order.returned";
// - an exchange order (kind 'exchange', original_order_id = that return): the new items as a sale,
//   negative stock moves, points earned, a fiscal record F2 and the mutation "order.completed".
// The value of the returned items moves from one to the other as a store credit issued by the return
// and spent by the exchange order within the same transaction (its balance ends at zero). Each half
// has its own receipt number from the device's series (return first) and its own receipt.
//
// Two fiscal records, not one for the net: the returned part corrects an issued simplified invoice,
// which Spanish rules allow only through a rectifying invoice (R5) that names what it corrects, and
// the new items are a new supply invoiced on their own (F2). A single net record would rectify
// nothing and, with items at different VAT rates, would state neither tax base correctly.
#include <optional>
#include <string>
#include <vector>

#include "edge/domain/cart.hpp"
#include "edge/store/returns.hpp"

namespace storeedge::store {

struct ExchangeRequest {
  std::string receipt_number;  // of the original sale (or of an earlier exchange's new items)
  std::vector<ReturnItem> items;
  // How the customer gets the difference back when the returned items are worth more than the new
  // ones; see RefundMethod. Unused otherwise.
  RefundMethod refund = RefundMethod::original_tender;
  std::string reason;
};

struct CompletedExchange {
  CompletedReturn returned;      // the R5 half; returned.refunded is the value of the returned items
  CompletedSale sale;            // the F2 half (receipt.kind "exchange")
  domain::Cents difference = 0;  // new items - returned items: > 0 paid, < 0 given back, 0 even
};

// What the returned items are worth, and the id of the store credit that carries that value to the
// new items. The till tenders the new items' cart with it first,
//   cart.pay_store_credit({quote.credit_id, quote.value, std::min(quote.value, remaining)}),
// then takes the rest (cash with change, card...) as for any sale. Reads only; nothing is reserved.
struct ExchangeQuote {
  domain::Cents value = 0;  // VAT-inclusive, positive
  std::string credit_id;    // UUIDv7 minted for this exchange
};
[[nodiscard]] Result<ExchangeQuote> quote_exchange(Replica& replica, const ExchangeRequest& request,
                                                   const Clock& clock);

// `new_items` is tendering and fully paid, with exactly one store credit tender of quote.credit_id
// for min(quote.value, amount due). On success the cart is paid and both orders are committed; on any
// failure nothing is written, the receipt counter is unchanged, the cart is as it was. Errors (nothing
// written): unknown receipt (not_found); an item above sold minus already returned, returned items
// no longer worth the quote (another return since), a cart not fully paid or without the credit
// tender (conflict); an unknown or repeated line, no items, a bad context (invalid_argument); a card
// refund of the difference without a terminal (invalid_argument) or declined (conflict); a failed
// commit (its error).
[[nodiscard]] Result<CompletedExchange> exchange(Replica& replica, const ExchangeRequest& request,
                                                 const ExchangeQuote& quote, domain::Cart& new_items,
                                                 const SaleContext& ctx, domain::PaymentTerminal* terminal,
                                                 const Clock& clock);

}  // namespace storeedge::store
