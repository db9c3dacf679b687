// Reading a till's order payload: the hub reads the fields it applies and skips the contents of the
// rest (lines, tenders, ...), yet accepts and refuses exactly what a full JSON parse would.
#include <gtest/gtest.h>

#include <string>

#include "sync/hub/edge_payloads.hpp"

namespace storeedge::sync::hub {
namespace {

// A sale with `lines`, `stock` and `extra` spliced in as JSON text.
std::string order(const std::string& lines, const std::string& stock = R"([{"sku": "SKU-A", "delta": -2}])",
                  const std::string& extra = "") {
  return R"({"order_id": "o-1", "kind": "sale", "channel": "pos", "store_code": "0001", "customer_id": null,
             "currency": "EUR", "total": 1000, "created_at_ms": 1700000000000, "lines": )" +
         lines + R"(, "tenders": [{"kind": "cash", "amount": 1000, "meta": {"a": [1, 2, {"b": null}]}}],
             "stock": )" +
         stock + extra + "}";
}

std::string reason(const std::string& payload) {
  auto parsed = parse_edge_order(payload);
  return parsed ? std::string() : parsed.error().what();
}

TEST(EdgeOrderParse, ReadsTheFieldsItAppliesPastNestedLinesAndTenders) {
  auto o = parse_edge_order(order(R"([{"sku": "SKU-A", "quantity": 2, "tags": ["x", {"y": [true, 1.5]}]}])",
                                  R"([{"sku": "SKU-A", "delta": -2}, {"sku": "SKU-\u00e9", "delta": 1}])",
                                  R"(, "loyalty": [{"entry_id": "l-1", "customer_id": "c-1", "points": 10,
                                      "kind": "earn"}])"));
  ASSERT_TRUE(o) << o.error().what();
  EXPECT_EQ(o->order_id, "o-1");
  EXPECT_EQ(o->store_code, "0001");
  EXPECT_EQ(o->total_cents, 1000);
  EXPECT_EQ(o->created_at_ms, 1700000000000);
  EXPECT_FALSE(o->customer_id);
  ASSERT_EQ(o->stock.size(), 2u);
  EXPECT_EQ(o->stock[0].sku, "SKU-A");
  EXPECT_EQ(o->stock[0].delta, -2);
  EXPECT_EQ(o->stock[1].sku, "SKU-\xC3\xA9");
  ASSERT_EQ(o->loyalty.size(), 1u);
  EXPECT_EQ(o->loyalty[0].entry_id, "l-1");
  EXPECT_EQ(o->loyalty[0].points, 10);
}

TEST(EdgeOrderParse, RefusesAnOrderWithoutLinesOrWithLinesOfTheWrongKind) {
  EXPECT_NE(reason(order("[]")).find("has no lines"), std::string::npos) << reason(order("[]"));
  EXPECT_NE(reason(order(R"({"a": 1})")).find("field 'lines' must be an array"), std::string::npos);
  EXPECT_NE(reason(order("7")).find("field 'lines' must be an array"), std::string::npos);
}

TEST(EdgeOrderParse, RefusesWhatIsNotJsonEvenInsideSkippedFields) {
  EXPECT_NE(reason(order(R"([{"sku": "A",}])")).find("payload is not JSON"), std::string::npos);
  EXPECT_NE(reason(order(R"([{"sku": "A"}])") + " x").find("payload is not JSON"), std::string::npos);
  EXPECT_NE(reason(order(R"([{"sku": "\x"}])")).find("payload is not JSON"), std::string::npos);
  EXPECT_NE(reason(R"([{"order_id": "o-1"}])").find("payload is not a JSON object"), std::string::npos);
}

TEST(EdgeOrderParse, TheLastOfARepeatedFieldCounts) {
  auto o = parse_edge_order(order(R"([{"sku": "A"}])", R"([{"sku": "SKU-A", "delta": 0}])",
                                  R"(, "stock": [{"sku": "SKU-B", "delta": -1}], "lines": [1])"));
  ASSERT_TRUE(o) << o.error().what();
  ASSERT_EQ(o->stock.size(), 1u);
  EXPECT_EQ(o->stock[0].sku, "SKU-B");
  EXPECT_NE(reason(order(R"([{"sku": "A"}])", "[]", R"(, "lines": [])")).find("has no lines"),
            std::string::npos);
}

TEST(EdgeOrderParse, NamesTheStockEntryThatIsWrong) {
  EXPECT_NE(reason(order("[1]", R"([{"sku": "SKU-A", "delta": 0}])")).find("stock delta of SKU-A is zero"),
            std::string::npos);
  EXPECT_NE(
      reason(order("[1]", R"([{"sku": "SKU-A", "delta": 1.5}])")).find("field 'delta' must be an integer"),
      std::string::npos);
  EXPECT_NE(reason(order("[1]", R"([{"sku": "", "delta": 1}])")).find("field 'sku' is empty"),
            std::string::npos);
  EXPECT_NE(reason(order("[1]", R"([7])")).find("a stock entry is not an object"), std::string::npos);
}

}  // namespace
}  // namespace storeedge::sync::hub
