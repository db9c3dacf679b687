#pragma once
// Starts the real storeedged binary on an ephemeral loopback port in a fresh data directory.
#include <boost/json.hpp>
#include <fstream>
#include <memory>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "platform/atomic_file.hpp"
#include "platform/http/client.hpp"
#include "platform/sqlite/database.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace storeedge::test {

inline constexpr auto kStartDeadline = std::chrono::seconds(20);

inline std::string edge_config_text(const std::filesystem::path& data_dir,
                                    const std::string& level = "info") {
  return "[node]\nstore_code = \"0042\"\ndevice_code = \"07\"\ndata_dir = \"" + data_dir.string() +
         "\"\n[http]\nport = 0\n[log]\nlevel = \"" + level + "\"\n";
}

// host:port the daemon published in its data directory, or 0 while it has not.
inline std::uint16_t published_port(const std::filesystem::path& address_file) {
  auto text = read_file(address_file);
  if (!text || text->find('\n') == std::string::npos) return 0;
  return static_cast<std::uint16_t>(std::stoi(text->substr(text->rfind(':') + 1)));
}

// The EAN-13 of the demo store's first unit-sold, unrestricted product with a price in force (empty
// when there is none): what the tests scan.
inline std::string demo_unit_ean(sqlite::Database& replica) {
  auto ean = replica.query_one<std::string>(
      "SELECT substr(g.gtin14, 2) FROM product p JOIN product_gtin g USING (sku) JOIN price r USING (sku) "
      "WHERE p.sold_by = 'unit' AND p.active = 1 AND p.age_restricted = 0 AND r.valid_to_ms IS NULL "
      "AND g.gtin14 LIKE '084%' ORDER BY p.sku LIMIT 1");
  return ean && *ean ? **ean : std::string();
}

// What the hub holds for a store against the orders its tills acknowledged.
struct HubDelivery {
  std::size_t lost = 0;        // acknowledged, not at the hub
  std::size_t duplicated = 0;  // extra copies of acknowledged orders
  std::size_t unexpected = 0;  // at the hub, never acknowledged
  std::size_t at_hub = 0;      // order rows at the hub for the store
};

inline HubDelivery hub_delivery(sqlite::Database& hub_db, const std::string& store_code,
                                const std::set<std::string>& acknowledged) {
  HubDelivery d;
  std::multiset<std::string> at_hub;
  auto rows = hub_db.prepare("SELECT order_id FROM hub_order WHERE store_code = ?");
  EXPECT_TRUE(rows && rows->bind_all(store_code));
  while (rows && rows->step().value_or(false)) at_hub.insert(rows->column_text(0));
  d.at_hub = at_hub.size();
  for (const auto& id : acknowledged) {
    const std::size_t n = at_hub.count(id);
    if (n == 0) ++d.lost;
    if (n > 1) d.duplicated += n - 1;
  }
  for (const auto& id : at_hub) {
    if (!acknowledged.contains(id)) ++d.unexpected;
  }
  return d;
}

class EdgeDaemonTest : public ::testing::Test {
 protected:
  std::filesystem::path config_path() const { return dir_ / "storeedged.toml"; }
  std::filesystem::path data_dir() const { return dir_ / "data"; }
  std::filesystem::path address_file() const { return data_dir() / "storeedged.addr"; }

  void write_config(const std::string& text) { ASSERT_TRUE(write_file_atomically(config_path(), text)); }

  // Starts storeedged and waits until it serves; the port is in port_.
  void start(const std::string& name = "edge") {
    if (!std::filesystem::exists(config_path())) write_config(edge_config_text(data_dir()));
    daemon_ = std::make_unique<Process>(bin_dir() / "storeedged",
                                        std::vector<std::string>{"--config", config_path()}, dir_ / name);
    ASSERT_TRUE(eventually([&] { return published_port(address_file()) != 0 || !daemon_->running(); },
                           kStartDeadline))
        << "storeedged did not publish its address; stderr:\n"
        << daemon_->stderr_text();
    ASSERT_TRUE(daemon_->running()) << daemon_->stderr_text();
    port_ = published_port(address_file());
  }

  boost::json::object health() {
    auto r = http::request("127.0.0.1", port_, "GET", "/health");
    EXPECT_TRUE(r) << (r ? "" : r.error().what());
    if (!r) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    return boost::json::parse(r->body).as_object();
  }

  // POSTs to the local API; a non-2xx reply fails the test (saying so if storeedged died) and gives {}.
  boost::json::object post(const std::string& path, const boost::json::object& body) {
    auto r = http::request("127.0.0.1", port_, "POST", path, boost::json::serialize(body));
    EXPECT_TRUE(r && r->status / 100 == 2)
        << path << " -> " << (r ? r->body : r.error().what())
        << (daemon_->running() ? "" : "\nstoreedged died:\n" + daemon_->stderr_text());
    return r && r->status / 100 == 2 ? boost::json::parse(r->body).as_object() : boost::json::object{};
  }

  // `count` cash sales of one `ean` each through the local API: the order ids the till acknowledged.
  std::set<std::string> sell_cash(const std::string& ean, int count) {
    std::set<std::string> ids;
    for (int i = 0; i < count; ++i) {
      auto cart = post("/api/v1/carts", {});
      const auto id = cart["cart_id"];
      cart = post("/api/v1/cart/scan", {{"cart_id", id}, {"code", ean}});
      if (!cart.contains("totals")) break;  // post() has failed the test
      const auto total = cart["totals"].as_object()["total_cents"].as_int64();
      post("/api/v1/cart/tender", {{"cart_id", id}, {"kind", "cash"}, {"amount_cents", total}});
      auto done = post("/api/v1/cart/complete", {{"cart_id", id}});
      if (!done.contains("order_id")) break;
      ids.insert(std::string(done["order_id"].as_string()));
    }
    EXPECT_EQ(ids.size(), static_cast<std::size_t>(count));
    return ids;
  }

  TempDir dir_;
  std::unique_ptr<Process> daemon_;
  std::uint16_t port_ = 0;
};

}  // namespace storeedge::test
