// UPC-E to UPC-A expansion: every last-digit rule, both number systems, check digit verification.
#include <gtest/gtest.h>

#include "edge/domain/scan/gtin.hpp"

namespace storeedge::domain::scan {
namespace {

TEST(UpcE, ExpandsByTheLastDigitRule) {
  EXPECT_EQ(expand_upce("04252614").value(), "042100005264");  // published example, last digit 1
  EXPECT_EQ(expand_upce("01234505").value(), "012000003455");  // 0: X1 X2 0 0000 X3 X4 X5
  EXPECT_EQ(expand_upce("01234514").value(), "012100003454");  // 1
  EXPECT_EQ(expand_upce("01234523").value(), "012200003453");  // 2
  EXPECT_EQ(expand_upce("01234531").value(), "012300000451");  // 3: X1 X2 X3 00000 X4 X5
  EXPECT_EQ(expand_upce("01234543").value(), "012340000053");  // 4: X1..X4 00000 X5
  EXPECT_EQ(expand_upce("01234558").value(), "012345000058");  // 5..9: X1..X5 0000 X6
  EXPECT_EQ(expand_upce("01234596").value(), "012345000096");
  EXPECT_EQ(expand_upce("11234562").value(), "112345000062");  // number system 1
}

TEST(UpcE, ExpansionIsAValidUpcA) {
  for (const char* code : {"04252614", "01234505", "01234531", "01234543", "11234562"}) {
    EXPECT_TRUE(validate_gtin(expand_upce(code).value())) << code;
  }
}

TEST(UpcE, WrongCheckDigitShowsTheExpansion) {
  EXPECT_EQ(expand_upce("04252615").error().message(),
            "check digit is 5, expected 4 (UPC-E 04252615 = UPC-A 042100005264)");
}

TEST(UpcE, RejectsOtherNumberSystemsLengthsAndCharacters) {
  EXPECT_EQ(expand_upce("24252614").error().message(), "UPC-E number system must be 0 or 1, got 2");
  EXPECT_EQ(expand_upce("0425261").error().message(), "UPC-E must be 8 digits, got 7");
  EXPECT_EQ(expand_upce("0425A614").error().message(), "non-digit character 'A' at position 5");
}

}  // namespace
}  // namespace storeedge::domain::scan
