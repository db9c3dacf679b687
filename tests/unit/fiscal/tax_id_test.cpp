// Spanish NIF, NIE and CIF check characters.
#include <gtest/gtest.h>

#include "edge/domain/fiscal/spanish_tax_id.hpp"

namespace storeedge::domain::fiscal {
namespace {

// Check characters worked out by hand from the published rules (DNI: number mod 23 into
// "TRWAGMYFPDXBNJZSQVHLCKE"; CIF: doubled odd digits). 89890001K is the AEAT examples' NIF,
// A28015865 and A46103834 are the public CIFs of two large Spanish companies, Q2826000H the AEAT's.
TEST(SpanishTaxId, AcceptsValidIdentifiersOfEveryKind) {
  struct Case {
    const char* text;
    TaxIdKind kind;
  };
  for (const Case& c : {Case{"12345678Z", TaxIdKind::dni}, Case{"89890001K", TaxIdKind::dni},
                        Case{"00000000T", TaxIdKind::dni}, Case{"X1234567L", TaxIdKind::nie},
                        Case{"Y1234567X", TaxIdKind::nie}, Case{"Z1234567R", TaxIdKind::nie},
                        Case{"K1234567L", TaxIdKind::klm}, Case{"A28015865", TaxIdKind::cif},
                        Case{"A46103834", TaxIdKind::cif}, Case{"B12345674", TaxIdKind::cif},
                        Case{"Q2826000H", TaxIdKind::cif}}) {
    auto id = parse_spanish_tax_id(c.text);
    ASSERT_TRUE(id) << c.text << ": " << id.error().what();
    EXPECT_EQ(id->kind, c.kind) << c.text;
    EXPECT_EQ(id->value, c.text);
  }
}

TEST(SpanishTaxId, NormalisesSpacesAndCase) {
  auto id = parse_spanish_tax_id("  x1234567l ");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->value, "X1234567L");
}

TEST(SpanishTaxId, RejectsAWrongDniLetterNamingTheRightOne) {
  auto id = parse_spanish_tax_id("12345678A");
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().kind(), Errc::invalid_argument);
  EXPECT_NE(id.error().message().find("'Z'"), std::string::npos) << id.error().message();
  EXPECT_NE(id.error().message().find("12345678A"), std::string::npos);
}

TEST(SpanishTaxId, RejectsWrongCheckCharacters) {
  for (const char* bad : {"X1234567A", "K1234567A", "A28015866", "B1234567D", "Q2826000A", "Q28260008"}) {
    auto id = parse_spanish_tax_id(bad);
    ASSERT_FALSE(id) << bad << " was accepted";
    EXPECT_NE(id.error().message().find("check"), std::string::npos) << id.error().message();
  }
}

TEST(SpanishTaxId, CifCheckFormDependsOnTheEntityLetter) {
  // A and B companies print a digit; P, Q, R, S, N, W a letter; C, D, F, G, J, U, V either.
  EXPECT_FALSE(parse_spanish_tax_id("A2801586E"));  // letter form of 5 for an A company
  EXPECT_TRUE(parse_spanish_tax_id("G28015865"));
  EXPECT_TRUE(parse_spanish_tax_id("G2801586E"));
}

TEST(SpanishTaxId, RejectsMalformedShapes) {
  for (const char* bad : {"", "1234567Z", "123456789Z", "1234A678Z", "I1234567A", "X12345A7L", "  "}) {
    auto id = parse_spanish_tax_id(bad);
    ASSERT_FALSE(id) << "'" << bad << "' was accepted";
    EXPECT_EQ(id.error().kind(), Errc::invalid_argument);
  }
}

}  // namespace
}  // namespace storeedge::domain::fiscal
