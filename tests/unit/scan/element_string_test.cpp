// GS1 element strings (GS1-128, DataBar, GS1 QR/DataMatrix payloads): AI lengths, FNC1 handling,
// per-AI validation and dates.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "edge/domain/scan/element_string.hpp"

namespace storeedge::domain::scan {
namespace {

const std::string GS(1, kFnc1);

std::vector<AiField> parse_ok(std::string_view data) {
  auto r = data.starts_with("(") ? parse_bracketed_element_string(data) : parse_element_string(data);
  EXPECT_TRUE(r) << r.error().what();
  return r ? *r : std::vector<AiField>{};
}

std::string parse_error(std::string_view data) {
  auto r = data.starts_with("(") ? parse_bracketed_element_string(data) : parse_element_string(data);
  EXPECT_FALSE(r) << data;
  return r ? "" : r.error().what();
}

TEST(ElementString, FixedLengthAisNeedNoSeparator) {
  const std::vector<AiField> want{{"01", "09506000134352"}, {"17", "261231"}, {"10", "ABC123"}};
  EXPECT_EQ(parse_ok("01095060001343521726123110ABC123"), want);
  EXPECT_EQ(parse_ok(GS + "01095060001343521726123110ABC123"), want);  // leading FNC1 is optional
}

TEST(ElementString, FnC1EndsVariableFields) {
  const std::vector<AiField> want{
      {"01", "09506000134352"}, {"10", "ABC123"}, {"17", "261231"}, {"21", "S/N-42"}};
  EXPECT_EQ(parse_ok("0109506000134352"
                     "10ABC123" +
                     GS +
                     "17261231"
                     "21S/N-42" +
                     GS),
            want);
}

TEST(ElementString, BracketedFormMatchesTransmittedForm) {
  EXPECT_EQ(parse_ok("(01)09506000134352(10)ABC123(17)261231"), parse_ok("0109506000134352"
                                                                         "10ABC123" +
                                                                         GS + "17261231"));
  EXPECT_EQ(parse_ok("(01)09506000134352(3103)000450"),
            (std::vector<AiField>{{"01", "09506000134352"}, {"3103", "000450"}}));
}

TEST(ElementString, MissingFnc1MakesTheVariableFieldSwallowTheRest) {
  // Per spec, without FNC1 the batch runs to the end: "ABC12317261231" is what the symbol says.
  EXPECT_EQ(parse_ok("0109506000134352"
                     "10ABC123"
                     "17261231"),
            (std::vector<AiField>{{"01", "09506000134352"}, {"10", "ABC12317261231"}}));
  EXPECT_EQ(
      parse_error("0109506000134352"
                  "10ABCDEFGHIJ0123456789"
                  "17261231"),
      "AI 10 value is 28 characters, more than its maximum 20 (missing FNC1 separator at position 39?)");
}

TEST(ElementString, NonPredefinedFixedAiNeedsFnc1) {
  EXPECT_EQ(parse_ok("0109506000134352"
                     "422250" +
                     GS + "10X"),
            (std::vector<AiField>{{"01", "09506000134352"}, {"422", "250"}, {"10", "X"}}));
  EXPECT_EQ(parse_error("0109506000134352"
                        "422250"
                        "10X"),
            "AI 422 must be followed by FNC1 at position 23 (it is not of predefined length)");
}

TEST(ElementString, UnknownAiIsNamed) {
  EXPECT_EQ(parse_error("0109506000134352"
                        "7249ABC"),
            "element string at position 17: unknown GS1 Application Identifier 7249");
  EXPECT_EQ(parse_error("19123456"), "element string at position 1: unknown GS1 Application Identifier 19");
  EXPECT_EQ(parse_error("(3106)000450"), "unknown GS1 Application Identifier (3106) at position 1");
  EXPECT_EQ(parse_error("0109506000134352"
                        "A1"),
            "element string at position 17: expected a GS1 Application Identifier (digits), got 'A'");
}

TEST(ElementString, ValuesAreCheckedAgainstTheirAi) {
  EXPECT_EQ(parse_error("0109506000134353"),
            "element string at position 1: AI 01: check digit is 3, expected 2");
  EXPECT_EQ(parse_error("01095060001343"), "element string at position 1: AI 01 needs 14 characters, got 12");
  EXPECT_EQ(parse_error("(01)09506000134352(17)261331"),
            "element string at position 19: AI 17: month 13 in date 261331 is not 01 to 12");
  EXPECT_EQ(parse_error("(01)09506000134352(17)260230"),
            "element string at position 19: AI 17: day 30 in date 260230 is past the end of the month (28)");
  EXPECT_EQ(parse_error("(10)AB#C"),
            "element string at position 1: AI 10: character '#' at position 3 is not allowed in GS1 data");
  EXPECT_EQ(parse_ok("(00)106141412345678908(00)106141412345678908").size(), 1u);  // exact repeat
}

TEST(ElementString, ConflictingRepeatsAndSeparatorsAreRejected) {
  EXPECT_EQ(parse_error("(10)A(10)B"), "AI 10 appears twice with different values (\"A\" and \"B\")");
  EXPECT_EQ(parse_error("10A" + GS + GS + "21B"), "two FNC1 separators in a row at position 5");
  EXPECT_EQ(parse_error(GS), "element string has no data");
  EXPECT_EQ(parse_error("(01"), "missing ')' after '(' at position 1");
}

TEST(Gs1Date, DayZeroIsTheLastDayOfTheMonth) {
  EXPECT_EQ(parse_gs1_date("261231").value(), (Date{2026, 12, 31}));
  EXPECT_EQ(parse_gs1_date("260200").value(), (Date{2026, 2, 28}));
  EXPECT_EQ(parse_gs1_date("280200").value(), (Date{2028, 2, 29}));
  EXPECT_EQ(parse_gs1_date("260400").value(), (Date{2026, 4, 30}));
}

TEST(Gs1Date, CenturyFollowsTheSlidingWindow) {
  EXPECT_EQ(parse_gs1_date("991231", 2026)->year, 1999);                   // 73 years ahead: previous century
  EXPECT_EQ(parse_gs1_date("760101", 2026)->year, 2076);                   // 50 ahead: still this century
  EXPECT_EQ(parse_gs1_date("770101", 2026)->year, 1977);                   // 51 ahead
  EXPECT_EQ(parse_gs1_date("100101", 2090)->year, 2110);                   // 80 behind: next century
  EXPECT_EQ(parse_gs1_date("000229", 2026).value(), (Date{2000, 2, 29}));  // 2000 was a leap year
  EXPECT_EQ(parse_gs1_date("000229", 2090).error().message(),
            "day 29 in date 000229 is past the end of the month (28)");  // 2100 is not
}

}  // namespace
}  // namespace storeedge::domain::scan
