#include "edge/store/exchange.hpp"

#include <algorithm>

#include "edge/domain/fiscal/madrid_time.hpp"
#include "edge/store/order_commit.hpp"
#include "edge/store/returns_detail.hpp"
#include "edge/store/sales_detail.hpp"
#include "platform/sqlite/transaction.hpp"

namespace storeedge::store {
namespace {

using domain::Cents;

// The return half before any refund: the original sale, the negative lines and what they are worth.
struct ReturnHalf {
  OriginalOrder original;
  OrderRecord order;
  Cents value = 0;  // positive
};

Result<ReturnHalf> price_return(sqlite::Database& db, const ExchangeRequest& req, OrderRecord base) {
  if (req.items.empty()) return fail(Errc::invalid_argument, "no items to return");
  auto original = load_original(db, req.receipt_number);
  if (!original) return fail(original.error());
  base.original_order_id = original->order_id;
  base.customer_id = original->customer_id;
  base.currency = original->currency;
  if (auto s = add_return_lines(*original, req.items, base); !s) return fail(s.error());
  set_totals(base);
  const Cents value = -base.total;
  return ReturnHalf{std::move(*original), std::move(base), value};
}

// The part of the value the new items take goes to a store credit the exchange order spends; the
// rest, if any, goes back to the customer as the request says (card refunds run here).
Status refund_difference(ReturnHalf& half, Cents credit, const std::string& credit_id, RefundMethod method,
                         domain::PaymentTerminal* terminal) {
  OrderRecord& o = half.order;
  if (credit > 0) {
    o.credits.push_back(StoreCreditRow{credit_id, o.customer_id, credit});
    o.tenders.push_back(OrderTenderRow{1, "store_credit", -credit, -credit, 0, credit_id, {}, std::nullopt});
  }
  const Cents back = half.value - credit;
  if (back == 0) return {};
  auto plan = plan_refund(half.original, method, back);
  if (!plan) return fail(plan.error());
  auto issued = apply_refund(*plan, half.original, terminal, o);
  if (!issued) return fail(issued.error().with_context("giving back the difference"));
  return {};
}

// The cart carries the quoted credit exactly once and for what it can take; completing a copy checks
// that it is fully paid, and leaves the caller's cart untouched until the commit.
Result<domain::Cart> completed_with_credit(const domain::Cart& cart, const ExchangeQuote& quote,
                                           Cents value) {
  if (value != quote.value) {
    return fail(Errc::conflict, "the returned items are now worth " + domain::to_decimal_string(value) +
                                    ", not the quoted " + domain::to_decimal_string(quote.value));
  }
  if (cart.state() != domain::CartState::tendering || !cart.ledger()) {
    return fail(Errc::conflict,
                "the new items' cart is " + std::string(domain::to_string(cart.state())) + ", not tendering");
  }
  const Cents expected = std::min(value, cart.ledger()->amount_due());
  Cents credited = 0;
  int tenders = 0;
  for (const domain::TenderRecord& t : cart.ledger()->records()) {
    if (t.kind != domain::TenderKind::store_credit || t.reference != quote.credit_id) continue;
    credited += t.amount;
    ++tenders;
  }
  if (tenders != 1 || credited != expected) {
    return fail(Errc::conflict, "the new items' cart must carry the exchange credit " + quote.credit_id +
                                    " once for " + domain::to_decimal_string(expected) + ", not " +
                                    std::to_string(tenders) + " tender(s) for " +
                                    domain::to_decimal_string(credited));
  }
  domain::Cart done = cart;
  if (auto s = done.complete(); !s) return fail(s.error());
  return done;
}

Result<CompletedReturn> write_return_half(Replica& replica, ReturnHalf& half, const ExchangeRequest& req,
                                          const SaleContext& ctx) {
  sqlite::Database& db = replica.db();
  OrderRecord& o = half.order;
  auto number = take_receipt_number(db, ctx.store_code, ctx.device_code);
  if (!number) return fail(number.error());
  o.receipt_number = *number;
  const auto at = domain::fiscal::madrid_generation_time(o.created_at_ms / 1000);
  Receipt r = return_receipt(o, ctx, at);
  r.taxes = negated_taxes(o);
  r.original_receipt_number = req.receipt_number;
  for (const LoyaltyRow& e : o.loyalty) {
    if (e.kind == "refund" && e.points < 0) r.points_earned += e.points;
    if (e.kind == "refund" && e.points > 0) r.points_redeemed -= e.points;
  }
  const FiscalInput fiscal{ctx.recorder, ctx.issuer_tax_id, domain::fiscal::InvoiceType::R5, at};
  const AuditEntry audit{ctx.cashier_id, "sale.returned", o.order_id,
                         return_audit_details(o, half.value, "exchange: " + req.reason, std::nullopt)};
  if (auto s = write_order_with_journals(db, o, r, fiscal, audit, "order.returned"); !s)
    return fail(s.error());
  return CompletedReturn{o.order_id, o.receipt_number, half.value, std::nullopt, std::move(r)};
}

OrderRecord scratch_order() {
  OrderRecord o;
  o.kind = "return";
  return o;
}

}  // namespace

Result<ExchangeQuote> quote_exchange(Replica& replica, const ExchangeRequest& request, const Clock& clock) {
  auto half = price_return(replica.db(), request, scratch_order());
  if (!half)
    return fail(half.error().with_context("quoting the exchange of receipt " + request.receipt_number));
  return ExchangeQuote{half->value, new_uuid_v7(unix_millis(clock.now()))};
}

Result<CompletedExchange> exchange(Replica& replica, const ExchangeRequest& request,
                                   const ExchangeQuote& quote, domain::Cart& new_items,
                                   const SaleContext& ctx, domain::PaymentTerminal* terminal,
                                   const Clock& clock) {
  const std::string what = "exchanging items of receipt " + request.receipt_number;
  if (auto s = check_sale_context(ctx); !s) return fail(s.error().with_context(what));
  const std::int64_t now_ms = unix_millis(clock.now());
  auto tx = sqlite::Transaction::begin(replica.db(), sqlite::Transaction::Mode::immediate);
  if (!tx) return fail(tx.error().with_context(what));

  auto half = price_return(replica.db(), request, return_order(replica, ctx, now_ms));
  if (!half) return fail(half.error().with_context(what));
  if (auto s = reverse_loyalty(replica.db(), half->original, half->value, half->order); !s)
    return fail(s.error().with_context(what));
  auto done = completed_with_credit(new_items, quote, half->value);
  if (!done) return fail(done.error().with_context(what));
  const Cents due = done->ledger()->amount_due();
  if (auto s =
          refund_difference(*half, std::min(half->value, due), quote.credit_id, request.refund, terminal);
      !s)
    return fail(s.error().with_context(what));

  auto returned = write_return_half(replica, *half, request, ctx);
  if (!returned) return fail(returned.error().with_context(what));
  const SaleLink link{"exchange", returned->order_id, "sale.exchanged"};
  auto sale = write_sale(replica, *done, ctx, now_ms, link);
  if (!sale) return fail(sale.error().with_context(what));
  if (auto s = tx->commit(); !s) return fail(s.error().with_context(what + ": commit"));
  new_items = std::move(*done);
  return CompletedExchange{std::move(*returned), std::move(*sale), due - half->value};
}

}  // namespace storeedge::store
