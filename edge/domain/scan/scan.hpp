#pragma once
// The module's entry point: what a scanned barcode means at the till. decode() takes the bytes a
// scanner sent and returns either what to look up in the catalog (plus anything embedded in the code:
// price, weight, batch, expiry, serial) or a precise reason the code is invalid. It never throws and
// accepts any input; it keeps no state and is safe to call from any thread.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edge/domain/scan/ai_table.hpp"
#include "edge/domain/scan/element_string.hpp"
#include "edge/domain/scan/variable_measure.hpp"
#include "platform/error.hpp"

namespace storeedge::domain::scan {

inline constexpr std::size_t kMaxScanBytes = 512;

// The symbology, from the AIM symbology identifier ("]E0", "]C1", ...) when the scanner sends one.
enum class Symbology {
  none,            // no identifier sent
  ean_upc,         // ]E0: EAN-13, UPC-A or UPC-E
  ean8,            // ]E4
  gs1_128,         // ]C1
  code128,         // ]C0, ]C2, ]C4
  gs1_databar,     // ]e0..]e3
  gs1_qr,          // ]Q3, ]Q5
  qr,              // other ]Q
  gs1_datamatrix,  // ]d2, ]d5
  datamatrix,      // other ]d
  gs1_dotcode,     // ]J1
  code39,          // ]A
  itf,             // ]I
  other,           // any other identifier: payload read as plain data
};
[[nodiscard]] std::string_view to_string(Symbology symbology);

enum class ScanKind {
  gtin,                // a plain EAN/UPC/ITF-14 GTIN
  variable_measure,    // restricted-circulation EAN-13 with embedded price or weight
  gs1_element_string,  // GS1-128, DataBar, GS1 QR/DataMatrix element string
  digital_link,        // GS1 Digital Link URL
};
[[nodiscard]] std::string_view to_string(ScanKind kind);

struct DecodeOptions {
  // The store's layouts for prefixes 02 and 20..29 (store configuration).
  std::vector<VariableMeasureTemplate> variable_measure_templates;
  // The store's current year, for the GS1 century window of YYMMDD dates; unset reads them as 20YY.
  std::optional<int> current_year;
  // Minor-unit digits of the store's currency, for AI 392n prices (2 for EUR/USD, 0 for JPY).
  int local_currency_minor_digits = 2;
};

struct ScanResult {
  ScanKind kind = ScanKind::gtin;
  Symbology symbology = Symbology::none;
  // What to look up in the catalog: the GTIN-14, or for variable measure the template prefix + item
  // reference (e.g. "2112345"). Never empty on success.
  std::string lookup_key;
  std::optional<std::string> gtin14;          // absent for variable-measure codes
  std::optional<std::int64_t> price_cents;    // minor units of the currency
  std::optional<std::string> price_currency;  // ISO 4217 numeric code, only from AI 393n
  std::optional<std::int64_t> weight_grams;
  std::optional<std::string> batch;     // AI 10
  std::optional<std::string> serial;    // AI 21
  std::optional<Date> expiry;           // AI 17
  std::optional<Date> best_before;      // AI 15
  std::optional<Date> production_date;  // AI 11
  std::optional<Date> packaging_date;   // AI 13
  std::vector<AiField> fields;          // every AI, in order (element strings and Digital Links)
};

// Decodes one scan. Fails with Errc::invalid_argument for anything unreadable or invalid (empty, longer
// than kMaxScanBytes, control characters other than GS, non-ASCII, bad check digits, unknown AIs, ...),
// Errc::not_found for a variable-measure code whose prefix has no template, Errc::config for an unusable
// template, Errc::unsupported for EAN/UPC add-on symbols.
[[nodiscard]] Result<ScanResult> decode(std::string_view raw, const DecodeOptions& options);

}  // namespace storeedge::domain::scan
