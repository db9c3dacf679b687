// Bad input is refused with an error naming the bad value, and no record is produced.
#include <limits>

#include <gtest/gtest.h>

#include "edge/domain/fiscal/verifactu_format.hpp"
#include "edge/domain/fiscal/verifactu_recorder.hpp"
#include "tests/unit/fiscal/fiscal_fixtures.hpp"

namespace storeedge::domain::fiscal {
namespace {

using testing::kSummerMorningUnix;
using testing::ticket;

void expect_refused(const Result<FiscalRecord>& r, std::string_view mentions) {
  ASSERT_FALSE(r) << "accepted: " << r->hash_input;
  EXPECT_EQ(r.error().kind(), Errc::invalid_argument) << r.error().what();
  EXPECT_NE(r.error().what().find(mentions), std::string::npos) << r.error().what();
}

class InvoiceValidation : public ::testing::Test {
 protected:
  Result<FiscalRecord> record(const InvoiceFacts& f, const std::optional<ChainLink>& prev = std::nullopt) {
    return recorder_.record_invoice(f, prev);
  }
  VerifactuRecorder recorder_{AeatEnvironment::production};
  InvoiceFacts good_ = ticket("T01/000042", kSummerMorningUnix);
};

TEST_F(InvoiceValidation, BadIssuerNif) {
  InvoiceFacts f = good_;
  f.issuer_tax_id = "B12345675";
  expect_refused(record(f), "B12345675");
  f.issuer_tax_id = "";
  expect_refused(record(f), "issuer");
}

TEST_F(InvoiceValidation, EmptyOrBlankNumber) {
  InvoiceFacts f = good_;
  f.number = "   ";
  expect_refused(record(f), "empty");
}

TEST_F(InvoiceValidation, NumberLongerThanSixtyCharacters) {
  InvoiceFacts f = good_;
  f.number = std::string(60, '9');
  EXPECT_TRUE(record(f));
  f.number = std::string(61, '9');
  expect_refused(record(f), "longer than 60");
  // Sixty characters of two bytes each are sixty characters.
  f.number.clear();
  for (int i = 0; i < 60; ++i) f.number += "\xC3\xB1";
  EXPECT_TRUE(record(f));
}

TEST_F(InvoiceValidation, ControlCharactersInNumber) {
  for (const char* bad : {"T01\t42", "T01\n42", "T01\x7F"}) {
    InvoiceFacts f = good_;
    f.number = bad;
    expect_refused(record(f), "control character");
  }
}

TEST_F(InvoiceValidation, InvalidIssueDates) {
  for (CivilDate d : {CivilDate{2023, 2, 29}, CivilDate{2024, 13, 1}, CivilDate{2024, 4, 31},
                      CivilDate{2024, 0, 10}, CivilDate{0, 1, 1}, CivilDate{2024, 1, 257}}) {
    InvoiceFacts f = good_;
    f.issue_date = d;
    expect_refused(record(f), "invalid date");
  }
  InvoiceFacts leap = good_;
  leap.issue_date = CivilDate{2024, 2, 29};
  EXPECT_TRUE(record(leap));
}

TEST_F(InvoiceValidation, IssueDateAfterGeneration) {
  InvoiceFacts f = good_;
  f.issue_date = CivilDate{2024, 7, 16};
  expect_refused(record(f), "16-07-2024");
}

TEST_F(InvoiceValidation, AmountsOutOfRange) {
  InvoiceFacts f = good_;
  f.total_cents = kMaxAmountCents + 1;
  expect_refused(record(f), "ImporteTotal");
  f = good_;
  f.total_tax_cents = -kMaxAmountCents - 1;
  expect_refused(record(f), "CuotaTotal");
  f = good_;
  f.total_cents = std::numeric_limits<std::int64_t>::min();
  expect_refused(record(f), "out of range");
}

TEST_F(InvoiceValidation, UnsetClockOrAbsurdOffset) {
  InvoiceFacts f = good_;
  f.generated_at.unix_seconds = 12;  // a kiosk that booted in 1970
  expect_refused(record(f), "clock");
  f = good_;
  f.generated_at.utc_offset_minutes = 15 * 60;
  expect_refused(record(f), "offset");
}

TEST_F(InvoiceValidation, MalformedPreviousHash) {
  auto first = record(good_);
  ASSERT_TRUE(first);
  ChainLink link = first->link();
  link.hash = "3c464daf61acb827c65fda19f352a4e3bdc2c640e9e9fc4cc058073f38f12f60";  // lower case
  expect_refused(record(ticket("T01/000043", kSummerMorningUnix + 1), link), "previous hash");
  link.hash = "ABC";
  expect_refused(record(ticket("T01/000043", kSummerMorningUnix + 1), link), "previous hash");
}

TEST(CancellationValidation, MustNameAnInvoice) {
  VerifactuRecorder recorder(AeatEnvironment::production);
  auto r = recorder.record_cancellation(
      CancellationFacts{InvoiceRef{}, GenerationTime{kSummerMorningUnix, 120}}, std::nullopt);
  expect_refused(r, "names no invoice");
  auto no_number =
      recorder.record_cancellation(CancellationFacts{InvoiceRef{"B12345674", "", CivilDate{2024, 7, 15}},
                                                     GenerationTime{kSummerMorningUnix, 120}},
                                   std::nullopt);
  expect_refused(no_number, "empty");
}

TEST(CancellationValidation, ACancellationCannotBeCancelled) {
  VerifactuRecorder recorder(AeatEnvironment::production);
  auto sale = recorder.record_invoice(ticket("T01/000042", kSummerMorningUnix), std::nullopt);
  ASSERT_TRUE(sale);
  auto facts = cancellation_of(*sale, GenerationTime{kSummerMorningUnix + 5, 120});
  ASSERT_TRUE(facts);
  auto cancel = recorder.record_cancellation(*facts, sale->link());
  ASSERT_TRUE(cancel);
  auto again = cancellation_of(*cancel, GenerationTime{kSummerMorningUnix + 10, 120});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind(), Errc::invalid_argument);
  EXPECT_NE(again.error().message().find("not an invoice"), std::string::npos);
}

}  // namespace
}  // namespace storeedge::domain::fiscal
