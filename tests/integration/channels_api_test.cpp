// The channel API of the real storehub: the web shop places and cancels orders, the CRM upserts a
// customer and reads their loyalty balance and orders, the ERP loads catalog, prices, promotions
// and stock as JSON and CSV, and HQ reads the admin page. Bad input and bad keys change nothing.
#include <signal.h>

#include "tests/integration/daemon_fixture.hpp"

namespace storeedge::test {
namespace {

constexpr const char* kWebKey = "web-shop-key-0123456789";
constexpr const char* kErpKey = "erp-key-0123456789abcd";
constexpr const char* kAdminKey = "hq-admin-key-0123456789";

class ChannelsApiTest : public EdgeDaemonTest {
 protected:
  std::filesystem::path hub_config() const { return dir_ / "hub.toml"; }
  std::filesystem::path hub_addr() const { return dir_ / "hubdata" / "storehub.addr"; }

  void start_hub(const std::string& extra = "[channels]\napi_keys = [\"" + std::string(kWebKey) + "\", \"" +
                                            kErpKey +
                                            "\"]\nmax_load_bytes = 2097152\n[admin]\napi_keys = [\"" +
                                            kAdminKey + "\"]\n") {
    ASSERT_TRUE(
        write_file_atomically(hub_config(), "[hub]\ndata_dir = \"hubdata\"\n[http]\nport = 0\n" + extra));
    auto token =
        run_program(bin_dir() / "storehub",
                    {"--config", hub_config().string(), "issue-token", "--store", "0042"}, dir_ / "token");
    ASSERT_EQ(token.exit_code, 0) << token.err;
    token_ = token.out.substr(0, token.out.find('\n'));
    hub_ = std::make_unique<Process>(
        bin_dir() / "storehub", std::vector<std::string>{"--config", hub_config().string()}, dir_ / "hub");
    ASSERT_TRUE(eventually([&] { return published_port(hub_addr()) != 0; }, kStartDeadline))
        << hub_->stderr_text();
    hub_port_ = published_port(hub_addr());
  }

  http::ClientResponse call(const std::string& method, const std::string& target,
                            const std::string& body = {}, const std::string& key = kWebKey,
                            const std::string& type = "application/json") {
    std::map<std::string, std::string> headers;
    if (!key.empty()) headers["Authorization"] = "Bearer " + key;
    auto r =
        http::request("127.0.0.1", hub_port_, method, target, body, std::chrono::seconds(10), type, headers);
    EXPECT_TRUE(r) << method << " " << target << ": " << (r ? "" : r.error().what());
    return r ? *r : http::ClientResponse{};
  }

  boost::json::object ok(const http::ClientResponse& r, int status = 200) {
    EXPECT_EQ(r.status, status) << r.body;
    auto v = boost::json::parse(r.body);
    return v.is_object() ? v.as_object() : boost::json::object{};
  }

  // The error code and message of an error reply with `status`.
  std::string error(const http::ClientResponse& r, int status) {
    EXPECT_EQ(r.status, status) << r.body;
    auto v = boost::json::parse(r.body);
    if (!v.is_object() || !v.as_object().contains("error")) return "not an error body: " + r.body;
    const auto& e = v.as_object().at("error").as_object();
    return std::string(e.at("code").as_string()) + ": " + std::string(e.at("message").as_string());
  }

  void load_catalog() {
    ok(call("POST", "/channels/v1/catalog",
            R"({"tax_rates":[{"tax_class":"standard","rate_bp":2100,"name":"IVA general"}],
                "products":[{"sku":"SKU-A","name":"Olive oil","tax_class":"standard","gtins":["8410000000009"]},
                            {"sku":"SKU-B","name":"Red wine","tax_class":"standard","age_restricted":true}]})",
            kErpKey));
  }

