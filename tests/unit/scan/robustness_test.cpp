// Bounded randomized robustness: decode() never crashes on random bytes or mutated valid codes, every
// error explains itself, and no single-digit misread of a GTIN is accepted.
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "edge/domain/scan/gtin.hpp"
#include "edge/domain/scan/scan.hpp"

namespace storeedge::domain::scan {
namespace {

const std::vector<std::string> kValid{
    "]E04006381333931",
    "036000291452",
    "]E496385074",
    "04252614",
    "2112345602998",
    "]C10109506000134352"
    "10ABC123\x1d"
    "17261231"
    "3103000450",
    "(01)09506000134352(17)261231(10)ABC(3922)1299",
    "https://id.gs1.org/01/09506000134352/10/ABC?17=261231",
    "]Q3\x1d"
    "0109506000134352"
    "21XYZ\x1d"
    "3932978150",
};

DecodeOptions options() {
  DecodeOptions o;
  o.variable_measure_templates = {{.prefix = "21",
                                   .item_offset = 2,
                                   .item_length = 5,
                                   .value = EmbeddedValue::price_cents,
                                   .value_offset = 8,
                                   .value_length = 4,
                                   .check_offset = 7}};
  o.current_year = 2026;
  return o;
}

// Checks the contract on one input: a result with something to look up, or a non-empty reason.
void expect_well_formed(std::string_view raw, const DecodeOptions& o) {
  auto r = decode(raw, o);
  if (r) {
    EXPECT_FALSE(r->lookup_key.empty()) << raw;
  } else {
    EXPECT_FALSE(r.error().message().empty()) << raw;
  }
}

std::string mutate(std::string s, std::mt19937& rng) {
  static const std::string kAlphabet =
      "0123456789()]\x1d"
      "ACEQde/?=&%:.ABCxyz";
  std::uniform_int_distribution<int> op(0, 3);
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
  const int edits = 1 + static_cast<int>(rng() % 3);
  for (int e = 0; e < edits && !s.empty(); ++e) {
    const std::size_t at = rng() % s.size();
    switch (op(rng)) {
      case 0: s[at] = kAlphabet[pick(rng)]; break;
      case 1: s.insert(at, 1, kAlphabet[pick(rng)]); break;
      case 2: s.erase(at, 1); break;
      default: s[at] = static_cast<char>(rng() % 256); break;
    }
  }
  return s;
}

TEST(Robustness, ValidSamplesDecode) {
  const DecodeOptions o = options();
  for (const auto& code : kValid) EXPECT_TRUE(decode(code, o)) << code;
}

TEST(Robustness, RandomBytesAndMutationsNeverCrash) {
  const DecodeOptions o = options();
  std::mt19937 rng(42);
  for (int n = 0; n < 10000; ++n) {
    std::string raw(rng() % 600, '\0');
    const bool printable = n % 2 == 0;  // half plain ASCII to get past the byte checks
    for (char& c : raw) c = static_cast<char>(printable ? 0x20 + rng() % 95 : rng() % 256);
    expect_well_formed(raw, o);
  }
  for (int n = 0; n < 10000; ++n) expect_well_formed(mutate(kValid[rng() % kValid.size()], rng), o);
}

TEST(Robustness, AnySingleDigitMisreadOfAGtinIsRejected) {
  const DecodeOptions o = options();
  for (std::string code : {"4006381333931", "036000291452", "09506000134352", "2112345602998", "96385074"}) {
    const std::string prefix = code.size() == 8 ? "]E4" : "";
    for (std::size_t i = 0; i < code.size(); ++i) {
      for (char d = '0'; d <= '9'; ++d) {
        if (d == code[i]) continue;
        std::string bad = code;
        bad[i] = d;
        EXPECT_FALSE(validate_gtin(bad)) << bad;
        EXPECT_FALSE(decode(prefix + bad, o)) << bad;
      }
    }
  }
}

}  // namespace
}  // namespace storeedge::domain::scan
