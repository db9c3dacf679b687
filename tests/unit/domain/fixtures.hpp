#pragma once
// Shared test data: a Spanish store (EUR, VAT-inclusive prices, IVA 21/10/4/0 given as data).
#include <string>
#include <utility>
#include <vector>

#include "edge/domain/cart.hpp"

namespace storeedge::domain::testing {

inline constexpr UnixMillis kNow = 1'700'000'000'000;

inline CartConfig spain_config(std::vector<Promotion> promotions = {}) {
  CartConfig c;
  c.store = "ES-MAD-001";
  c.currency = "EUR";
  c.tax_rates = {{"general", 2100}, {"reduced", 1000}, {"super_reduced", 400}, {"exempt", 0}};
  c.promotions = std::move(promotions);
  return c;
}

inline Cart new_cart(CartConfig config = spain_config()) {
  return Cart::create("cart-1", std::move(config)).value();
}

inline LineRequest units(const std::string& sku, Cents price, std::int64_t quantity = 1,
                         const std::string& tax_class = "general") {
  LineRequest r;
  r.product = Product{.sku = sku,
                      .gtins = {},
                      .name = "Product " + sku,
                      .category = "grocery",
                      .tax_class = tax_class,
                      .sold_by = SoldBy::unit,
                      .age_restricted = false};
  r.price = Price{.sku = sku, .store = "ES-MAD-001", .unit_price = price, .valid_from = {}, .valid_to = {}};
  r.quantity = quantity;
  return r;
}

inline LineRequest weighed(const std::string& sku, Cents price_per_kg, std::int64_t grams,
                           const std::string& tax_class = "super_reduced") {
  LineRequest r = units(sku, price_per_kg, 1, tax_class);
  r.product.sold_by = SoldBy::weight;
  r.weight_grams = grams;
  return r;
}

inline SupervisorApproval supervisor() {
  return SupervisorApproval{"sup-7", "tok-123"};
}

}  // namespace storeedge::domain::testing