  static std::string order(const std::string& id, std::int64_t quantity, const std::string& customer = "") {
    boost::json::object o{
        {"order_id", id},
        {"fulfilment", "pickup"},
        {"store_code", "0042"},
        {"lines", boost::json::array{boost::json::object{
                      {"sku", "SKU-A"}, {"quantity", quantity}, {"unit_price_cents", 450}}}},
        {"total_cents", quantity * 450},
        {"tax_cents", 0}};
    if (!customer.empty()) o["customer_id"] = customer;
    return boost::json::serialize(o);
  }

  std::int64_t stock(const std::string& sku) {
    return ok(call("GET", "/channels/v1/stock?store=0042&sku=" + sku, {}, kErpKey))["level"].as_int64();
  }

  std::unique_ptr<Process> hub_;
  std::uint16_t hub_port_ = 0;
  std::string token_;
};

TEST_F(ChannelsApiTest, WebShopPlacesAPickupOrderOnceReadsItAndCancelsIt) {
  start_hub();
  load_catalog();
  auto placed =
      ok(call("POST", "/channels/v1/orders", order("7b0e1c1a-0000-4000-8000-000000000001", 2)), 201);
  EXPECT_EQ(placed["status"], "pending");
  EXPECT_EQ(placed["fulfilment"], "pickup");
  EXPECT_EQ(placed["channel"], "web");
  EXPECT_EQ(placed["total_cents"], 900);
  auto again = ok(call("POST", "/channels/v1/orders", order("7b0e1c1a-0000-4000-8000-000000000001", 2)), 200);
  EXPECT_EQ(again["order_id"], placed["order_id"]);
  EXPECT_EQ(error(call("POST", "/channels/v1/orders", order("7b0e1c1a-0000-4000-8000-000000000001", 3)), 409)
                .substr(0, 15),
            "already_exists:");

  auto read = ok(call("GET", "/channels/v1/orders?id=7b0e1c1a-0000-4000-8000-000000000001"));
  EXPECT_EQ(read["status"], "pending");
  EXPECT_EQ(read["store_code"], "0042");
  EXPECT_EQ(read["total_cents"], 900) << "the conflicting placement changed nothing";

  auto cancelled = ok(call("POST", "/channels/v1/orders/status",
                           R"({"order_id":"7b0e1c1a-0000-4000-8000-000000000001","status":"cancelled"})"));
  EXPECT_EQ(cancelled["status"], "cancelled");
  EXPECT_EQ(ok(call("GET", "/channels/v1/orders?id=7b0e1c1a-0000-4000-8000-000000000001"))["status"],
            "cancelled");
  EXPECT_EQ(error(call("POST", "/channels/v1/orders/status",
                       R"({"order_id":"7b0e1c1a-0000-4000-8000-000000000001","status":"ready_for_pickup"})"),
                  409)
                .substr(0, 9),
            "conflict:");
  error(call("GET", "/channels/v1/orders?id=no-such-order"), 404);
  EXPECT_EQ(error(call("GET", "/channels/v1/orders"), 400),
            "invalid_request: query parameter 'id' is missing");

  // An order for an unknown SKU is refused whole and leaves no trace.
  std::string bad = order("7b0e1c1a-0000-4000-8000-000000000002", 1);
  bad.replace(bad.find("SKU-A"), 5, "SKU-Z");
  EXPECT_NE(error(call("POST", "/channels/v1/orders", bad), 400).find("SKU-Z"), std::string::npos);
  error(call("GET", "/channels/v1/orders?id=7b0e1c1a-0000-4000-8000-000000000002"), 404);
}

