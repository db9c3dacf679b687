// Selling through storeedged's local API on the demo store: what a POS page does.
#include <signal.h>

#include "platform/sqlite/database.hpp"
#include "tests/integration/daemon_fixture.hpp"

namespace storeedge::test {
namespace {

class CheckoutApiTest : public EdgeDaemonTest {
 protected:
  void SetUp() override {
    write_config(edge_config_text(data_dir()));
    auto demo = run_program(bin_dir() / "storectl", {"load-demo-data", "--config", config_path().string()},
                            dir_ / "demo");
    ASSERT_EQ(demo.exit_code, 0) << demo.err;
    // A unit-sold product with a price in force, by its barcode.
    auto db = sqlite::Database::open(data_dir() / "replica.db");
    ASSERT_TRUE(db);
    ean_ = demo_unit_ean(*db);
    ASSERT_FALSE(ean_.empty());
    sku_ = **db->query_one<std::string>("SELECT sku FROM product_gtin WHERE gtin14 = '0' || ?", ean_);
    start();
  }

  boost::json::object post(const std::string& path, const boost::json::object& body, int expected_status) {
    auto r = http::request("127.0.0.1", port_, "POST", path, boost::json::serialize(body));
    EXPECT_TRUE(r) << (r ? "" : r.error().what());
    if (!r) return {};
    EXPECT_EQ(r->status, expected_status) << path << " -> " << r->body;
    return boost::json::parse(r->body).as_object();
  }

  std::string ean_;
  std::string sku_;
};

TEST_F(CheckoutApiTest, ScanPayAndCompleteASaleThatSurvivesARestart) {
  auto cart = post("/api/v1/carts", {}, 201);
  const std::string cart_id(cart["cart_id"].as_string());
  cart = post("/api/v1/cart/scan", {{"cart_id", cart_id}, {"code", ean_}}, 200);
  cart = post("/api/v1/cart/scan", {{"cart_id", cart_id}, {"code", ean_}}, 200);
  ASSERT_EQ(cart["lines"].as_array().size(), 2u);
  const auto total = cart["totals"].as_object()["total_cents"].as_int64();
  ASSERT_GT(total, 0);

  cart = post("/api/v1/cart/tender", {{"cart_id", cart_id}, {"kind", "cash"}, {"amount_cents", total + 500}},
              200);
  EXPECT_EQ(cart["state"], "tendering");
  EXPECT_EQ(cart["totals"].as_object()["change_cents"].as_int64(), 500);
  auto done = post("/api/v1/cart/complete", {{"cart_id", cart_id}}, 201);
  EXPECT_EQ(done["receipt_number"], "0042-07-00000001");
  auto receipt = done["receipt"].as_object();
  EXPECT_NE(boost::json::serialize(receipt).find("agenciatributaria"), std::string::npos) << "fiscal QR URL";

  daemon_->signal(SIGTERM);
  ASSERT_TRUE(daemon_->wait_for(std::chrono::seconds(10)));
  start("after-restart");
  auto order = http::request("127.0.0.1", port_, "GET", "/api/v1/order?id=0042-07-00000001");
  ASSERT_TRUE(order);
  EXPECT_EQ(order->status, 200) << order->body;
  EXPECT_NE(order->body.find(std::string(done["order_id"].as_string())), std::string::npos);
  auto gone = http::request("127.0.0.1", port_, "GET", "/api/v1/cart?id=" + cart_id);
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 404) << "a completed cart is no longer open";
}

TEST_F(CheckoutApiTest, CashierFindsAProductBySkuAndSellsIt) {
  auto found = http::request("127.0.0.1", port_, "GET", "/api/v1/products?q=" + sku_);
  ASSERT_TRUE(found);
  ASSERT_EQ(found->status, 200) << found->body;
  auto products = boost::json::parse(found->body).as_object()["products"].as_array();
  ASSERT_FALSE(products.empty());
  EXPECT_EQ(products[0].as_object()["sku"].as_string(), sku_);
  EXPECT_GT(products[0].as_object()["unit_price_cents"].as_int64(), 0);
  auto cart = post("/api/v1/carts", {}, 201);
  cart = post("/api/v1/cart/items", {{"cart_id", cart["cart_id"]}, {"sku", sku_}, {"amount", 3}}, 200);
  EXPECT_EQ(cart["lines"].as_array()[0].as_object()["quantity"].as_int64(), 3);
  auto empty = http::request("127.0.0.1", port_, "GET", "/api/v1/products?q=");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 422);
}

