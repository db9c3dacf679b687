// The validation QR URL printed on receipts.
#include <gtest/gtest.h>

#include "edge/domain/fiscal/verifactu_qr.hpp"
#include "edge/domain/fiscal/verifactu_recorder.hpp"
#include "tests/unit/fiscal/fiscal_fixtures.hpp"

namespace storeedge::domain::fiscal {
namespace {

// The AEAT QR specification's example, a serie with '&' on the pre-production endpoint:
// https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR?nif=89890001K&numserie=12345678%26G33&fecha=01-01-2024&importe=241.4
// We always print two decimals ("241.40"), the ImporteTotal form.
TEST(QrUrl, TestEnvironmentMatchesTheAeatExampleShape) {
  EXPECT_EQ(
      validation_qr_url(AeatEnvironment::test, "89890001K", "12345678&G33", CivilDate{2024, 1, 1}, 24140),
      "https://prewww2.aeat.es/wlpl/TIKE-CONT/"
      "ValidarQR?nif=89890001K&numserie=12345678%26G33&fecha=01-01-2024"
      "&importe=241.40");
}

TEST(QrUrl, ProductionEnvironmentUsesTheAgenciaTributariaHost) {
  EXPECT_EQ(
      validation_qr_url(AeatEnvironment::production, "B12345674", "T01/000042", CivilDate{2024, 7, 5}, 1210),
      "https://www2.agenciatributaria.gob.es/wlpl/TIKE-CONT/ValidarQR?nif=B12345674&numserie=T01%2F000042"
      "&fecha=05-07-2024&importe=12.10");
}

TEST(QrUrl, EncodesEveryReservedByteOfAValue) {
  EXPECT_EQ(url_encode("A&B/C D+E=F?G#H%"), "A%26B%2FC%20D%2BE%3DF%3FG%23H%25");
  EXPECT_EQ(url_encode("Año-1_2.3~"), "A%C3%B1o-1_2.3~");
  EXPECT_EQ(url_encode("-605"), "-605");
}

TEST(QrUrl, ReturnsCarryANegativeImporte) {
  EXPECT_EQ(validation_qr_url(AeatEnvironment::test, "B12345674", "R1", CivilDate{2024, 7, 5}, -605),
            "https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR?nif=B12345674&numserie=R1&fecha=05-07-2024"
            "&importe=-6.05");
}

TEST(QrUrl, EveryAltaRecordCarriesItsUrlInTheRecordersEnvironment) {
  InvoiceFacts f = testing::ticket("T01&2/000042", testing::kSummerMorningUnix);
  auto prod = VerifactuRecorder(AeatEnvironment::production).record_invoice(f, std::nullopt);
  auto test = VerifactuRecorder(AeatEnvironment::test).record_invoice(f, std::nullopt);
  ASSERT_TRUE(prod && test);
  EXPECT_EQ(
      prod->qr_url,
      "https://www2.agenciatributaria.gob.es/wlpl/TIKE-CONT/ValidarQR?nif=B12345674&numserie=T01%262%2F000042"
      "&fecha=15-07-2024&importe=12.10");
  EXPECT_EQ(test->qr_url.rfind("https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR?", 0), 0u);
  // The environment is not part of the huella.
  EXPECT_EQ(prod->hash, test->hash);
}

}  // namespace
}  // namespace storeedge::domain::fiscal