TEST_F(ChannelsApiTest, CrmUpsertsACustomerAndSeesLoyaltyAndOrders) {
  start_hub();
  load_catalog();
  auto profile = ok(call("POST", "/channels/v1/customers",
                         R"({"customer_id":"cust-ana","name":"Ana <Ruiz>","email":"ana@example.com",
                             "marketing_consent":true,"home_region":"north"})"));
  EXPECT_EQ(profile["name"], "Ana <Ruiz>");
  ok(call("POST", "/channels/v1/customers", R"({"customer_id":"cust-ana","phone":"+34600000001"})"));

  const std::string entry =
      R"({"entry_id":"crm-welcome-1","customer_id":"cust-ana","points":150,"kind":"earn"})";
  EXPECT_EQ(ok(call("POST", "/channels/v1/loyalty/entries", entry), 201)["balance"], 150);
  EXPECT_EQ(ok(call("POST", "/channels/v1/loyalty/entries", entry), 200)["balance"], 150)
      << "the same entry again counts once";
  EXPECT_EQ(ok(call("GET", "/channels/v1/loyalty/balance?customer=cust-ana"))["balance"], 150);
  ok(call("POST", "/channels/v1/loyalty/allowances",
          R"({"store_code":"0042","customer_id":"cust-ana","limit_points":100})"));

  ok(call("POST", "/channels/v1/orders", order("7b0e1c1a-0000-4000-8000-0000000000a1", 1, "cust-ana")), 201);

  auto view = ok(call("GET", "/channels/v1/customers?id=cust-ana"));
  EXPECT_EQ(view["name"], "Ana <Ruiz>");
  EXPECT_EQ(view["email"], "ana@example.com");
  EXPECT_EQ(view["phone"], "+34600000001") << "the second update kept the fields it did not send";
  EXPECT_EQ(view["loyalty_balance"], 150);
  ASSERT_EQ(view["orders"].as_array().size(), 1u);
  EXPECT_EQ(view["orders"].as_array()[0].as_object().at("order_id"), "7b0e1c1a-0000-4000-8000-0000000000a1");
  EXPECT_EQ(view["orders"].as_array()[0].as_object().at("channel"), "web");

  // A malformed update changes nothing.
  EXPECT_EQ(error(call("POST", "/channels/v1/customers", R"({"customer_id":"cust-ana","email":42})"), 400),
            "invalid_request: customer: field 'email' must be a string or null");
  EXPECT_EQ(ok(call("GET", "/channels/v1/customers?id=cust-ana"))["email"], "ana@example.com");
  error(call("GET", "/channels/v1/customers?id=nobody"), 404);
}

TEST_F(ChannelsApiTest, ErpLoadsJsonAndCsvAndABadRowWritesNothing) {
  start_hub();
  EXPECT_EQ(ok(call("POST", "/channels/v1/catalog",
                    R"({"tax_rates":[{"tax_class":"standard","rate_bp":2100,"name":"IVA general"}]})",
                    kErpKey))["written"],
            1);
  auto catalog =
      ok(call("POST", "/channels/v1/catalog",
              "sku,name,category,tax_class,sold_by,age_restricted,active,gtins\n"
              "SKU-A,\"Olive oil, 1 l\",pantry,standard,unit,false,true,8410000000009|8410000000016\n"
              "SKU-B,Red wine,drinks,standard,unit,true,true,\n",
              kErpKey, "text/csv"));
  EXPECT_EQ(catalog["written"], 2);
  EXPECT_EQ(ok(call("POST", "/channels/v1/prices",
                    "store_code,sku,unit_price_cents\n0042,SKU-A,450\n0042,SKU-B,899\n", kErpKey,
                    "text/csv"))["written"],
            2);
  EXPECT_EQ(
      ok(call("POST", "/channels/v1/promotions",
              "promotion_id,description,kind,percent_bp,skus\nP-10,10 % off,percent_off,1000,SKU-A|SKU-B\n",
              kErpKey, "text/csv; charset=utf-8"))["written"],
      1);
  ok(call("POST", "/channels/v1/stock", R"({"levels":[{"store_code":"0042","sku":"SKU-A","level":20}]})",
          kErpKey));
  EXPECT_EQ(stock("SKU-A"), 20);
  ok(call("POST", "/channels/v1/stock", "store_code,sku,level\n0042,SKU-A,12\n0042,SKU-B,5\n", kErpKey,
          "text/csv"));
  EXPECT_EQ(stock("SKU-A"), 12);
  EXPECT_EQ(stock("SKU-B"), 5);

  // A bad row in the middle refuses the whole file: the good rows before it are not written either.
  EXPECT_EQ(error(call("POST", "/channels/v1/stock", "store_code,sku,level\n0042,SKU-A,30\n0042,SKU-B,lots\n",
                       kErpKey, "text/csv"),
                  400),
            "invalid_request: stock CSV: line 3, column 'level' (column 3): 'lots' is not an integer");
  EXPECT_EQ(
      error(
          call(
              "POST", "/channels/v1/stock",
              R"({"levels":[{"store_code":"0042","sku":"SKU-A","level":30},{"store_code":"0042","sku":"SKU-B"}]})",
              kErpKey),
          400),
      "invalid_request: levels[1]: field 'level' is missing");
  error(call("POST", "/channels/v1/stock", "{not json", kErpKey), 400);
  EXPECT_EQ(stock("SKU-A"), 12);
  EXPECT_EQ(stock("SKU-B"), 5);
  // An item the storage refuses (unknown tax class) refuses the whole catalog.
  error(call("POST", "/channels/v1/catalog",
             "sku,name,tax_class\nSKU-C,Bread,standard\nSKU-D,Milk,nonexistent\n", kErpKey, "text/csv"),
        400);
  EXPECT_EQ(error(call("POST", "/channels/v1/prices", "store_code,sku,unit_price_cents\n0042,SKU-C,100\n",
                       kErpKey, "text/csv"),
                  400)
                    .find("SKU-C") != std::string::npos,
            true)
      << "SKU-C was not loaded, so it has no price";
}

