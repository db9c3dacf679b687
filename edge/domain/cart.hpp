#pragma once
// The checkout cart: lines, customer, promotions, totals, tenders and the cart's life cycle.
// Pure: no I/O and no clock; every time-dependent call takes `now` in Unix milliseconds.
// A failed call returns an Error and leaves the cart exactly as it was.
// Not thread-safe: one cart belongs to one till session.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edge/domain/catalog.hpp"
#include "edge/domain/line.hpp"
#include "edge/domain/money.hpp"
#include "edge/domain/promotions.hpp"
#include "edge/domain/tax.hpp"
#include "edge/domain/tender.hpp"
#include "platform/error.hpp"

namespace storeedge::domain {

enum class CartState { open, parked, tendering, paid, voided };
enum class CartEvent { park, resume, start_tendering, reopen, complete, void_cart };
std::string_view to_string(CartState state);
std::string_view to_string(CartEvent event);

struct CartTransition {
  CartState from;
  CartEvent event;
  CartState to;
};

// The whole life cycle; anything not listed is refused with Errc::conflict. Guards on top of the
// table: start_tendering needs a line, reopen and void need no tender taken, complete needs the
// amount due fully paid.
inline constexpr std::array<CartTransition, 8> kCartTransitions{{
    {CartState::open, CartEvent::park, CartState::parked},
    {CartState::parked, CartEvent::resume, CartState::open},
    {CartState::open, CartEvent::start_tendering, CartState::tendering},
    {CartState::tendering, CartEvent::reopen, CartState::open},
    {CartState::tendering, CartEvent::complete, CartState::paid},
    {CartState::open, CartEvent::void_cart, CartState::voided},
    {CartState::parked, CartEvent::void_cart, CartState::voided},
    {CartState::tendering, CartEvent::void_cart, CartState::voided},
}};

[[nodiscard]] Result<CartState> next_state(CartState from, CartEvent event);

// Store policy and the pricing data in force. Tax rates and promotions are data from the replica.
struct CartConfig {
  std::string store{};
  std::string currency = "EUR";
  std::vector<TaxRate> tax_rates{};
  std::vector<Promotion> promotions{};
  ApprovalPolicy approvals;
  Cents cash_rounding_step = 0;  // 0 (Spain), 5 (Finland, Netherlands) or 10
};

// A product the caller already resolved (by GTIN or SKU) with the price in force.
struct LineRequest {
  Product product;
  Price price;
  std::int64_t quantity = 1;              // unit-sold products; weighed lines keep 1
  std::int64_t weight_grams = 0;          // weighed products: grams on the scale or in the barcode
  std::optional<Cents> embedded_price{};  // from a variable-measure barcode; overrides price.unit_price:
                                          // per unit for unit products, the line total for weighed ones
};

struct LinePricing {
  LineId line_id = 0;
  std::int32_t rate_bp = 0;
  Cents gross = 0;
  Cents manual_discount = 0;
  Cents promotion_saving = 0;
  Cents net = 0;  // gross - manual_discount - promotion_saving

  friend bool operator==(const LinePricing&, const LinePricing&) = default;
};

// Invariants: total == subtotal_gross - line_discounts - promotion_savings == sum(lines.net)
//             == sum(taxes.gross); total_due == total + rounding; paid == tendered - change;
//             remaining == total_due - paid.
struct Totals {
  std::string currency{};
  Cents subtotal_gross = 0;
  Cents line_discounts = 0;
  Cents promotion_savings = 0;
  Cents total = 0;
  Cents rounding = 0;  // cash rounding adjustment, once cash settles the sale
  Cents total_due = 0;
  Cents tendered = 0;
  Cents change = 0;
  Cents paid = 0;
  Cents remaining = 0;
  std::vector<TaxLine> taxes{};      // ascending rate
  std::vector<LinePricing> lines{};  // active lines in cart order
  std::vector<AppliedPromotion> promotions{};

