// GS1 Digital Link URLs: GTIN path key, qualifiers, query AIs, custom domains and path prefixes.
#include <vector>

#include <gtest/gtest.h>

#include "edge/domain/scan/digital_link.hpp"

namespace storeedge::domain::scan {
namespace {

TEST(DigitalLink, GtinQualifierAndQueryAis) {
  auto r = parse_digital_link("https://id.gs1.org/01/09506000134352/10/ABC?17=261231");
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(*r, (std::vector<AiField>{{"01", "09506000134352"}, {"10", "ABC"}, {"17", "261231"}}));
}

TEST(DigitalLink, CustomDomainPathPrefixShortGtinAndOtherParameters) {
  auto r = parse_digital_link(
      "HTTPS://shop.example.com/p/fresh/01/9506000134352?3103=000450&linkType=gs1:pip#top");
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(*r, (std::vector<AiField>{{"01", "09506000134352"}, {"3103", "000450"}}));
}

TEST(DigitalLink, AliasesAndPercentEscapes) {
  auto r = parse_digital_link("http://example.com/gtin/09506000134352/lot/A%2F1/ser/X%2542");
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(*r, (std::vector<AiField>{{"01", "09506000134352"}, {"10", "A/1"}, {"21", "X%42"}}));
}

TEST(DigitalLink, InvalidLinksAreExplained) {
  EXPECT_EQ(parse_digital_link("https://id.gs1.org/01/09506000134353").error().what(),
            "Digital Link path: AI 01: check digit is 3, expected 2 (GTIN 09506000134353)");
  EXPECT_EQ(parse_digital_link("https://example.com/products/123").error().what(),
            "Digital Link has no GTIN path key /01/<gtin>");
  EXPECT_EQ(parse_digital_link("https://id.gs1.org/01/09506000134352/10").error().what(),
            "Digital Link path key \"10\" has no value");
  EXPECT_EQ(parse_digital_link("https://id.gs1.org/01/09506000134352?17=261232").error().what(),
            "Digital Link query: AI 17: day 32 in date 261232 is past the end of the month (31)");
  EXPECT_EQ(parse_digital_link("https://id.gs1.org/01/09506000134352?99999=1").error().what(),
            "Digital Link query: unknown GS1 Application Identifier 99999");
  EXPECT_EQ(parse_digital_link("https://id.gs1.org/01/09506000134352/10/A%G1").error().what(),
            "Digital Link path: AI 10: malformed %-escape in \"A%G1\"");
  EXPECT_EQ(parse_digital_link("https://id.gs1.org/01/09506000134352/10/A%0A").error().what(),
            "Digital Link path: AI 10: character 0x0A at position 2 is not allowed in GS1 data");
  EXPECT_EQ(parse_digital_link("https:///01/09506000134352").error().what(), "Digital Link has no host");
  EXPECT_EQ(parse_digital_link("https://id.gs1.org/01/09506000134352/xyz/1").error().what(),
            "Digital Link path: path key \"xyz\" is not a GS1 Application Identifier");
}

}  // namespace
}  // namespace storeedge::domain::scan
