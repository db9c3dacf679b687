#pragma once
// A hub storage over a real SQLite file in a temporary directory, a manual clock, two stores in two
// regions with a small catalog, and builders for the payloads store nodes push.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "platform/clock.hpp"
#include "platform/sqlite/migrations.hpp"
#include "sync/hub/sqlite/sqlite_storage.hpp"
#include "tests/support/temp_dir.hpp"

namespace storeedge::sync::hub::testing {

inline constexpr std::string_view kNorth = "0001";  // region "north", customers by region
inline constexpr std::string_view kSouth = "0002";  // region "south", customers who bought there

class HubTest : public ::testing::Test {
  // Public: the builders are used by free helper functions in the tests too.
 public:
  void SetUp() override {
    reopen();
    ASSERT_TRUE(hub().upsert_store({std::string(kNorth), "north", CustomerScope::region}));
    ASSERT_TRUE(hub().upsert_store({std::string(kSouth), "south", CustomerScope::purchases}));
    ASSERT_TRUE(hub().register_node("node-n1", kNorth));
    ASSERT_TRUE(hub().register_node("node-n2", kNorth));
    ASSERT_TRUE(hub().register_node("node-s1", kSouth));
    CatalogLoad catalog;
    catalog.tax_rates = {{"standard", 2100, "IVA general"}, {"reduced", 1000, "IVA reducido"}};
    catalog.products = {
        {"SKU-A", "Olive oil 1l", "pantry", "reduced", "unit", false, true, {"8410000000009"}},
        {"SKU-B", "Red wine", "drinks", "standard", "unit", true, true, {}}};
    auto loaded = hub().load_catalog(catalog);
    ASSERT_TRUE(loaded) << loaded.error().what();
  }

  void reopen(const sqlite::OpenOptions& options = {}) {
    hub_.reset();
    auto s = SqliteStorage::open(dir_ / "hub.db", clock_, options);
    ASSERT_TRUE(s) << s.error().what();
    hub_ = std::move(*s);
  }

  SqliteStorage& hub() { return *hub_; }

  std::int64_t count(const std::string& table) {
    return hub().db().query_one<std::int64_t>("SELECT COUNT(*) FROM " + table).value().value();
  }

  static IncomingMutation mutation(std::string node, std::int64_t id, std::string kind, std::string payload,
                                   std::int64_t hlc_ms = 1'700'000'000'000) {
    IncomingMutation m;
    m.node_id = node;
    m.mutation_id = id;
    m.hlc = proto::NodeStamp{proto::hlc_stamp({static_cast<std::uint64_t>(hlc_ms), 0}), node};
    m.schema_version = 3;
    m.kind = std::move(kind);
    m.payload = std::move(payload);
    return m;
  }

  // An "order.completed" payload as edge/store/order_rows.cpp writes it.
  static std::string sale(const std::string& order_id, std::string_view store, const std::string& node,
                          std::vector<std::pair<std::string, std::int64_t>> stock,
                          std::optional<std::string> customer = std::nullopt, boost::json::array loyalty = {},
                          std::int64_t total = 1000) {
    boost::json::array deltas;
    for (const auto& [sku, delta] : stock)
      deltas.push_back(boost::json::object{{"sku", sku}, {"delta", delta}});
    boost::json::object line{{"line_no", 1},   {"sku", "SKU-A"},      {"description", "Olive oil 1l"},
                             {"quantity", 1},  {"unit_price", total}, {"gross", total},
                             {"discount", 0},  {"net", total},        {"tax_class", "reduced"},
                             {"rate_bp", 1000}};
    boost::json::value cust = customer ? boost::json::value(*customer) : boost::json::value(nullptr);
    return boost::json::serialize(boost::json::object{{"order_id", order_id},
                                                      {"kind", "sale"},
                                                      {"channel", "pos"},
                                                      {"store_code", store},
                                                      {"device_code", "01"},
                                                      {"node_id", node},
                                                      {"receipt_number", std::string(store) + "-01-00000001"},
                                                      {"shift_id", nullptr},
                                                      {"customer_id", cust},
                                                      {"original_order_id", nullptr},
                                                      {"currency", "EUR"},
                                                      {"total", total},
                                                      {"tax", 91},
                                                      {"created_at_ms", 1'700'000'000'000},
                                                      {"lines", boost::json::array{line}},
                                                      {"tenders", boost::json::array{}},
                                                      {"stock", deltas},
                                                      {"loyalty", std::move(loyalty)},
                                                      {"store_credit", boost::json::array{}}});
  }

  // Every change of `stream` a store's node sees from the beginning.
  std::vector<Change> pull_all(std::string_view store, std::string_view node, std::string_view stream) {
    PullRequest req{std::string(store), std::string(node), {{std::string(stream), ""}}, 10'000};
    auto r = hub().pull(req);
    EXPECT_TRUE(r) << r.error().what();
    return r ? r->changes : std::vector<Change>{};
  }

  static boost::json::object doc(const Change& c) { return boost::json::parse(c.payload).as_object(); }

  ManualClock clock_;
  test::TempDir dir_{"hub"};
  std::unique_ptr<SqliteStorage> hub_;
};

}  // namespace storeedge::sync::hub::testing

namespace storeedge::sync::hub {
// For upgrade tests: a hub database as the first `version` migrations left it, with `rows` (SQL)
// written into it, then opened as the hub opens it (which runs the later migrations).
inline Result<std::unique_ptr<SqliteStorage>> upgraded_hub(const std::filesystem::path& file,
                                                           const Clock& clock, std::size_t version,
                                                           const std::string& rows) {
  {
    auto db = sqlite::Database::open(file);
    if (!db) return fail(db.error());
    if (auto s = sqlite::migrate(*db, hub_migrations().first(version)); !s) return fail(s.error());
    if (auto s = db->exec(rows); !s) return fail(s.error());
  }
  return SqliteStorage::open(file, clock);
}

// Readable outcomes in assertion messages.
inline void PrintTo(Outcome o, std::ostream* os) {
  *os << to_string(o);
}
}  // namespace storeedge::sync::hub
