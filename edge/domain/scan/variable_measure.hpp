#pragma once
// Restricted-circulation variable-measure codes: EAN-13 whose prefix is 02 or 20..29 (UPC-A starting
// with 2 is the 02 case). Their layout is not global: each store says, per prefix, where the item
// reference, the embedded price or weight and the optional price check digit sit. Templates are data
// supplied by the caller (store configuration), never code.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "platform/error.hpp"

namespace storeedge::domain::scan {

enum class EmbeddedValue {
  price_cents,   // price of the item in minor units
  weight_grams,  // net weight in grams
};

// Offsets are 0-based digit offsets in the 13-digit code; offset 12 is the EAN-13 check digit and may not
// be used. Example, a common "21" price layout 21 IIIII K PPPP C:
//   {.prefix = "21", .item_offset = 2, .item_length = 5, .value = price_cents,
//    .value_offset = 8, .value_length = 4, .check_offset = 7}
struct VariableMeasureTemplate {
  std::string prefix;  // "02", "2" or "20".."29" (and longer, e.g. "212"); the longest match wins
  std::size_t item_offset = 2;
  std::size_t item_length = 5;
  EmbeddedValue value = EmbeddedValue::price_cents;
  std::size_t value_offset = 7;
  std::size_t value_length = 5;
  // Where the GS1 price/weight check digit over the value sits, if the layout has one (value_length 4 or 5).
  std::optional<std::size_t> check_offset;
};

struct VariableMeasure {
  std::string lookup_key;  // template prefix + item reference digits, e.g. "2112345"
  std::optional<std::int64_t> price_cents;
  std::optional<std::int64_t> weight_grams;
};

// True when a 13-digit EAN-13 lies in the variable-measure ranges 02 or 20..29.
[[nodiscard]] bool is_variable_measure_prefix(std::string_view ean13);

// Checks that a template is usable (digits prefix in the restricted ranges, fields inside digits 0..11,
// no overlaps, a check digit only over 4 or 5 value digits). Errors are Errc::config.
[[nodiscard]] Status validate_template(const VariableMeasureTemplate& layout);

// The GS1 General Specifications price/weight check digit over 4 digits (weights 2-, 2-, 3, 5-) or
// 5 digits (weights 5+, 2-, 5-, 5+, 2-).
[[nodiscard]] Result<char> price_check_digit(std::string_view value_digits);

// Decodes a 13-digit EAN-13 with a variable-measure prefix whose own check digit is already verified.
// Fails with Errc::not_found when no template matches the prefix, Errc::config when the matching template
// is unusable, and Errc::invalid_argument when the embedded price check digit is wrong.
[[nodiscard]] Result<VariableMeasure> decode_variable_measure(
    std::string_view ean13, std::span<const VariableMeasureTemplate> templates);

}  // namespace storeedge::domain::scan
