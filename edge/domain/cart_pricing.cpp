// Cart::totals: the one place where a cart becomes money figures.
#include "edge/domain/cart.hpp"

namespace storeedge::domain {

Totals Cart::totals(UnixMillis now) const {
  const UnixMillis at = priced_at_.value_or(now);
  Totals t;
  t.currency = config_.currency;

  // Lines were validated and bounded (check_bounds) on every mutation, so nothing below can overflow:
  // every figure is at most the cart's gross, which fits in int64.
  std::vector<const Line*> active;
  std::vector<PromoLine> promo_lines;
  for (const Line& line : lines_) {
    if (line.voided) continue;
    const Cents gross = line_gross(line).value();
    const Cents manual = manual_discount_amount(line, gross).value();
    const bool per_unit = line.basis == PricingBasis::per_unit;
    promo_lines.push_back(PromoLine{.id = line.id,
                                    .sku = line.sku,
                                    .unit_price = per_unit ? line.price : gross,
                                    .units = per_unit ? line.quantity : 1,
                                    .net = gross - manual,
                                    .eligible = line.price == line.list_price && !line.discount});
    t.lines.push_back(LinePricing{.line_id = line.id,
                                  .rate_bp = line.rate_bp,
                                  .gross = gross,
                                  .manual_discount = manual,
                                  .promotion_saving = 0,
                                  .net = 0});
    active.push_back(&line);
  }

  const bool member = customer_ && customer_->loyalty_member;
  PromotionOutcome promos = apply_promotions(promo_lines, config_.promotions, member, at);

  std::vector<TaxableAmount> taxable;
  for (std::size_t i = 0; i < t.lines.size(); ++i) {
    LinePricing& lp = t.lines[i];
    lp.promotion_saving = promos.line_savings[i];
    lp.net = lp.gross - lp.manual_discount - lp.promotion_saving;
    t.subtotal_gross += lp.gross;
    t.line_discounts += lp.manual_discount;
    t.promotion_savings += lp.promotion_saving;
    t.total += lp.net;
    taxable.push_back(TaxableAmount{lp.rate_bp, lp.net});
  }
  t.taxes = tax_breakdown(taxable);
  t.promotions = std::move(promos.applied);

  if (ledger_) {
    t.rounding = ledger_->rounding();
    t.tendered = ledger_->tendered();
    t.change = ledger_->change();
    t.paid = ledger_->paid();
  }
  t.total_due = t.total + t.rounding;
  t.remaining = t.total_due - t.paid;
  return t;
}

}  // namespace storeedge::domain