TEST_F(CheckoutApiTest, BadInputIsAClearErrorAndChangesNothing) {
  auto cart = post("/api/v1/carts", {}, 201);
  const std::string cart_id(cart["cart_id"].as_string());
  post("/api/v1/cart/scan", {{"cart_id", cart_id}, {"code", ean_}}, 200);

  auto bad_digit = ean_;
  bad_digit.back() = bad_digit.back() == '0' ? '1' : '0';
  auto invalid = post("/api/v1/cart/scan", {{"cart_id", cart_id}, {"code", bad_digit}}, 422);
  EXPECT_NE(boost::json::serialize(invalid).find("check digit"), std::string::npos) << invalid;
  auto unknown = post("/api/v1/cart/scan", {{"cart_id", cart_id}, {"code", "4006381333931"}}, 404);
  EXPECT_NE(boost::json::serialize(unknown).find("4006381333931"), std::string::npos) << unknown;
  auto no_sku = post("/api/v1/cart/items", {{"cart_id", cart_id}, {"sku", "nope"}, {"amount", 1}}, 404);
  EXPECT_NE(boost::json::serialize(no_sku).find("no product with SKU 'nope'"), std::string::npos) << no_sku;
  auto zero = post("/api/v1/cart/items", {{"cart_id", cart_id}, {"sku", sku_}, {"amount", 0}}, 422);
  auto over =
      post("/api/v1/cart/tender", {{"cart_id", cart_id}, {"kind", "card"}, {"amount_cents", 99999999}}, 422);
  auto raw = http::request("127.0.0.1", port_, "POST", "/api/v1/cart/scan", "{not json");
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->status, 422);
  EXPECT_NE(raw->body.find("malformed JSON"), std::string::npos);

  auto now = http::request("127.0.0.1", port_, "GET", "/api/v1/cart?id=" + cart_id);
  ASSERT_TRUE(now);
  auto body = boost::json::parse(now->body).as_object();
  EXPECT_EQ(body["lines"].as_array().size(), 1u);
  EXPECT_EQ(body["state"], "open") << "a refused card tender must not start tendering";
  auto unpaid = post("/api/v1/cart/complete", {{"cart_id", cart_id}}, 409);
  auto missing = post("/api/v1/cart/scan", {{"cart_id", "no-such-cart"}, {"code", ean_}}, 404);
}

TEST_F(CheckoutApiTest, AGiftCardPaysPartOfASaleOfflineWithinItsLimit) {
  // Demo card 6280000000000001: issued at the hub, offline limit 50.00 for this till.
  const std::string card = "6280000000000001";
  auto cart = post("/api/v1/carts", {}, 201);
  const auto cart_id = cart["cart_id"];
  cart = post("/api/v1/cart/scan", {{"cart_id", cart_id}, {"code", ean_}}, 200);
  const auto total = cart["totals"].as_object()["total_cents"].as_int64();
  ASSERT_GT(total, 1);

  auto unknown = post(
      "/api/v1/cart/tender",
      {{"cart_id", cart_id}, {"kind", "gift_card"}, {"card_id", "6280999999999999"}, {"amount_cents", 1}},
      404);
  auto blocked = post(
      "/api/v1/cart/tender",
      {{"cart_id", cart_id}, {"kind", "gift_card"}, {"card_id", "6280000000000050"}, {"amount_cents", 1}},
      409);
  EXPECT_NE(boost::json::serialize(blocked).find("blocked"), std::string::npos) << blocked;
  auto over =
      post("/api/v1/cart/tender",
           {{"cart_id", cart_id}, {"kind", "gift_card"}, {"card_id", card}, {"amount_cents", 5001}}, 422);

  const std::int64_t from_card = total / 2;
  post("/api/v1/cart/tender",
       {{"cart_id", cart_id}, {"kind", "gift_card"}, {"card_id", card}, {"amount_cents", from_card}}, 200);
  post("/api/v1/cart/tender", {{"cart_id", cart_id}, {"kind", "cash"}, {"amount_cents", total}}, 200);
  auto done = post("/api/v1/cart/complete", {{"cart_id", cart_id}}, 201);
  const std::string order_id(done["order_id"].as_string());

  auto db = sqlite::Database::open(data_dir() / "replica.db");
  ASSERT_TRUE(db);
  EXPECT_EQ(**db->query_one<std::int64_t>(
                "SELECT amount_cents FROM gift_card_entry WHERE kind = 'redeem' AND order_id = ?", order_id),
            -from_card);
  EXPECT_EQ(**db->query_one<std::int64_t>("SELECT COUNT(*) FROM gift_card_entry WHERE kind = 'redeem'"), 1);
}

}  // namespace
}  // namespace storeedge::test
