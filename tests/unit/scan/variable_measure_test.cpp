// Variable-measure (restricted-circulation) EAN-13 decoded through store templates, and the GS1 price
// check digit.
#include <array>

#include <gtest/gtest.h>

#include "edge/domain/scan/variable_measure.hpp"

namespace storeedge::domain::scan {
namespace {

// 21 IIIII K PPPP C : price in cents with a 4-digit price check digit.
const VariableMeasureTemplate kPrice21{.prefix = "21",
                                       .item_offset = 2,
                                       .item_length = 5,
                                       .value = EmbeddedValue::price_cents,
                                       .value_offset = 8,
                                       .value_length = 4,
                                       .check_offset = 7};
// 20 IIIII WWWWW C : weight in grams, no price check digit.
const VariableMeasureTemplate kWeight20{.prefix = "20",
                                        .item_offset = 2,
                                        .item_length = 5,
                                        .value = EmbeddedValue::weight_grams,
                                        .value_offset = 7,
                                        .value_length = 5,
                                        .check_offset = std::nullopt};
// 22 IIII K PPPPP C : price with a 5-digit price check digit.
const VariableMeasureTemplate kPrice22{.prefix = "22",
                                       .item_offset = 2,
                                       .item_length = 4,
                                       .value = EmbeddedValue::price_cents,
                                       .value_offset = 7,
                                       .value_length = 5,
                                       .check_offset = 6};
const std::array kStore{kPrice21, kWeight20, kPrice22};

TEST(PriceCheckDigit, MatchesTheGs1Examples) {
  EXPECT_EQ(price_check_digit("2875").value(), '9');   // GS1 GenSpecs 4-digit example
  EXPECT_EQ(price_check_digit("14685").value(), '6');  // GS1 GenSpecs 5-digit example
  EXPECT_EQ(price_check_digit("0299").value(), '6');
  EXPECT_EQ(price_check_digit("123").error().message(), "price check digit needs 4 or 5 digits, got 3");
}

TEST(VariableMeasure, EmbeddedPriceWithCheckDigit) {
  auto r = decode_variable_measure("2112345602998", kStore);
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->lookup_key, "2112345");
  EXPECT_EQ(r->price_cents, 299);
  EXPECT_FALSE(r->weight_grams);
}

TEST(VariableMeasure, EmbeddedWeight) {
  auto r = decode_variable_measure("2012345012349", kStore);
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->lookup_key, "2012345");
  EXPECT_EQ(r->weight_grams, 1234);
  EXPECT_FALSE(r->price_cents);
}

TEST(VariableMeasure, FiveDigitPriceCheck) {
  auto r = decode_variable_measure("2212346146856", kStore);
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->lookup_key, "221234");
  EXPECT_EQ(r->price_cents, 14685);
}

TEST(VariableMeasure, WrongPriceCheckDigitIsRejected) {
  auto r = decode_variable_measure("2112345802992", kStore);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "price check digit is 8, expected 6 for 0299 in 2112345802992");
}

TEST(VariableMeasure, PrefixWithoutTemplateIsNotFound) {
  auto r = decode_variable_measure("2912345012342", kStore);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::not_found);
  EXPECT_EQ(r.error().message(),
            "restricted-circulation code 2912345012342 has prefix 29 but the store has no template for it");
}

TEST(VariableMeasure, LongestPrefixWins) {
  VariableMeasureTemplate wide = kWeight20;
  wide.prefix = "2";
  const std::array templates{wide, kPrice21};
  EXPECT_EQ(decode_variable_measure("2112345602998", templates)->price_cents, 299);
  EXPECT_EQ(decode_variable_measure("2912345012342", templates)->weight_grams, 1234);
}

TEST(VariableMeasure, BrokenTemplatesAreConfigErrors) {
  VariableMeasureTemplate t = kPrice21;
  t.prefix = "45";
  EXPECT_EQ(validate_template(t).error().kind(), Errc::config);
  t = kPrice21;
  t.value_offset = 10;  // would run into the EAN-13 check digit
  EXPECT_EQ(validate_template(t).error().message(),
            "variable-measure template for prefix \"21\": embedded value must be 1 to 9 digits within digits "
            "0..11");
  t = kPrice21;
  t.check_offset = 8;
  EXPECT_FALSE(validate_template(t));
  t = kWeight20;
  t.check_offset = 9;
  EXPECT_FALSE(validate_template(t));  // inside the weight
  t.check_offset = 1;                  // inside the prefix
  ASSERT_FALSE(validate_template(t));
  EXPECT_EQ(validate_template(t).error().message(),
            "variable-measure template for prefix \"20\": price check digit offset 1 overlaps the prefix, "
            "another field or the check digit");
  t = kPrice21;
  t.value_length = 3;
  ASSERT_FALSE(validate_template(t));
  EXPECT_EQ(validate_template(t).error().message(),
            "variable-measure template for prefix \"21\": a price check digit needs a 4 or 5 digit value");
  t = kPrice21;
  t.item_offset = 6;
  EXPECT_EQ(decode_variable_measure("2112345602998", std::array{t}).error().kind(), Errc::config);
}

TEST(VariableMeasure, PrefixRanges) {
  EXPECT_TRUE(is_variable_measure_prefix("0212345602997"));
  EXPECT_TRUE(is_variable_measure_prefix("2012345012349"));
  EXPECT_FALSE(is_variable_measure_prefix("4006381333931"));
  EXPECT_FALSE(is_variable_measure_prefix("0361234500005"));
}

}  // namespace
}  // namespace storeedge::domain::scan