TEST_F(ChannelsApiTest, BulkLoadsTakeLargerBodiesThanOtherRequests) {
  start_hub();
  load_catalog();
  // ~1.5 MiB of catalog (1000 products with long names): over the 1 MiB of ordinary requests, under the
  // 2 MiB configured for bulk loads.
  std::string csv = "sku,name,tax_class\n";
  for (int i = 0; i < 1000; ++i)
    csv += "SKU-P" + std::to_string(i) + "," + std::string(1500, 'n') + ",standard\n";
  ASSERT_GT(csv.size(), 1'500'000u);
  EXPECT_EQ(ok(call("POST", "/channels/v1/catalog", csv, kErpKey, "text/csv"))["written"], 1000);
  ok(call("POST", "/channels/v1/stock", "store_code,sku,level\n0042,SKU-P999,7\n", kErpKey, "text/csv"));
  EXPECT_EQ(stock("SKU-P999"), 7);

  std::string too_big = csv + csv;
  too_big.replace(too_big.find("SKU-P0,"), 7, "SKU-Q0,");
  EXPECT_EQ(error(call("POST", "/channels/v1/catalog", too_big, kErpKey, "text/csv"), 413),
            "body_too_large: request body exceeds 2097152 bytes");
  std::string big_order = order("7b0e1c1a-0000-4000-8000-0000000000b1", 1);
  big_order.insert(1, "\"pad\":\"" + std::string(1'100'000, 'x') + "\",");
  EXPECT_EQ(error(call("POST", "/channels/v1/orders", big_order), 413),
            "body_too_large: request body exceeds 1048576 bytes");
  error(call("GET", "/channels/v1/orders?id=7b0e1c1a-0000-4000-8000-0000000000b1"), 404);
  EXPECT_NE(error(call("POST", "/channels/v1/prices", "store_code,sku,unit_price_cents\n0042,SKU-Q0,1\n",
                       kErpKey, "text/csv"),
                  400)
                .find("SKU-Q0"),
            std::string::npos)
      << "the refused catalog added no product, so it cannot be priced";
}

TEST_F(ChannelsApiTest, MissingOrWrongKeysAreRefusedAndChangeNothing) {
  start_hub();
  load_catalog();
  EXPECT_EQ(error(call("POST", "/channels/v1/stock",
                       R"({"levels":[{"store_code":"0042","sku":"SKU-A","level":9}]})", ""),
                  401)
                .substr(0, 13),
            "unauthorized:");
  error(call("POST", "/channels/v1/stock", R"({"levels":[{"store_code":"0042","sku":"SKU-A","level":9}]})",
             "web-shop-key-012345678"),
        401);
  EXPECT_EQ(stock("SKU-A"), 0);
  error(call("GET", "/admin", {}, kWebKey), 401);  // channel keys do not open the admin page
  error(call("GET", "/admin", {}, ""), 401);
  for (const char* json_view : {"/admin/v1/nodes", "/admin/v1/gift_cards"}) {
    error(call("GET", json_view, {}, ""), 401);  // node ids and card balances are HQ's, like the page
    error(call("GET", json_view, {}, kWebKey), 401);
    EXPECT_EQ(call("GET", json_view, {}, kAdminKey).status, 200) << json_view;
  }
}

