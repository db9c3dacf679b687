#include "edge/domain/cart.hpp"

#include <algorithm>

namespace storeedge::domain {

std::string_view to_string(CartState state) {
  switch (state) {
    case CartState::open: return "open";
    case CartState::parked: return "parked";
    case CartState::tendering: return "tendering";
    case CartState::paid: return "paid";
    case CartState::voided: return "voided";
  }
  return "unknown";
}

std::string_view to_string(CartEvent event) {
  switch (event) {
    case CartEvent::park: return "park";
    case CartEvent::resume: return "resume";
    case CartEvent::start_tendering: return "start tendering";
    case CartEvent::reopen: return "reopen";
    case CartEvent::complete: return "complete";
    case CartEvent::void_cart: return "void";
  }
  return "unknown";
}

Result<CartState> next_state(CartState from, CartEvent event) {
  for (const CartTransition& t : kCartTransitions) {
    if (t.from == from && t.event == event) return t.to;
  }
  return fail(Errc::conflict,
              "cannot " + std::string(to_string(event)) + " a cart that is " + std::string(to_string(from)));
}

Result<Cart> Cart::create(std::string cart_id, CartConfig config) {
  if (cart_id.empty()) return fail(Errc::invalid_argument, "cart id must not be empty");
  if (config.currency.size() != 3) {
    return fail(Errc::invalid_argument, "currency must be an ISO 4217 code, got '" + config.currency + "'");
  }
  auto taxes = TaxTable::create(config.tax_rates);
  if (!taxes) return fail(taxes.error().with_context("cart config"));
  for (const Promotion& p : config.promotions) {
    if (auto s = validate(p); !s) return fail(s.error().with_context("cart config"));
  }
  if (auto probe = TenderLedger::create(0, config.cash_rounding_step, config.currency); !probe) {
    return fail(probe.error().with_context("cart config"));
  }
  return Cart(std::move(cart_id), std::move(config), std::move(*taxes));
}

Status Cart::require(CartState state, std::string_view action) const {
  if (state_ == state) return {};
  return fail(Errc::conflict, "cannot " + std::string(action) + ": cart " + id_ + " is " +
                                  std::string(to_string(state_)) + ", not " + std::string(to_string(state)));
}

Status Cart::apply(CartEvent event) {
  auto to = next_state(state_, event);
  if (!to) return fail(to.error().with_context("cart " + id_));
  state_ = *to;
  return {};
}

Status Cart::check_bounds(const std::vector<Line>& lines) const {
  Cents sum = 0;
  for (const Line& line : lines) {
    if (line.voided) continue;
    auto gross = line_gross(line);
    if (!gross) return fail(gross.error());
    auto next = checked_add(sum, *gross);
    if (!next) return fail(next.error().with_context("cart total"));
    sum = *next;
  }
  return {};
}

Result<LineId> Cart::add_line(const LineRequest& r, UnixMillis now) {
  if (auto s = require(CartState::open, "add a line"); !s) return fail(s.error());
  const Product& p = r.product;
  if (r.price.sku != p.sku) {
    return fail(Errc::invalid_argument, "price is for SKU '" + r.price.sku + "', not '" + p.sku + "'");
  }
  if (!in_window(r.price.valid_from, r.price.valid_to, now)) {
    return fail(Errc::invalid_argument,
                "price of SKU '" + p.sku + "' is not valid at " + std::to_string(now));
  }
  auto rate = taxes_.rate_for(p.tax_class);
  if (!rate) return fail(rate.error().with_context("adding SKU '" + p.sku + "'"));

  Line line{.id = next_line_id_,
            .sku = p.sku,
            .name = p.name,
            .category = p.category,
            .tax_class = p.tax_class,
            .rate_bp = *rate,
            .age_restricted = p.age_restricted};
  line.list_price = r.embedded_price.value_or(r.price.unit_price);
  line.price = line.list_price;
  line.quantity = r.quantity;
  line.weight_grams = r.weight_grams;
  if (p.sold_by == SoldBy::weight) {
    line.basis = r.embedded_price ? PricingBasis::label_total : PricingBasis::per_kg;
  }
  if (auto s = validate_line(line, config_.approvals); !s)
    return fail(s.error().with_context("adding a line"));
  std::vector<Line> next = lines_;
  next.push_back(line);
  if (auto s = check_bounds(next); !s) return fail(s.error().with_context("adding a line"));
  lines_ = std::move(next);
  return next_line_id_++;
}

template <class Change>
Status Cart::mutate_line(LineId id, std::string_view action, Change change) {
  if (auto s = require(CartState::open, action); !s) return s;
  auto it = std::find_if(lines_.begin(), lines_.end(), [&](const Line& l) { return l.id == id; });
  if (it == lines_.end()) return fail(Errc::not_found, "cart " + id_ + " has no line " + std::to_string(id));
  if (it->voided) return fail(Errc::conflict, "line " + std::to_string(id) + " is voided");
  std::vector<Line> next = lines_;
  Line& line = next[static_cast<std::size_t>(it - lines_.begin())];
  if (auto s = change(line); !s) return s;
  if (auto s = validate_line(line, config_.approvals); !s) return fail(s.error().with_context(action));
  if (auto s = check_bounds(next); !s) return fail(s.error().with_context(action));
  lines_ = std::move(next);
  return {};
}

Status Cart::change_quantity(LineId id, std::int64_t quantity) {
  return mutate_line(id, "change quantity", [&](Line& line) -> Status {
    if (line.basis != PricingBasis::per_unit) {
      return fail(Errc::invalid_argument,
                  "line " + std::to_string(id) + " is weighed; rescan it to change it");
    }
    line.quantity = quantity;
    return {};
  });
}

Status Cart::void_line(LineId id) {
  return mutate_line(id, "void a line", [](Line& line) -> Status {
    line.voided = true;
    return {};
  });
}

Status Cart::override_price(LineId id, Cents new_price, std::optional<SupervisorApproval> approval) {
  return mutate_line(id, "override a price", [&](Line& line) -> Status {
    line.price = new_price;
    line.override_approval = std::move(approval);
    return {};
  });
}

Status Cart::set_discount(LineId id, ManualDiscount discount, std::optional<SupervisorApproval> approval) {
  return mutate_line(id, "discount a line", [&](Line& line) -> Status {
    line.discount = std::move(discount);
    line.discount_approval = std::move(approval);
    return {};
  });
}

Status Cart::clear_discount(LineId id) {
  return mutate_line(id, "clear a discount", [](Line& line) -> Status {
    line.discount.reset();
    line.discount_approval.reset();
    return {};
  });
}

Status Cart::attach_customer(CustomerRef customer) {
  if (auto s = require(CartState::open, "attach a customer"); !s) return s;
  if (customer.id.empty()) return fail(Errc::invalid_argument, "customer id must not be empty");
  customer_ = std::move(customer);
  return {};
}

Status Cart::detach_customer() {
  if (auto s = require(CartState::open, "detach the customer"); !s) return s;
  customer_.reset();
  return {};
}

Status Cart::park() {
  return apply(CartEvent::park);
}
Status Cart::resume() {
  return apply(CartEvent::resume);
}

Status Cart::begin_tendering(UnixMillis now) {
  if (auto s = require(CartState::open, "start tendering"); !s) return s;
  if (std::none_of(lines_.begin(), lines_.end(), [](const Line& l) { return !l.voided; })) {
    return fail(Errc::conflict, "cannot start tendering: cart " + id_ + " has no lines");
  }
  auto ledger = TenderLedger::create(totals(now).total, config_.cash_rounding_step, config_.currency);
  if (!ledger) return fail(ledger.error());
  if (auto s = apply(CartEvent::start_tendering); !s) return s;
  priced_at_ = now;
  ledger_ = std::move(*ledger);
  return {};
}

Status Cart::reopen() {
  if (ledger_ && !ledger_->records().empty()) {
    return fail(Errc::conflict, "cannot reopen cart " + id_ + ": tenders were already taken");
  }
  if (auto s = apply(CartEvent::reopen); !s) return s;
  priced_at_.reset();
  ledger_.reset();
  return {};
}

Status Cart::complete() {
  if (state_ == CartState::tendering && !ledger_->fully_paid()) {
    return fail(Errc::conflict, "cannot complete cart " + id_ + ": " +
                                    to_decimal_string(ledger_->remaining()) + " still due");
  }
  return apply(CartEvent::complete);
}

Status Cart::void_cart() {
  if (ledger_ && !ledger_->records().empty()) {
    return fail(Errc::conflict, "cannot void cart " + id_ + ": tenders were already taken");
  }
  return apply(CartEvent::void_cart);
}

Result<TenderLedger*> Cart::open_ledger(std::string_view action) {
  if (auto s = require(CartState::tendering, action); !s) return fail(s.error());
  return &*ledger_;
}

Result<TenderOutcome> Cart::pay_cash(Cents given) {
  auto ledger = open_ledger("take cash");
  if (!ledger) return fail(ledger.error());
  return (*ledger)->pay_cash(given);
}

Result<TenderOutcome> Cart::pay_card(PaymentTerminal& terminal, Cents amount) {
  auto ledger = open_ledger("take a card");
  if (!ledger) return fail(ledger.error());
  return (*ledger)->pay_card(terminal, amount);
}

Result<TenderOutcome> Cart::pay_gift_card(const GiftCardTender& tender) {
  auto ledger = open_ledger("take a gift card");
  if (!ledger) return fail(ledger.error());
  return (*ledger)->pay_gift_card(tender);
}

Result<TenderOutcome> Cart::pay_store_credit(const StoreCreditTender& tender) {
  auto ledger = open_ledger("take store credit");
  if (!ledger) return fail(ledger.error());
  return (*ledger)->pay_store_credit(tender);
}

Result<TenderOutcome> Cart::pay_loyalty_points(const LoyaltyPointsTender& tender) {
  auto ledger = open_ledger("redeem points");
  if (!ledger) return fail(ledger.error());
  if (!customer_ || !customer_->loyalty_member || customer_->id != tender.customer_id) {
    return fail(Errc::invalid_argument, "points of customer '" + tender.customer_id +
                                            "' need that loyalty member attached to the cart");
  }
  return (*ledger)->pay_loyalty_points(tender);
}

}  // namespace storeedge::domain
