#include "edge/store/sales.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "edge/domain/fiscal/madrid_time.hpp"
#include "edge/store/gift_cards.hpp"
#include "edge/store/order_commit.hpp"
#include "edge/store/sales_detail.hpp"
#include "platform/sqlite/transaction.hpp"

namespace storeedge::store {
namespace {

using domain::Cents;
using domain::TenderKind;

}  // namespace

Status check_sale_context(const SaleContext& ctx) {
  if (ctx.store_code.empty() || ctx.device_code.empty())
    return fail(Errc::invalid_argument, "sale context needs a store code and a device code");
  if (ctx.cashier_id.empty()) return fail(Errc::invalid_argument, "sale context needs a cashier id");
  if (ctx.issuer_tax_id.empty())
    return fail(Errc::invalid_argument, "sale context needs the issuer's tax id (NIF)");
  if (ctx.channel != Channel::pos && ctx.channel != Channel::kiosk)
    return fail(Errc::invalid_argument,
                "a store node sells through pos or kiosk, not " + std::string(to_string(ctx.channel)));
  return {};
}

namespace {

const domain::Line* find_line(const domain::Cart& cart, domain::LineId id) {
  for (const domain::Line& l : cart.lines()) {
    if (l.id == id) return &l;
  }
  return nullptr;
}

// Lines, stock and the receipt's item section from the frozen totals.
Status add_lines(const domain::Cart& cart, const domain::Totals& t, OrderRecord& o, Receipt& r) {
  std::int64_t line_no = 0;
  for (const domain::LinePricing& p : t.lines) {
    const domain::Line* line = find_line(cart, p.line_id);
    if (!line)
      return fail(Errc::internal, "priced line " + std::to_string(p.line_id) + " is not in the cart");
    const bool weighed = line->basis == domain::PricingBasis::per_kg;
    std::optional<std::int64_t> grams;
    if (weighed) grams = line->weight_grams;
    ++line_no;
    o.lines.push_back(OrderLineRow{line_no, line->sku, line->name, line->quantity, grams, line->price,
                                   p.gross, p.manual_discount + p.promotion_saving, p.net, line->tax_class,
                                   p.rate_bp, std::nullopt});
    o.stock.push_back(StockDelta{line->sku, weighed ? -line->weight_grams : -line->quantity});
    r.lines.push_back(ReceiptLine{line_no, line->sku, line->name, line->quantity, grams, line->price, p.gross,
                                  p.manual_discount, p.promotion_saving, p.net, p.rate_bp, std::nullopt});
  }
  for (const domain::AppliedPromotion& a : t.promotions) {
    r.promotions.push_back(ReceiptPromotion{a.promotion_id, a.description, a.saving});
  }
  return {};
}

void add_tenders(const domain::TenderLedger& ledger, OrderRecord& o, Receipt& r) {
  std::int64_t seq = 0;
  for (const domain::TenderRecord& t : ledger.records()) {
    std::optional<std::int64_t> points;
    if (t.kind == TenderKind::loyalty_points) points = t.points;
    o.tenders.push_back(OrderTenderRow{++seq, std::string(domain::to_string(t.kind)), t.amount, t.given,
                                       t.change, t.reference, t.last4, points});
    r.tenders.push_back(ReceiptTender{std::string(domain::to_string(t.kind)), t.amount, t.given, t.change,
                                      mask_card(t.last4), points});
  }
}

// A store credit tender spends part of a credit: a negative store_credit row for the same customer.
Status debit_store_credit(sqlite::Database& db, const domain::TenderLedger& ledger, OrderRecord& o) {
  for (const domain::TenderRecord& t : ledger.records()) {
    if (t.kind != TenderKind::store_credit) continue;
    auto balance = db.query_one<std::int64_t>(
        "SELECT COALESCE(SUM(amount_cents), 0) FROM store_credit WHERE credit_id = ? OR credit_id LIKE ? || "
        "'/%'",
        t.reference, t.reference);
    if (!balance) return fail(balance.error());
    if (balance->value_or(0) < t.amount) {
      return fail(Errc::conflict, "store credit " + t.reference + " holds " +
                                      domain::to_decimal_string(balance->value_or(0)) + ", not " +
                                      domain::to_decimal_string(t.amount));
    }
    auto customer = db.query_one<std::optional<std::string>>(
        "SELECT customer_id FROM store_credit WHERE credit_id = ?", t.reference);
    if (!customer) return fail(customer.error());
    o.credits.push_back(
        StoreCreditRow{t.reference + "/" + o.order_id, customer->value_or(std::nullopt), -t.amount});
  }
  return {};
}

// A gift card tender redeems from the card's ledger, within what this node may spend from it offline
// (gift_cards.hpp). Several tenders on one card in one sale count together.
Status debit_gift_cards(sqlite::Database& db, const domain::TenderLedger& ledger, std::int64_t now_ms,
                        OrderRecord& o) {
  for (const domain::TenderRecord& t : ledger.records()) {
    if (t.kind != TenderKind::gift_card) continue;
    auto funds = gift_card_funds(db, t.reference, now_ms);
    if (!funds) return fail(funds.error());
    if (funds->currency != o.currency) {
      return fail(Errc::conflict, "gift card " + t.reference + " holds " + funds->currency +
                                      ", the sale is in " + o.currency);
    }
    Cents taken = t.amount;
    for (const GiftCardRow& g : o.gift_cards) {
      if (g.card_id == t.reference) taken -= g.amount;  // amounts are negative
    }
    if (taken > funds->spendable) {
      return fail(Errc::conflict, "gift card " + t.reference + " may pay " +
                                      domain::to_decimal_string(funds->spendable) +
                                      " on this till (balance " + domain::to_decimal_string(funds->balance) +
                                      ", offline limit " + domain::to_decimal_string(funds->offline_limit) +
                                      ", spent here " + domain::to_decimal_string(funds->spent_not_at_hub) +
                                      "), not " + domain::to_decimal_string(taken));
    }
    o.gift_cards.push_back(GiftCardRow{new_uuid_v7(now_ms), t.reference, -t.amount, "redeem"});
  }
  return {};
}

// Redemptions within the offline allowance, then points earned on the rest of the payment.
Status add_loyalty(sqlite::Database& db, const domain::Cart& cart, const SaleContext& ctx,
                   std::int64_t now_ms, OrderRecord& o, Receipt& r) {
  const domain::TenderLedger& ledger = *cart.ledger();
  Cents paid_otherwise = 0;
  for (const domain::TenderRecord& t : ledger.records()) {
    if (t.kind != TenderKind::loyalty_points) {
      paid_otherwise += t.amount;
      continue;
    }
    auto allowed = offline_redeemable(db, t.reference, now_ms);
    if (!allowed) return fail(allowed.error());
    if (t.points > allowed->redeemable) {
      return fail(Errc::conflict,
                  "customer " + t.reference + " may redeem " + std::to_string(allowed->redeemable) +
                      " points on this till (balance " + std::to_string(allowed->balance) +
                      ", offline allowance " + std::to_string(allowed->allowance) +
                      ", redeemed here and not yet at the hub " +
                      std::to_string(allowed->redeemed_not_at_hub) + "), not " + std::to_string(t.points));
    }
    o.loyalty.push_back(LoyaltyRow{new_uuid_v7(now_ms), t.reference, -t.points, "redeem"});
    r.points_redeemed += t.points;
  }
  const auto& customer = cart.customer();
  if (!customer || !customer->loyalty_member) return {};
  const std::int64_t earned = points_earned(ctx.loyalty, std::min(paid_otherwise, ledger.total()));
  if (earned > 0) o.loyalty.push_back(LoyaltyRow{new_uuid_v7(now_ms), customer->id, earned, "earn"});
  r.points_earned = earned;
  auto balance = loyalty_balance(db, customer->id);
  if (!balance) return fail(balance.error());
  std::int64_t after = *balance;
  for (const LoyaltyRow& e : o.loyalty) {
    if (e.customer_id == customer->id) after += e.points;
  }
  r.loyalty_balance = after;
  return {};
}

Receipt receipt_header(const domain::Cart& cart, const domain::Totals& t, const SaleContext& ctx,
                       const OrderRecord& o, const domain::fiscal::GenerationTime& at) {
  Receipt r;
  r.kind = "sale";
  r.order_id = o.order_id;
  r.store_code = ctx.store_code;
  r.device_code = ctx.device_code;
  r.receipt_number = o.receipt_number;
  r.issued_at_ms = o.created_at_ms;
  r.issued_at_local = local_time_text(at);
  r.cashier_id = ctx.cashier_id;
  r.currency = t.currency;
  r.taxes = t.taxes;
  r.subtotal_gross = t.subtotal_gross;
  r.line_discounts = t.line_discounts;
  r.promotion_savings = t.promotion_savings;
  r.total = t.total;
  r.rounding = cart.ledger()->rounding();
  r.total_due = cart.ledger()->amount_due();
  r.tendered = cart.ledger()->tendered();
  r.change = cart.ledger()->change();
  if (cart.customer()) r.customer_id = cart.customer()->id;
  return r;
}

std::string audit_details(const OrderRecord& o, const Receipt& r) {
  boost::json::array kinds;
  for (const OrderTenderRow& t : o.tenders) kinds.push_back(boost::json::value(t.kind));
  return boost::json::serialize(boost::json::object{{"receipt_number", o.receipt_number},
                                                    {"total", o.total},
                                                    {"lines", o.lines.size()},
                                                    {"tenders", std::move(kinds)},
                                                    {"change", r.change},
                                                    {"customer_id", o.customer_id ? *o.customer_id : ""}});
}

}  // namespace

Result<CompletedSale> write_sale(Replica& replica, const domain::Cart& cart, const SaleContext& ctx,
                                 std::int64_t now_ms, const SaleLink& link) {
  sqlite::Database& db = replica.db();
  const domain::Totals t = cart.totals(now_ms);
  const auto at = domain::fiscal::madrid_generation_time(now_ms / 1000);

  OrderRecord o;
  o.order_id = new_uuid_v7(now_ms);
  o.kind = link.kind;
  o.original_order_id = link.original_order_id;
  o.channel = std::string(to_string(ctx.channel));
  o.store_code = ctx.store_code;
  o.device_code = ctx.device_code;
  o.node_id = replica.node_id();
  auto number = take_receipt_number(db, ctx.store_code, ctx.device_code);
  if (!number) return fail(number.error());
  o.receipt_number = *number;
  o.shift_id = ctx.shift_id;
  if (cart.customer()) o.customer_id = cart.customer()->id;
  o.currency = t.currency;
  o.total = t.total;
  for (const domain::TaxLine& tax : t.taxes) o.tax += tax.tax;
  o.created_at_ms = now_ms;

  Receipt r = receipt_header(cart, t, ctx, o, at);
  r.kind = link.kind;
  if (auto s = add_lines(cart, t, o, r); !s) return fail(s.error());
  add_tenders(*cart.ledger(), o, r);
  if (auto s = debit_store_credit(db, *cart.ledger(), o); !s) return fail(s.error());
  if (auto s = debit_gift_cards(db, *cart.ledger(), now_ms, o); !s) return fail(s.error());
  if (auto s = add_loyalty(db, cart, ctx, now_ms, o, r); !s) return fail(s.error());

  const FiscalInput fiscal{ctx.recorder, ctx.issuer_tax_id, domain::fiscal::InvoiceType::F2, at};
  const AuditEntry audit{ctx.cashier_id, link.audit_action, o.order_id, audit_details(o, r)};
  if (auto s = write_order_with_journals(db, o, r, fiscal, audit, "order.completed"); !s)
    return fail(s.error());
  return CompletedSale{o.order_id, o.receipt_number, std::move(r)};
}

Result<CompletedSale> complete_sale(Replica& replica, domain::Cart& cart, const SaleContext& ctx,
                                    const Clock& clock) {
  const std::string what = "completing sale of cart " + cart.id();
  if (auto s = check_sale_context(ctx); !s) return fail(s.error().with_context(what));
  if (cart.state() != domain::CartState::tendering) {
    return fail(Errc::conflict,
                what + ": the cart is " + std::string(domain::to_string(cart.state())) + ", not tendering");
  }
  // Complete a copy: if the commit fails the caller's cart is still tendering and can be retried.
  domain::Cart done = cart;
  if (auto s = done.complete(); !s) return fail(s.error().with_context(what));

  const std::int64_t now_ms = unix_millis(clock.now());
  auto tx = sqlite::Transaction::begin(replica.db(), sqlite::Transaction::Mode::immediate);
  if (!tx) return fail(tx.error().with_context(what));
  auto sale = write_sale(replica, done, ctx, now_ms, SaleLink{});
  if (!sale) return fail(sale.error().with_context(what));
  if (auto s = tx->commit(); !s) return fail(s.error().with_context(what + ": commit"));
  cart = std::move(done);
  return sale;
}

}  // namespace storeedge::store