  friend bool operator==(const Totals&, const Totals&) = default;
};

class Cart {
 public:
  // Fails on an invalid tax table, promotion or rounding step.
  [[nodiscard]] static Result<Cart> create(std::string cart_id, CartConfig config);

  // --- lines (open carts only) ---
  [[nodiscard]] Result<LineId> add_line(const LineRequest& request, UnixMillis now);
  [[nodiscard]] Status change_quantity(LineId id, std::int64_t quantity);
  // Keeps the line, marked voided, for the receipt and the audit; it no longer counts.
  [[nodiscard]] Status void_line(LineId id);
  // Sets the line's basis price (per unit, per kg or label total).
  [[nodiscard]] Status override_price(LineId id, Cents new_price, std::optional<SupervisorApproval> approval);
  [[nodiscard]] Status set_discount(LineId id, ManualDiscount discount,
                                    std::optional<SupervisorApproval> approval);
  [[nodiscard]] Status clear_discount(LineId id);
  [[nodiscard]] Status attach_customer(CustomerRef customer);
  [[nodiscard]] Status detach_customer();

  // --- life cycle (see kCartTransitions) ---
  [[nodiscard]] Status park();
  [[nodiscard]] Status resume();
  // Freezes the totals as priced at `now`; later totals() calls ignore their argument.
  [[nodiscard]] Status begin_tendering(UnixMillis now);
  [[nodiscard]] Status reopen();
  [[nodiscard]] Status complete();
  [[nodiscard]] Status void_cart();

  // --- tenders (tendering carts only; see TenderLedger for the rules) ---
  [[nodiscard]] Result<TenderOutcome> pay_cash(Cents given);
  [[nodiscard]] Result<TenderOutcome> pay_card(PaymentTerminal& terminal, Cents amount);
  [[nodiscard]] Result<TenderOutcome> pay_gift_card(const GiftCardTender& tender);
  [[nodiscard]] Result<TenderOutcome> pay_store_credit(const StoreCreditTender& tender);
  // Needs the attached loyalty member to be the tender's customer.
  [[nodiscard]] Result<TenderOutcome> pay_loyalty_points(const LoyaltyPointsTender& tender);

  // Prices the cart: manual discounts, promotions (see promotions.hpp for the rule), VAT per rate.
  Totals totals(UnixMillis now) const;

  // Park/resume: a stable JSON form. restore(serialize()) is identical to the cart; a cart that was
  // being tendered only restores under the same pricing data (else Errc::conflict).
  std::string serialize() const;
  [[nodiscard]] static Result<Cart> restore(std::string_view text, CartConfig config);

  const std::string& id() const { return id_; }
  CartState state() const { return state_; }
  const std::vector<Line>& lines() const { return lines_; }  // including voided ones
  const std::optional<CustomerRef>& customer() const { return customer_; }
  const CartConfig& config() const { return config_; }
  std::optional<UnixMillis> priced_at() const { return priced_at_; }
  // Present while tendering and once paid.
  const std::optional<TenderLedger>& ledger() const { return ledger_; }

 private:
  Cart(std::string id, CartConfig config, TaxTable taxes)
      : id_(std::move(id)), config_(std::move(config)), taxes_(std::move(taxes)) {}

  Status require(CartState state, std::string_view action) const;
  Status apply(CartEvent event);
  template <class Change>
  Status mutate_line(LineId id, std::string_view action, Change change);
  Status check_bounds(const std::vector<Line>& lines) const;
  Result<TenderLedger*> open_ledger(std::string_view action);

  std::string id_{};
  CartConfig config_;
  TaxTable taxes_;
  CartState state_ = CartState::open;
  LineId next_line_id_ = 1;
  std::vector<Line> lines_{};
  std::optional<CustomerRef> customer_{};
  std::optional<UnixMillis> priced_at_{};
  std::optional<TenderLedger> ledger_{};
};

}  // namespace storeedge::domain