TEST_F(ChannelsApiTest, WithoutKeysTheChannelApiAndAdminPageAreDisabled) {
  start_hub("");
  EXPECT_EQ(error(call("GET", "/channels/v1/orders?id=x"), 403),
            "forbidden: channel API disabled: no channels.api_keys configured");
  error(call("GET", "/admin", {}, kAdminKey), 403);
  error(call("GET", "/admin/v1/nodes", {}, kAdminKey), 403);
  EXPECT_EQ(call("GET", "/health", {}, "").status, 200);
}

TEST_F(ChannelsApiTest, GiftCardsTakeTheConfiguredDefaultOfflineLimitAndABadOneStopsTheStart) {
  start_hub("[channels]\napi_keys = [\"" + std::string(kWebKey) +
            "\"]\n[gift_cards]\ndefault_offline_limit_cents = 1200\n");
  auto issued =
      ok(call("POST", "/channels/v1/gift_cards", R"({"card_id":"GC-1","currency":"EUR","amount_cents":900})"),
         201);
  EXPECT_EQ(issued["default_offline_limit_cents"], 1200);
  EXPECT_EQ(issued["balance_cents"], 900);

  const auto bad = dir_ / "bad-hub.toml";
  ASSERT_TRUE(write_file_atomically(
      bad, "[hub]\ndata_dir = \"baddata\"\n[gift_cards]\ndefault_offline_limit_cents = -5\n"));
  auto r = run_program(bin_dir() / "storehub", {"--config", bad.string(), "issue-token", "--store", "0042"},
                       dir_ / "bad");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("gift_cards.default_offline_limit_cents"), std::string::npos) << r.err;

  // Too few kept digests would weaken the check of restored tills: refused at start, with the key named.
  ASSERT_TRUE(write_file_atomically(bad, "[hub]\ndata_dir = \"baddata\"\nmutation_digests_per_node = 10\n"));
  r = run_program(bin_dir() / "storehub", {"--config", bad.string(), "issue-token", "--store", "0042"},
                  dir_ / "bad-digests");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("hub.mutation_digests_per_node"), std::string::npos) << r.err;
}

TEST_F(ChannelsApiTest, AdminPageListsAnEnrolledTill) {
  start_hub();
  write_config(edge_config_text(data_dir()) + "[sync]\nhub_url = \"http://127.0.0.1:" +
               std::to_string(hub_port_) + "\"\nenrollment_token = \"" + token_ + "\"\ninterval_ms = 200\n");
  start();
  const std::string node_id(health()["node_id"].as_string());
  ASSERT_FALSE(node_id.empty());
  http::ClientResponse page;
  EXPECT_TRUE(eventually(
      [&] {
        page = call("GET", "/admin", {}, kAdminKey);
        return page.body.find(node_id) != std::string::npos;
      },
      std::chrono::seconds(30)))
      << page.body << "\n"
      << daemon_->stderr_text();
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<h2>Nodes (1)</h2>"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("<td>0042</td>"), std::string::npos) << page.body;
  // A browser sends the key as a Basic password.
  auto basic = http::request("127.0.0.1", hub_port_, "GET", "/admin", {}, std::chrono::seconds(5),
                             "text/plain", {{"Authorization", "Basic aHE6aHEtYWRtaW4ta2V5LTAxMjM0NTY3ODk="}});
  ASSERT_TRUE(basic);
  EXPECT_EQ(basic->status, 200);
}

}  // namespace
}  // namespace storeedge::test
