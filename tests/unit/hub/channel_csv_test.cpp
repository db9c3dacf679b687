// The ERP's CSV files: RFC 4180 quoting, a header naming the columns, and errors that name the line
// and column of the first bad cell so that the ERP can fix its export.
#include <gtest/gtest.h>

#include "sync/hub/channel_csv.hpp"

namespace storeedge::sync::hub::channels {
namespace {

std::string error_of(const auto& result) {
  EXPECT_FALSE(result) << "expected an error";
  if (result) return {};
  EXPECT_EQ(result.error().kind(), Errc::invalid_argument);
  return result.error().message();
}

TEST(ChannelCsv, QuotedFieldsKeepCommasQuotesNewlinesAndSpaces) {
  auto r = read_csv("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\" padded \"\n\"two\nlines\",,last\n");
  ASSERT_TRUE(r) << r.error().what();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[1].fields, (std::vector<std::string>{"x, y", "say \"hi\"", " padded "}));
  EXPECT_EQ((*r)[2].fields, (std::vector<std::string>{"two\nlines", "", "last"}));
  EXPECT_EQ((*r)[1].line, 2u);
  EXPECT_EQ((*r)[2].line, 3u);
}

TEST(ChannelCsv, AnUnclosedQuoteNamesItsLine) {
  EXPECT_NE(error_of(read_csv("a,b\n1,2\n\"open,3\n")).find("line 3"), std::string::npos);
  EXPECT_NE(error_of(read_csv("a,b\n1,x\"y\n")).find("line 2"), std::string::npos);
  EXPECT_EQ(
      error_of(parse_stock_csv("store_code,sku,level\n0001,\"SKU-1\"x,4\n")),
      "stock CSV: line 2: malformed quoting (a quote inside an unquoted field, text after a closing quote, "
      "or a quote never closed)");
}

TEST(ChannelCsv, CatalogRowsBecomeProductsWithTheirGtins) {
  auto r = parse_catalog_csv(
      "sku,name,category,tax_class,sold_by,age_restricted,active,gtins\n"
      "SKU-1,\"Oil, extra virgin\",pantry,reduced,unit,false,true,8410000000009|8410000000016\n"
      "SKU-2,Wine,drinks,standard,,1,0,\n");
  ASSERT_TRUE(r) << r.error().what();
  ASSERT_EQ(r->products.size(), 2u);
  EXPECT_EQ(r->products[0].name, "Oil, extra virgin");
  EXPECT_EQ(r->products[0].gtins, (std::vector<std::string>{"8410000000009", "8410000000016"}));
  EXPECT_EQ(r->products[1].sold_by, "unit") << "an empty cell takes the default";
  EXPECT_TRUE(r->products[1].age_restricted);
  EXPECT_FALSE(r->products[1].active);
  EXPECT_TRUE(r->products[1].gtins.empty());
}

TEST(ChannelCsv, ColumnsMayComeInAnyOrder) {
  auto r = parse_stock_csv("level,sku,store_code\n12,SKU-1,0001\n");
  ASSERT_TRUE(r) << r.error().what();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].store_code, "0001");
  EXPECT_EQ((*r)[0].level, 12);
}

TEST(ChannelCsv, BadCellsNameLineAndColumn) {
  EXPECT_EQ(error_of(parse_stock_csv("store_code,sku,level\n0001,SKU-1,5\n0001,SKU-2,ten\n")),
            "stock CSV: line 3, column 'level' (column 3): 'ten' is not an integer");
  EXPECT_EQ(error_of(parse_prices_csv("store_code,sku,unit_price_cents\n0001,,100\n")),
            "prices CSV: line 2, column 'sku' (column 2): is empty");
  EXPECT_EQ(error_of(parse_catalog_csv("sku,name,tax_class,active\nS,N,standard,yes\n")),
            "catalog CSV: line 2, column 'active' (column 4): 'yes' is not true, false, 1 or 0");
  EXPECT_EQ(error_of(parse_promotions_csv("promotion_id,kind,skus\nP1,percent_off,A||B\n")),
            "promotions CSV: line 2, column 'skus' (column 3): has an empty item in 'A||B'");
  EXPECT_EQ(error_of(parse_stock_csv("store_code,sku,level\n0001,SKU-1\n")),
            "stock CSV: line 2: 2 fields, the header has 3");
}

TEST(ChannelCsv, TheHeaderMustNameKnownColumnsAndEveryRequiredOne) {
  EXPECT_EQ(error_of(parse_stock_csv("")), "stock CSV: no header row");
  EXPECT_EQ(error_of(parse_stock_csv("store_code,sku\n")), "stock CSV: line 1: missing column 'level'");
  EXPECT_EQ(error_of(parse_stock_csv("store_code,sku,level,colour\n")),
            "stock CSV: line 1: unknown column 'colour' (column 4)");
  EXPECT_EQ(error_of(parse_stock_csv("store_code,sku,level,sku\n")),
            "stock CSV: line 1: column 'sku' appears twice");
}

TEST(ChannelCsv, PromotionsReadEveryColumn) {
  auto r = parse_promotions_csv(
      "promotion_id,description,kind,percent_bp,amount_cents,group_size,discounted_units,threshold_cents,"
      "members_only,stackable,valid_from_ms,valid_to_ms,skus,withdrawn\n"
      "P-3X2,3 for 2,group_discount,10000,,3,1,,true,false,1000,2000,SKU-A|SKU-B,false\n");
  ASSERT_TRUE(r) << r.error().what();
  ASSERT_EQ(r->size(), 1u);
  const auto& p = r->front();
  EXPECT_EQ(p.kind, "group_discount");
  EXPECT_EQ(p.group_size, 3);
  EXPECT_EQ(p.discounted_units, 1);
  EXPECT_TRUE(p.members_only);
  EXPECT_EQ(p.valid_from_ms, 1000);
  EXPECT_EQ(p.valid_to_ms, 2000);
  EXPECT_EQ(p.skus, (std::vector<std::string>{"SKU-A", "SKU-B"}));
}

TEST(ChannelCsv, PricesWithoutValidityStartAtZeroAndNeverEnd) {
  auto r = parse_prices_csv("store_code,sku,unit_price_cents,valid_to_ms\n0001,SKU-A,450,\n");
  ASSERT_TRUE(r) << r.error().what();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].unit_price_cents, 450);
  EXPECT_EQ((*r)[0].valid_from_ms, 0);
  EXPECT_FALSE((*r)[0].valid_to_ms);
}

}  // namespace
}  // namespace storeedge::sync::hub::channels
