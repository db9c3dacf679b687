// decode(): what the till gets for a raw scan, with and without AIM symbology identifiers, and the
// garbage it must refuse with a clear reason.
#include <string>

#include <gtest/gtest.h>

#include "edge/domain/scan/scan.hpp"

namespace storeedge::domain::scan {
namespace {

const std::string GS(1, kFnc1);

DecodeOptions store_options() {
  DecodeOptions o;
  o.variable_measure_templates = {
      {.prefix = "21",
       .item_offset = 2,
       .item_length = 5,
       .value = EmbeddedValue::price_cents,
       .value_offset = 8,
       .value_length = 4,
       .check_offset = 7},
      {.prefix = "02",
       .item_offset = 2,
       .item_length = 5,
       .value = EmbeddedValue::price_cents,
       .value_offset = 8,
       .value_length = 4,
       .check_offset = 7},
  };
  o.current_year = 2026;
  return o;
}

ScanResult ok(std::string_view raw) {
  auto r = decode(raw, store_options());
  EXPECT_TRUE(r) << raw << ": " << (r ? "" : r.error().what());
  return r ? *r : ScanResult{};
}

std::string error(std::string_view raw) {
  auto r = decode(raw, store_options());
  EXPECT_FALSE(r) << raw;
  return r ? "" : r.error().what();
}

TEST(Decode, RetailCodesGiveTheGtin14ToLookUp) {
  ScanResult r = ok("]E04006381333931");
  EXPECT_EQ(r.kind, ScanKind::gtin);
  EXPECT_EQ(r.symbology, Symbology::ean_upc);
  EXPECT_EQ(r.lookup_key, "04006381333931");
  EXPECT_EQ(r.gtin14, "04006381333931");
  EXPECT_EQ(ok("036000291452").lookup_key, "00036000291452");       // UPC-A, no identifier
  EXPECT_EQ(ok("]E496385074").lookup_key, "00000096385074");        // EAN-8
  EXPECT_EQ(ok("]E004252614").lookup_key, "00042100005264");        // UPC-E expanded
  EXPECT_EQ(ok("04252614").lookup_key, "00042100005264");           // UPC-E without identifier
  EXPECT_EQ(ok("]I109506000134352").lookup_key, "09506000134352");  // ITF-14
}

TEST(Decode, VariableMeasureUsesTheStoreTemplates) {
  ScanResult r = ok("]E02112345602998");
  EXPECT_EQ(r.kind, ScanKind::variable_measure);
  EXPECT_EQ(r.lookup_key, "2112345");
  EXPECT_EQ(r.price_cents, 299);
  EXPECT_FALSE(r.gtin14);
  EXPECT_EQ(ok("212345602997").lookup_key, "0212345");  // UPC-A number system 2 = prefix 02
  auto missing = decode("2912345012342", store_options());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind(), Errc::not_found);
}

TEST(Decode, Gs1128AndDataBarElementStrings) {
  ScanResult r =
      ok("]C10109506000134352"
         "10ABC123" +
         GS +
         "17261231"
         "3103000450"
         "21SN7");
  EXPECT_EQ(r.kind, ScanKind::gs1_element_string);
  EXPECT_EQ(r.symbology, Symbology::gs1_128);
  EXPECT_EQ(r.lookup_key, "09506000134352");
  EXPECT_EQ(r.batch, "ABC123");
  EXPECT_EQ(r.expiry, (Date{2026, 12, 31}));
  EXPECT_EQ(r.weight_grams, 450);
  EXPECT_EQ(r.serial, "SN7");
  EXPECT_EQ(r.fields.size(), 5u);
  EXPECT_EQ(ok("]e00109506000134352").symbology, Symbology::gs1_databar);
  EXPECT_EQ(ok("0109506000134352"
               "15270300")
                .best_before,
            (Date{2027, 3, 31}));  // no identifier
  EXPECT_EQ(ok(GS + "0109506000134352"
                    "11250101"
                    "13250102")
                .packaging_date,
            (Date{2025, 1, 2}));
}

TEST(Decode, QrAndDataMatrixCarryElementStringsOrDigitalLinks) {
  EXPECT_EQ(ok("]d2" + GS +
               "0109506000134352"
               "10L1" +
               GS + "17270101")
                .batch,
            "L1");
  EXPECT_EQ(ok("]Q3(01)09506000134352(3922)1299").price_cents, 1299);
  ScanResult dl = ok("]Q1https://id.gs1.org/01/09506000134352/10/ABC?17=261231&3103=001250");
  EXPECT_EQ(dl.kind, ScanKind::digital_link);
  EXPECT_EQ(dl.symbology, Symbology::qr);
  EXPECT_EQ(dl.batch, "ABC");
  EXPECT_EQ(dl.expiry, (Date{2026, 12, 31}));
  EXPECT_EQ(dl.weight_grams, 1250);
  EXPECT_EQ(ok("https://example.com/01/09506000134352").lookup_key, "09506000134352");
}

TEST(Decode, WeightsAndPricesBecomeIntegerGramsAndCents) {
  EXPECT_EQ(ok("(01)09506000134352(3102)001250").weight_grams, 12500);
  EXPECT_EQ(ok("(01)09506000134352(3100)000002").weight_grams, 2000);
  EXPECT_EQ(ok("(01)09506000134352(3105)000456").weight_grams, 5);  // 4.56 g rounds to 5
  ScanResult eur = ok("(01)09506000134352(3932)9781299");
  EXPECT_EQ(eur.price_cents, 1299);
  EXPECT_EQ(eur.price_currency, "978");
  EXPECT_EQ(ok("(01)09506000134352(3930)3921500").price_cents, 1500);  // JPY has no minor unit
  EXPECT_EQ(ok("(01)09506000134352(3920)15").price_cents, 1500);
  EXPECT_EQ(error("(01)09506000134352(3932)978"),
            "element string at position 19: AI 3932 needs 4 to 18 characters, got 3");
  EXPECT_EQ(error("(01)09506000134352(3930)990999999999999999"),
            "AI 3930: price 999999999999999 is too large");  // CLF has 4 minor digits
  DecodeOptions odd = store_options();
  odd.local_currency_minor_digits = 7;
  EXPECT_EQ(decode("(01)09506000134352(3920)15", odd).error().kind(), Errc::config);
  EXPECT_EQ(error("(01)09506000134352(3923)12345"),
            "AI 3923: price 12345 with 3 decimals is finer than the currency's 2 minor digits");
}

TEST(Decode, InvalidCodesSayWhy) {
  EXPECT_EQ(error("40063813339"), "GTIN must be 8, 12, 13 or 14 digits, got 11");
  EXPECT_EQ(error("4006X81333931"), "non-digit character 'X' at position 5");
  EXPECT_EQ(error("]E04006381333937"), "check digit is 7, expected 1 (GTIN 4006381333937)");
  EXPECT_EQ(error("]E496385075"), "check digit is 5, expected 4 (GTIN 96385075)");
  EXPECT_EQ(error("]E4096385074"), "EAN-8 (]E4) must be 8 digits, got 9");
  EXPECT_EQ(error("]C1(00)106141412345678908"),
            "GS1 data carries no GTIN (AI 01), so there is nothing to look up");
  EXPECT_EQ(error("]E312345"), "EAN/UPC add-on symbols (]E3) are not supported");
  EXPECT_EQ(error("]E"), "truncated symbology identifier \"]E\"");
  EXPECT_EQ(error("]C1"), "no data after symbology identifier ]C1");
}

TEST(Decode, GarbageIsRefusedWithAReason) {
  DecodeOptions none;
  EXPECT_EQ(decode("", none).error().what(), "empty scan");
  EXPECT_EQ(decode(std::string(513, '1'), none).error().what(),
            "scan is 513 bytes, more than the 512-byte limit");
  EXPECT_EQ(decode("4006381333931\n", none).error().what(), "control character 0x0A at position 14");
  EXPECT_EQ(decode("40\xC3\xA9", none).error().what(), "non-ASCII byte 0xC3 at position 3");
  EXPECT_EQ(decode(std::string("40\0", 3), none).error().what(), "control character 0x00 at position 3");
  EXPECT_EQ(decode("\x7f", none).error().what(), "control character 0x7F at position 1");
}

}  // namespace
}  // namespace storeedge::domain::scan
