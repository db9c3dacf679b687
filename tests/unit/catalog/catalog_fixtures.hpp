#pragma once
// A fresh replica with a small hand-made catalog: the fixture every catalog test starts from.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "edge/store/catalog.hpp"
#include "edge/store/replica.hpp"
#include "platform/sha256.hpp"
#include "platform/sqlite/transaction.hpp"
#include "tests/support/temp_dir.hpp"

namespace storeedge::store::test {

inline constexpr domain::UnixMillis kNow = 1'700'000'000'000;
inline constexpr domain::UnixMillis kDay = 86'400'000;
inline constexpr std::string_view kStore = "0042";

// SHA-256 over every row of `table` in a total order (all columns), NULL told apart from "".
inline std::string table_digest(sqlite::Database& db, const std::string& table) {
  auto probe = db.prepare("SELECT * FROM " + table);
  if (!probe) return "error: " + probe.error().what();
  const int columns = probe->column_count();
  std::string sql = "SELECT * FROM " + table + " ORDER BY ";
  for (int i = 1; i <= columns; ++i) sql += (i > 1 ? ", " : "") + std::to_string(i);
  auto stmt = db.prepare(sql);
  if (!stmt) return "error: " + stmt.error().what();
  std::string rows;
  while (true) {
    auto row = stmt->step();
    if (!row) return "error: " + row.error().what();
    if (!*row) break;
    for (int c = 0; c < columns; ++c) {
      if (stmt->column_is_null(c)) {
        rows += "N|";
      } else {
        const std::string v = stmt->column_text(c);
        rows += std::to_string(v.size()) + ":" + v + "|";
      }
    }
    rows += "\n";
  }
  return sha256_hex(rows);
}

inline std::string catalog_digest(sqlite::Database& db) {
  std::string all;
  for (const char* t :
       {"tax_rate", "product", "product_gtin", "price", "promotion", "promotion_sku", "scan_template"}) {
    all += table_digest(db, t);
  }
  return all;
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Replica::open(dir_ / "replica.db", clock_);
    ASSERT_TRUE(r) << r.error().what();
    replica_.emplace(std::move(*r));
    repo_.emplace(db());
  }
  sqlite::Database& db() { return replica_->db(); }
  CatalogRepository& repo() { return *repo_; }

  // Runs `write` in a transaction, committing only when it succeeds.
  template <class Write>
  Status in_tx(Write write) {
    auto tx = sqlite::Transaction::begin(db());
    if (!tx) return fail(tx.error());
    Status s = write(repo());
    if (!s) return s;
    return tx->commit();
  }

  void add_tax_rates() {
    ASSERT_TRUE(in_tx([](CatalogRepository& r) -> Status {
      for (auto [cls, bp] : {std::pair{"general", 2100}, {"reduced", 1000}, {"super_reduced", 400}}) {
        if (auto s = r.upsert_tax_rate({cls, bp}, std::string("IVA ") + cls); !s) return s;
      }
      return {};
    }));
  }

  static domain::Product milk() {
    return {.sku = "100001",
            .gtins = {"8412345678905"},
            .name = "Leche entera 1 L",
            .category = "Leche",
            .tax_class = "super_reduced"};
  }

  static domain::Price price(std::string sku, domain::Cents cents,
                             std::optional<domain::UnixMillis> from = {},
                             std::optional<domain::UnixMillis> to = {}) {
    return {.sku = std::move(sku),
            .store = std::string(kStore),
            .unit_price = cents,
            .valid_from = from,
            .valid_to = to};
  }

  storeedge::test::TempDir dir_;
  ManualClock clock_;
  std::optional<Replica> replica_;
  std::optional<CatalogRepository> repo_;
};

}  // namespace storeedge::store::test
