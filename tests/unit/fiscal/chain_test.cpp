// Chaining records of one issuer and verifying the chain: tampering, removal and reordering are found
// and named by index.
#include <vector>

#include <gtest/gtest.h>

#include "edge/domain/fiscal/verifactu_recorder.hpp"
#include "tests/unit/fiscal/fiscal_fixtures.hpp"

namespace storeedge::domain::fiscal {
namespace {

using testing::kSummerMorningUnix;
using testing::ticket;

class FiscalChain : public ::testing::Test {
 protected:
  // Four tickets and the cancellation of the second, each chained to the one before.
  void SetUp() override {
    std::optional<ChainLink> previous;
    for (int i = 0; i < 4; ++i) {
      auto r = recorder_.record_invoice(
          ticket("T01/00000" + std::to_string(i + 1), kSummerMorningUnix + i * 60, 1000 + i, 100 + i),
          previous);
      ASSERT_TRUE(r) << r.error().what();
      previous = r->link();
      chain_.push_back(*r);
    }
    auto facts = cancellation_of(chain_[1], GenerationTime{kSummerMorningUnix + 600, 120});
    ASSERT_TRUE(facts);
    auto cancel = recorder_.record_cancellation(*facts, previous);
    ASSERT_TRUE(cancel) << cancel.error().what();
    chain_.push_back(*cancel);
  }

  void expect_break(const std::vector<FiscalRecord>& records, std::size_t index, BreakReason reason) {
    auto broken = recorder_.find_chain_break(records);
    ASSERT_TRUE(broken.has_value()) << "chain verified";
    EXPECT_EQ(broken->index, index) << broken->detail;
    EXPECT_EQ(broken->reason, reason) << broken->detail;
    auto status = recorder_.verify_chain(records);
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().kind(), Errc::corrupt);
    EXPECT_NE(status.error().message().find("record " + std::to_string(index)), std::string::npos)
        << status.error().message();
  }

  VerifactuRecorder recorder_{AeatEnvironment::production};
  std::vector<FiscalRecord> chain_;
};

TEST_F(FiscalChain, FirstRecordHasNoPreviousAndEachNextNamesTheOneBefore) {
  EXPECT_FALSE(chain_[0].previous.has_value());
  EXPECT_NE(chain_[0].hash_input.find("&Huella=&"), std::string::npos);
  for (std::size_t i = 1; i < chain_.size(); ++i) {
    ASSERT_TRUE(chain_[i].previous.has_value());
    EXPECT_EQ(chain_[i].previous_hash(), chain_[i - 1].hash);
    EXPECT_EQ(chain_[i].previous->invoice, chain_[i - 1].invoice);
    EXPECT_NE(chain_[i].hash_input.find("&Huella=" + chain_[i - 1].hash + "&"), std::string::npos);
    EXPECT_NE(chain_[i].hash, chain_[i - 1].hash);
  }
  EXPECT_TRUE(recorder_.verify_chain(chain_));
  EXPECT_TRUE(recorder_.verify_chain(std::span<const FiscalRecord>{}));
}

TEST_F(FiscalChain, CancellationRecordNamesTheCancelledInvoice) {
  const FiscalRecord& cancel = chain_.back();
  EXPECT_EQ(cancel.kind, RecordKind::anulacion);
  EXPECT_EQ(cancel.invoice, chain_[1].invoice);
  EXPECT_EQ(
      cancel.hash_input,
      "IDEmisorFacturaAnulada=B12345674&NumSerieFacturaAnulada=T01/000002&FechaExpedicionFacturaAnulada="
      "15-07-2024&Huella=" +
          chain_[3].hash + "&FechaHoraHusoGenRegistro=2024-07-15T10:10:00+02:00");
  EXPECT_TRUE(cancel.qr_url.empty());
}

TEST_F(FiscalChain, TamperedAmountIsFoundAtItsIndex) {
  chain_[2].total_cents += 100;
  expect_break(chain_, 2, BreakReason::fields_tampered);
}

TEST_F(FiscalChain, TamperedNumberOrTimeIsFound) {
  auto renumbered = chain_;
  renumbered[3].invoice.number = "T01/000099";
  expect_break(renumbered, 3, BreakReason::fields_tampered);
  auto retimed = chain_;
  retimed[1].generated_at.unix_seconds -= 3600;
  expect_break(retimed, 1, BreakReason::fields_tampered);
}

TEST_F(FiscalChain, RehashedTamperingStillBreaksTheNextLink) {
  // A forger who re-records an edited ticket with a consistent hash breaks the link of the next record.
  auto forged =
      recorder_.record_invoice(ticket("T01/000002", kSummerMorningUnix + 60, 9999, 101), chain_[1].previous);
  ASSERT_TRUE(forged);
  chain_[1] = *forged;
  expect_break(chain_, 2, BreakReason::previous_mismatch);
}

TEST_F(FiscalChain, RemovedRecordIsFoundAtTheRecordAfterTheGap) {
  chain_.erase(chain_.begin() + 2);
  expect_break(chain_, 2, BreakReason::previous_mismatch);
}

TEST_F(FiscalChain, RemovedFirstRecordIsFound) {
  chain_.erase(chain_.begin());
  expect_break(chain_, 0, BreakReason::not_chain_start);
}

TEST_F(FiscalChain, SwappedRecordsAreFound) {
  std::swap(chain_[1], chain_[2]);
  expect_break(chain_, 1, BreakReason::previous_mismatch);
}

TEST_F(FiscalChain, TamperedCancellationIsFound) {
  chain_[4].invoice.number = "T01/000003";
  expect_break(chain_, 4, BreakReason::fields_tampered);
}

TEST_F(FiscalChain, AnotherIssuersRecordIsFound) {
  InvoiceFacts other = ticket("X/1", kSummerMorningUnix + 900);
  other.issuer_tax_id = "A28015865";
  auto foreign = recorder_.record_invoice(other, std::nullopt);
  ASSERT_TRUE(foreign);
  chain_.push_back(*foreign);
  expect_break(chain_, 5, BreakReason::foreign_issuer);
}

TEST_F(FiscalChain, PreviousOfAnotherIssuerIsRefused) {
  InvoiceFacts other = ticket("X/1", kSummerMorningUnix + 900);
  other.issuer_tax_id = "A28015865";
  auto r = recorder_.record_invoice(other, chain_.back().link());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::conflict);
  EXPECT_NE(r.error().what().find("per issuer"), std::string::npos);
}

}  // namespace
}  // namespace storeedge::domain::fiscal
