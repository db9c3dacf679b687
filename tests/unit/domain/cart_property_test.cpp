// Property tests over 2,000 seeded random carts: random products, weights, embedded prices, overrides,
// discounts, voids, customers, tax rates and promotions. Whatever the cart, the figures must add up,
// not depend on scan order, survive park/resume, and settle exactly when paid.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <numeric>
#include <random>
#include <tuple>

#include <gtest/gtest.h>

#include "tests/unit/domain/fixtures.hpp"

namespace storeedge::domain {
namespace {

using testing::kNow;

constexpr int kCarts = 2000;

struct LineSpec {
  LineRequest request;
  std::optional<Cents> override_price;
  std::optional<ManualDiscount> discount;
  bool voided = false;
};

struct Scenario {
  CartConfig config;
  std::vector<LineSpec> lines;
  std::optional<CustomerRef> customer;
  UnixMillis now = kNow;
};

class Gen {
 public:
  explicit Gen(std::uint64_t seed) : rng_(seed) {}
  std::int64_t in(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
  }
  bool chance(int percent) { return in(1, 100) <= percent; }
  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
};

const std::vector<std::string> kSkus{"S0", "S1", "S2", "S3", "S4", "S5", "S6", "S7"};

std::vector<std::string> some_skus(Gen& g) {
  std::vector<std::string> out;
  for (const std::string& s : kSkus) {
    if (g.chance(35)) out.push_back(s);
  }
  if (out.empty()) out.push_back(kSkus[static_cast<std::size_t>(g.in(0, 7))]);
  return out;
}

Promotion random_promotion(Gen& g, int index) {
  const std::string id = "P" + std::to_string(g.in(0, 30)) + "-" + std::to_string(index);
  Promotion p;
  switch (g.in(0, 6)) {
    case 0: p = percent_off(id, "pct", some_skus(g), static_cast<std::int32_t>(g.in(1, 10000))); break;
    case 1: p = amount_off(id, "amt", some_skus(g), g.in(1, 800)); break;
    case 2: {
      const auto n = static_cast<std::int32_t>(g.in(2, 4));
      p = n_for_m(id, "nxm", some_skus(g), n, static_cast<std::int32_t>(g.in(1, n - 1)));
      break;
    }
    case 3:
      p = second_unit_percent(id, "2nd", some_skus(g), static_cast<std::int32_t>(g.in(1, 10000)));
      break;
    case 4:
      p = mix_and_match(id, "mix", some_skus(g), static_cast<std::int32_t>(g.in(2, 4)), g.in(0, 3000));
      break;
    case 5: p = basket_amount_off(id, "bsk", g.in(0, 20000), g.in(1, 3000)); break;
    default:
      p = basket_percent_off(id, "bsk%", g.in(0, 20000), static_cast<std::int32_t>(g.in(1, 5000)));
      break;
  }
  p.members_only = g.chance(20);
  p.stackable = g.chance(25);
  if (g.chance(20)) p.valid_from = kNow + g.in(-1000, 1000);
  if (g.chance(20)) p.valid_to = kNow + g.in(1001, 5000);
  return p;
}

Scenario random_scenario(Gen& g) {
  Scenario s;
  s.config = testing::spain_config();
  // Rates are data: a random rate per class, not the Spanish ones.
  for (TaxRate& r : s.config.tax_rates) r.rate_bp = static_cast<std::int32_t>(g.in(0, 2700));
  const auto promos = g.in(0, 6);
  for (int i = 0; i < promos; ++i) s.config.promotions.push_back(random_promotion(g, i));
  s.config.cash_rounding_step = std::vector<Cents>{0, 5, 10}[static_cast<std::size_t>(g.in(0, 2))];
  s.config.approvals.max_discount_bp = static_cast<std::int32_t>(g.in(0, 3000));
  s.now = kNow + g.in(-2000, 6000);
  if (g.chance(50)) s.customer = CustomerRef{"C-" + std::to_string(g.in(1, 9)), g.chance(50)};

  const auto count = g.in(1, 14);
  for (int i = 0; i < count; ++i) {
    const auto k = static_cast<std::size_t>(g.in(0, 7));
    const std::string& sku = kSkus[k];
    const std::string tax_class = s.config.tax_rates[k % 4].tax_class;  // fixed per SKU
    const bool by_weight = k >= 6;                                      // S6 and S7 are weighed
    LineSpec spec;
    spec.request = by_weight ? testing::weighed(sku, g.in(1, 4000), g.in(1, 3000), tax_class)
                             : testing::units(sku, g.in(0, 5000), g.in(1, 6), tax_class);
    if (g.chance(10)) spec.request.embedded_price = g.in(0, 3000);
    if (g.chance(10)) spec.override_price = g.in(0, 6000);
    if (g.chance(15)) {
      spec.discount = g.chance(50) ? ManualDiscount{ManualDiscount::Kind::percent, g.in(1, 10000), "p"}
                                   : ManualDiscount{ManualDiscount::Kind::amount, g.in(1, 2000), "a"};
    }
    spec.voided = g.chance(8);
    s.lines.push_back(std::move(spec));
  }
  return s;
}

// Applies the specs in `order`; a spec whose override or discount is refused must leave the cart as it
// was, and is dropped from the spec so a replay in another order sees only what succeeded.
Cart build(Scenario& s, const std::vector<std::size_t>& order, bool replay) {
  Cart cart = Cart::create("prop", s.config).value();
  if (s.customer) {
    EXPECT_TRUE(cart.attach_customer(*s.customer));
  }
  for (std::size_t idx : order) {
    LineSpec& spec = s.lines[idx];
    auto id = cart.add_line(spec.request, s.now);
    EXPECT_TRUE(id) << id.error().what();
    if (!id) continue;
    auto attempt = [&](auto&& op, auto& field) {
      const std::string before = cart.serialize();
      const bool with_approval = replay || (idx % 2 == 0);
      Status st = op(with_approval ? std::optional<SupervisorApproval>(testing::supervisor()) : std::nullopt);
      if (replay) {
        EXPECT_TRUE(st) << st.error().what();
      } else if (!st) {
        EXPECT_TRUE(st.error().kind() == Errc::permission_denied ||
                    st.error().kind() == Errc::invalid_argument);
        EXPECT_EQ(cart.serialize(), before) << "a refused change altered the cart";
        field.reset();
      }
    };
    if (spec.override_price) {
      attempt([&](auto a) { return cart.override_price(*id, *spec.override_price, a); }, spec.override_price);
    }
    if (spec.discount) {
      attempt([&](auto a) { return cart.set_discount(*id, *spec.discount, a); }, spec.discount);
    }
    if (spec.voided) {
      EXPECT_TRUE(cart.void_line(*id));
    }
  }
  return cart;
}

void expect_totals_add_up(const Totals& t) {
  EXPECT_GE(t.total, 0);
  EXPECT_EQ(t.subtotal_gross - t.line_discounts - t.promotion_savings, t.total);
  Cents lines = 0, gross = 0, manual = 0, promo = 0;
  for (const LinePricing& l : t.lines) {
    EXPECT_GE(l.net, 0);
    EXPECT_EQ(l.gross - l.manual_discount - l.promotion_saving, l.net);
    lines += l.net;
    gross += l.gross;
    manual += l.manual_discount;
    promo += l.promotion_saving;
  }
  EXPECT_EQ(lines, t.total);
  EXPECT_EQ(gross, t.subtotal_gross);
  EXPECT_EQ(manual, t.line_discounts);
  EXPECT_EQ(promo, t.promotion_savings);
  Cents taxed = 0;
  for (const TaxLine& x : t.taxes) {
    EXPECT_EQ(x.base + x.tax, x.gross);
    EXPECT_EQ(x.base, mul_div_round(x.gross, 10000, 10000 + x.rate_bp).value());
    EXPECT_GE(x.tax, 0);
    taxed += x.gross;
  }
  EXPECT_EQ(taxed, t.total);
  // Every promotion's allocation sums exactly to its saving, and per line to the line's saving.
  Cents applied = 0;
  std::map<LineId, Cents> per_line;
  for (const AppliedPromotion& p : t.promotions) {
    Cents sum = 0;
    for (const LineSaving& ls : p.lines) {
      EXPECT_GE(ls.saving, 0);
      sum += ls.saving;
      per_line[ls.line_id] += ls.saving;
    }
    EXPECT_EQ(sum, p.saving) << p.promotion_id;
    applied += p.saving;
  }
  EXPECT_EQ(applied, t.promotion_savings);
  for (const LinePricing& l : t.lines) EXPECT_EQ(per_line[l.line_id], l.promotion_saving);
}

// The totals with line ids replaced by what the lines are, so two scan orders can be compared.
auto order_free_view(const Cart& cart, const Totals& t) {
  std::map<LineId, std::string> sku;
  for (const Line& l : cart.lines()) sku[l.id] = l.sku;
  std::vector<std::tuple<std::string, std::int32_t, Cents, Cents, Cents, Cents>> lines;
  for (const LinePricing& l : t.lines) {
    lines.emplace_back(sku[l.line_id], l.rate_bp, l.gross, l.manual_discount, l.promotion_saving, l.net);
  }
  std::sort(lines.begin(), lines.end());
  std::vector<std::pair<std::string, Cents>> promos;
  for (const AppliedPromotion& p : t.promotions) promos.emplace_back(p.promotion_id, p.saving);
  return std::make_tuple(t.subtotal_gross, t.line_discounts, t.promotion_savings, t.total, t.taxes, lines,
                         promos);
}

void pay_in_full(Cart& cart, Gen& g) {
  ASSERT_TRUE(cart.begin_tendering(kNow));
  SimulatedPaymentTerminal terminal;
  const Cents step = cart.config().cash_rounding_step;
  if (cart.ledger()->remaining() > 0 && g.chance(50)) {
    ASSERT_TRUE(cart.pay_gift_card(GiftCardTender{"GC", 1'000'000, g.in(1, cart.ledger()->remaining())}));
  }
  if (cart.ledger()->remaining() > 0 && g.chance(50)) {
    ASSERT_TRUE(cart.pay_card(terminal, g.in(1, cart.ledger()->remaining())));
  }
  if (cart.ledger()->remaining() > 0) {
    const Cents rest = cart.ledger()->remaining();
    ASSERT_TRUE(cart.pay_cash(round_to_step(rest, step) + g.in(0, 5000)));
  }
  const Totals t = cart.totals(kNow);
  EXPECT_EQ(t.remaining, 0);
  EXPECT_EQ(t.paid, t.total_due);
  EXPECT_EQ(t.total_due, t.total + t.rounding);
  EXPECT_EQ(t.tendered - t.change, t.paid);
  EXPECT_LE(2 * std::abs(t.rounding), step);
  EXPECT_TRUE(cart.complete());
}

TEST(CartProperties, RandomCartsAddUpAreOrderFreeAndRoundTrip) {
  Gen g(20261123);
  for (int i = 0; i < kCarts; ++i) {
    SCOPED_TRACE("cart #" + std::to_string(i));
    Scenario s = random_scenario(g);
    std::vector<std::size_t> order(s.lines.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    Cart cart = build(s, order, /*replay=*/false);
    const Totals t = cart.totals(s.now);
    expect_totals_add_up(t);

    std::shuffle(order.begin(), order.end(), g.rng());
    Cart shuffled = build(s, order, /*replay=*/true);
    EXPECT_EQ(order_free_view(shuffled, shuffled.totals(s.now)), order_free_view(cart, t));

    const std::string text = cart.serialize();
    auto back = Cart::restore(text, s.config);
    ASSERT_TRUE(back) << back.error().what();
    EXPECT_EQ(back->serialize(), text);
    EXPECT_EQ(back->totals(s.now), t);

    if (!t.lines.empty()) {
      pay_in_full(cart, g);
      const std::string paid = cart.serialize();
      auto paid_back = Cart::restore(paid, s.config);
      ASSERT_TRUE(paid_back) << paid_back.error().what();
      EXPECT_EQ(paid_back->serialize(), paid);
    }
    if (::testing::Test::HasFailure()) break;  // one failing cart is enough to read
  }
}

}  // namespace
}  // namespace storeedge::domain
