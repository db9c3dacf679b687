// Bootstrapping a catalog through the puller against a real hub storage engine: large requests are
// applied in chunks bounded by count and by time on the write lock, cursors commit with each
// result's last chunk, and a bootstrap stopped part-way resumes from the saved cursors without
// duplicating or losing a row.
#include "tests/unit/sync_client/sync_fixture.hpp"

namespace storeedge::sync::client::testing {
namespace {

constexpr int kProducts = 100;  // + 2 tax rates in the catalog stream, + 100 prices

// Monotonic time moves 10 ms every time it is read: each applied change "takes" 10 ms.
class TickingClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::time_point{std::chrono::seconds{1'700'000'000}};
  }
  std::chrono::steady_clock::time_point steady_now() const override {
    steady_ += std::chrono::milliseconds(10);
    return steady_;
  }

 private:
  mutable std::chrono::steady_clock::time_point steady_{};
};

class BootstrapTest : public SyncTest {
 protected:
  void SetUp() override {
    SyncTest::SetUp();
    hub::CatalogLoad catalog;
    catalog.tax_rates = {{"general", 2100, "IVA general"}, {"reduced", 1000, "IVA reducido"}};
    std::vector<hub::Price> prices;
    for (int i = 0; i < kProducts; ++i) {
      const std::string sku = "B" + std::to_string(100000 + i);
      catalog.products.push_back({sku, "Producto " + sku, "despensa", "general", "unit", false, true, {}});
      prices.push_back({"0001", sku, 100 + i, 0, std::nullopt});
    }
    ASSERT_TRUE(hub_->load_catalog(catalog));
    ASSERT_TRUE(hub_->load_prices(prices));
  }

  PullOptions options(std::size_t chunk, std::uint32_t max_changes) {
    PullOptions o;
    o.store_code = "0001";
    o.chunk_size = chunk;
    o.max_changes = max_changes;
    return o;
  }
};

TEST_F(BootstrapTest, LargeRequestsAreAppliedInChunksOfAtMostChunkSize) {
  Puller p(*replica_, *channel_, clock_, options(/*chunk=*/7, /*max_changes=*/50));
  auto report = p.pull();
  ASSERT_TRUE(report) << report.error().what();
  EXPECT_FALSE(report->more);
  EXPECT_EQ(report->received, 2 + 2 * kProducts);
  EXPECT_EQ(report->rounds, 5);          // 50 + 50 + 50 + 50 + 2
  EXPECT_EQ(report->chunks, 4 * 8 + 1);  // ceil(50 / 7) per full result
  EXPECT_EQ(rows("product"), kProducts);
  EXPECT_EQ(rows("price"), kProducts);
}

TEST_F(BootstrapTest, AChunkCommitsOnceItHasHeldTheWriteLockForChunkTime) {
  TickingClock ticking;
  PullOptions o = options(/*chunk=*/1000, /*max_changes=*/50);
  o.chunk_time = std::chrono::milliseconds(50);
  Puller p(*replica_, *channel_, ticking, o);
  auto report = p.pull();
  ASSERT_TRUE(report) << report.error().what();
  // 10 ms per change: a chunk holds 5 changes, not the whole 50-change result.
  EXPECT_EQ(report->chunks, 4 * 10 + 1);
  EXPECT_EQ(rows("product"), kProducts);
  EXPECT_EQ(rows("price"), kProducts);
}

TEST_F(BootstrapTest, AStoppedBootstrapResumesFromTheSavedCursorsWithoutDuplicates) {
  PullOptions o = options(/*chunk=*/7, /*max_changes=*/50);
  o.max_rounds = 2;  // the daemon stops after two requests
  {
    Puller first(*replica_, *channel_, clock_, o);
    auto report = first.pull();
    ASSERT_TRUE(report) << report.error().what();
    EXPECT_TRUE(report->more);
    EXPECT_EQ(report->received, 100);
  }
  EXPECT_EQ(rows("product"), 98);  // 2 tax rates + 98 products
  EXPECT_EQ(rows("price"), 0);

  o.max_rounds = 20;  // restarted: a new puller on the same replica
  Puller second(*replica_, *channel_, clock_, o);
  auto report = second.pull();
  ASSERT_TRUE(report) << report.error().what();
  EXPECT_FALSE(report->more);
  EXPECT_EQ(report->received, 2 + 2 * kProducts - 100) << "only what the saved cursors had not covered";
  EXPECT_EQ(rows("product"), kProducts);
  EXPECT_EQ(rows("product_gtin"), 0);
  EXPECT_EQ(rows("price"), kProducts);
}

TEST_F(BootstrapTest, AFailureMidResultKeepsTheCommittedChunksAndReplaysOnlyThatResult) {
  // The replica refuses one price half-way through the third result, as a full disk would.
  ASSERT_TRUE(
      db().exec("CREATE TEMP TRIGGER fail_price BEFORE INSERT ON price WHEN NEW.sku = 'B100020' "
                "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"));
  Puller p(*replica_, *channel_, clock_, options(/*chunk=*/7, /*max_changes=*/50));
  auto failed = p.pull();
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().what().find("injected failure"), std::string::npos) << failed.error().what();
  EXPECT_EQ(rows("product"), kProducts);
  // The third result is 2 products + 48 prices; its three chunks before B100020's committed.
  EXPECT_EQ(rows("price"), 19);
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM sync_cursor WHERE stream = 'prices' AND CAST(cursor AS TEXT) LIKE '%.0'"),
      1)
      << "the prices cursor must not run ahead of the data";

  ASSERT_TRUE(db().exec("DROP TRIGGER fail_price"));
  auto ok = p.pull();
  ASSERT_TRUE(ok) << ok.error().what();
  EXPECT_EQ(ok->received, 2 + 2 * kProducts - 100) << "the failed result is replayed from its start";
  EXPECT_EQ(rows("product"), kProducts);
  EXPECT_EQ(rows("price"), kProducts);
}

}  // namespace
}  // namespace storeedge::sync::client::testing
