// GTIN check digits, validation and the GTIN-14 / display forms, with published example codes.
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "edge/domain/scan/gtin.hpp"

namespace storeedge::domain::scan {
namespace {

TEST(Gtin, PublishedCodesValidateAndNormaliseToGtin14) {
  EXPECT_EQ(validate_gtin("4006381333931").value(), "04006381333931");   // EAN-13
  EXPECT_EQ(validate_gtin("9780306406157").value(), "09780306406157");   // ISBN-13 (Bookland EAN)
  EXPECT_EQ(validate_gtin("036000291452").value(), "00036000291452");    // UPC-A
  EXPECT_EQ(validate_gtin("96385074").value(), "00000096385074");        // EAN-8
  EXPECT_EQ(validate_gtin("09506000134352").value(), "09506000134352");  // GTIN-14 (GS1 example)
  EXPECT_EQ(validate_gtin("10012345000017").value(), "10012345000017");  // GTIN-14, indicator 1
}

TEST(Gtin, WrongCheckDigitNamesBothDigits) {
  auto r = validate_gtin("4006381333932");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
  EXPECT_EQ(r.error().message(), "check digit is 2, expected 1 (GTIN 4006381333932)");
}

TEST(Gtin, WrongLengthIsNamed) {
  auto r = validate_gtin("40063813339");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "GTIN must be 8, 12, 13 or 14 digits, got 11");
  EXPECT_EQ(validate_gtin("").error().message(), "GTIN must be 8, 12, 13 or 14 digits, got 0");
}

TEST(Gtin, NonDigitIsNamedWithItsPosition) {
  EXPECT_EQ(validate_gtin("400X381333931").error().message(), "non-digit character 'X' at position 4");
  EXPECT_EQ(validate_gtin(std::string("4006\x1d") + "1333931").error().message(),
            "non-digit character 0x1D at position 5");
}

TEST(Gtin, CanonicalFormDropsOnlyThePadding) {
  EXPECT_EQ(canonical_gtin("04006381333931"), "4006381333931");
  EXPECT_EQ(canonical_gtin("00036000291452"), "036000291452");
  EXPECT_EQ(canonical_gtin("00000096385074"), "96385074");
  EXPECT_EQ(canonical_gtin("10012345000017"), "10012345000017");
  for (const char* code : {"4006381333931", "036000291452", "96385074", "09506000134352"}) {
    EXPECT_EQ(validate_gtin(canonical_gtin(validate_gtin(code).value())).value(),
              validate_gtin(code).value());
  }
}

TEST(Gtin, EverySingleDigitChangeIsRejected) {
  for (std::string code : {"4006381333931", "036000291452", "96385074", "10012345000017"}) {
    for (std::size_t i = 0; i < code.size(); ++i) {
      for (char d = '0'; d <= '9'; ++d) {
        if (d == code[i]) continue;
        std::string bad = code;
        bad[i] = d;
        EXPECT_FALSE(validate_gtin(bad)) << bad;
      }
    }
  }
}

TEST(MakeEan13, AppendsThePublishedCheckDigit) {
  EXPECT_EQ(make_ean13("400638133393").value(), "4006381333931");
  EXPECT_EQ(make_ean13("978030640615").value(), "9780306406157");
  EXPECT_EQ(make_ean13("590123412345").value(), "5901234123457");
}

TEST(MakeEan13, EveryGeneratedCodeValidates) {
  std::mt19937 rng(20261123);
  std::uniform_int_distribution<int> digit(0, 9);
  for (int n = 0; n < 5000; ++n) {
    std::string body;
    for (int i = 0; i < 12; ++i) body += static_cast<char>('0' + digit(rng));
    auto code = make_ean13(body);
    ASSERT_TRUE(code) << body;
    ASSERT_EQ(code->substr(0, 12), body);
    EXPECT_EQ(validate_gtin(*code).value(), "0" + *code);
  }
}

TEST(MakeEan13, RejectsBadBodies) {
  EXPECT_EQ(make_ean13("12345").error().message(), "EAN-13 body must be 12 digits, got 5");
  EXPECT_EQ(make_ean13("12345678901A").error().message(), "non-digit character 'A' at position 12");
}

}  // namespace
}  // namespace storeedge::domain::scan
