#pragma once
// A replica on a temporary disk, a Spanish store (IVA as data), a VERI*FACTU recorder in test mode and
// helpers to build paid carts and count what a commit wrote.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "edge/domain/cart.hpp"
#include "edge/domain/fiscal/verifactu_recorder.hpp"
#include "edge/store/fiscal_rows.hpp"
#include "edge/store/journal.hpp"
#include "edge/store/replica.hpp"
#include "edge/store/sales.hpp"
#include "platform/clock.hpp"
#include "tests/support/temp_dir.hpp"

namespace storeedge::store::testing {

inline domain::CartConfig spain() {
  domain::CartConfig c;
  c.store = "0001";
  c.currency = "EUR";
  c.tax_rates = {{"general", 2100}, {"reduced", 1000}, {"super_reduced", 400}};
  return c;
}

inline domain::LineRequest units(const std::string& sku, domain::Cents price, std::int64_t quantity = 1,
                                 const std::string& tax_class = "general") {
  domain::LineRequest r;
  r.product = domain::Product{.sku = sku,
                              .gtins = {},
                              .name = "Item " + sku,
                              .category = "grocery",
                              .tax_class = tax_class,
                              .sold_by = domain::SoldBy::unit,
                              .age_restricted = false};
  r.price = domain::Price{.sku = sku, .store = "0001", .unit_price = price, .valid_from = {}, .valid_to = {}};
  r.quantity = quantity;
  return r;
}

inline domain::LineRequest weighed(const std::string& sku, domain::Cents per_kg, std::int64_t grams) {
  domain::LineRequest r = units(sku, per_kg, 1, "super_reduced");
  r.product.sold_by = domain::SoldBy::weight;
  r.weight_grams = grams;
  return r;
}

class SalesTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }

  void open(const ReplicaOptions& options = {}) {
    replica_.reset();
    auto r = Replica::open(dir_ / "replica.db", clock_, options);
    ASSERT_TRUE(r) << r.error().what();
    replica_ = std::make_unique<Replica>(std::move(*r));
  }

  sqlite::Database& db() { return replica_->db(); }

  SaleContext context(std::string device = "01") {
    return SaleContext{.store_code = "0001",
                       .device_code = std::move(device),
                       .channel = Channel::pos,
                       .cashier_id = "cashier-7",
                       .shift_id = std::nullopt,
                       .issuer_tax_id = "B12345674",
                       .recorder = recorder_,
                       .loyalty = {}};
  }

  // A cart with the given lines, in state tendering.
  domain::Cart tendering_cart(const std::vector<domain::LineRequest>& lines,
                              std::optional<domain::CustomerRef> customer = std::nullopt) {
    auto cart = domain::Cart::create("cart-" + std::to_string(++carts_), spain()).value();
    const auto now = unix_millis(clock_.now());
    for (const auto& l : lines) {
      EXPECT_TRUE(cart.add_line(l, now));
    }
    if (customer) {
      EXPECT_TRUE(cart.attach_customer(*customer));
    }
    EXPECT_TRUE(cart.begin_tendering(now));
    return cart;
  }

  // Paid in cash with `extra` cents of change.
  domain::Cart cash_paid_cart(const std::vector<domain::LineRequest>& lines, domain::Cents extra = 0,
                              std::optional<domain::CustomerRef> customer = std::nullopt) {
    domain::Cart cart = tendering_cart(lines, customer);
    EXPECT_TRUE(cart.pay_cash(cart.ledger()->remaining() + extra));
    return cart;
  }

  CompletedSale sell(domain::Cart& cart, std::string device = "01") {
    auto sale = complete_sale(*replica_, cart, context(std::move(device)), clock_);
    EXPECT_TRUE(sale) << sale.error().what();
    clock_.advance(std::chrono::seconds(30));
    return sale ? std::move(*sale) : CompletedSale{};
  }

  void add_customer(const std::string& id, std::int64_t points = 0) {
    ASSERT_TRUE(
        db().exec("INSERT INTO customer (customer_id, name, updated_at_ms) VALUES ('" + id + "', 'Ana', 0)"));
    if (points != 0) {
      ASSERT_TRUE(db().exec("INSERT INTO loyalty_entry VALUES ('hub-" + id + "', '" + id + "', " +
                            std::to_string(points) + ", 'hub', NULL, 'hub', 0)"));
    }
  }

  void grant_allowance(const std::string& id, std::int64_t points) {
    ASSERT_TRUE(db().exec("INSERT OR REPLACE INTO loyalty_allowance VALUES ('" + id + "', " +
                          std::to_string(points) + ", " + std::to_string(unix_millis(clock_.now())) + ")"));
  }

  std::int64_t count(const std::string& sql) {
    return db().query_one<std::int64_t>(sql).value().value_or(-1);
  }
  std::int64_t rows(const std::string& table) { return count("SELECT COUNT(*) FROM " + table); }

  std::int64_t stock_of(const std::string& sku) {
    return count("SELECT COALESCE(SUM(delta), 0) FROM stock_move WHERE sku = '" + sku + "'");
  }

  void expect_chains_verify() {
    auto chain = read_fiscal_chain(db());
    ASSERT_TRUE(chain) << chain.error().what();
    auto fiscal = recorder_.verify_chain(*chain);
    EXPECT_TRUE(fiscal) << fiscal.error().what();
    auto audit = verify_audit_chain(db());
    EXPECT_TRUE(audit) << audit.error().what();
  }

  test::TempDir dir_{"sales"};
  ManualClock clock_{std::chrono::system_clock::time_point{std::chrono::seconds{1'700'000'000}}};
  domain::fiscal::VerifactuRecorder recorder_{domain::fiscal::AeatEnvironment::test};
  std::unique_ptr<Replica> replica_;
  int carts_ = 0;
};

}  // namespace storeedge::store::testing
