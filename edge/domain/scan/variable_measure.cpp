#include "edge/domain/scan/variable_measure.hpp"

#include <array>

#include "edge/domain/scan/gtin.hpp"

namespace storeedge::domain::scan {
namespace {

// Products of a digit and a GS1 price check weighting factor (General Specifications 7.9.3).
constexpr std::array<int, 10> kTwoMinus{0, 2, 4, 6, 8, 9, 1, 3, 5, 7};
constexpr std::array<int, 10> kThree{0, 3, 6, 9, 2, 5, 8, 1, 4, 7};
constexpr std::array<int, 10> kFivePlus{0, 5, 1, 6, 2, 7, 3, 8, 4, 9};
constexpr std::array<int, 10> kFiveMinus{0, 5, 9, 4, 8, 3, 7, 2, 6, 1};

int at(const std::array<int, 10>& table, char digit) {
  return table[static_cast<std::size_t>(digit - '0')];
}

constexpr std::size_t kCheckDigitOffset = 12;

bool overlaps(std::size_t a, std::size_t a_len, std::size_t b, std::size_t b_len) {
  return a < b + b_len && b < a + a_len;
}

const VariableMeasureTemplate* find_template(std::string_view ean13,
                                             std::span<const VariableMeasureTemplate> templates) {
  const VariableMeasureTemplate* best = nullptr;
  for (const auto& t : templates) {
    if (!t.prefix.empty() && ean13.starts_with(t.prefix) &&
        (best == nullptr || t.prefix.size() > best->prefix.size())) {
      best = &t;
    }
  }
  return best;
}

}  // namespace

bool is_variable_measure_prefix(std::string_view ean13) {
  return ean13.size() == 13 && (ean13.starts_with("02") || ean13[0] == '2');
}

Status validate_template(const VariableMeasureTemplate& t) {
  const std::string name = "variable-measure template for prefix \"" + t.prefix + "\"";
  if (t.prefix.empty() || t.prefix.size() > 6 || !require_digits(t.prefix)) {
    return fail(Errc::config, name + ": prefix must be 1 to 6 digits");
  }
  if (!(t.prefix.starts_with("02") || t.prefix[0] == '2') || t.prefix == "0") {
    return fail(Errc::config, name + ": prefix must start with 02 or 2 (restricted circulation)");
  }
  if (t.item_length == 0 || t.item_offset + t.item_length > kCheckDigitOffset) {
    return fail(Errc::config, name + ": item reference must lie within digits 0..11");
  }
  if (t.value_length == 0 || t.value_length > 9 || t.value_offset + t.value_length > kCheckDigitOffset) {
    return fail(Errc::config, name + ": embedded value must be 1 to 9 digits within digits 0..11");
  }
  if (overlaps(t.item_offset, t.item_length, t.value_offset, t.value_length)) {
    return fail(Errc::config, name + ": item reference and embedded value overlap");
  }
  if (t.check_offset) {
    const std::size_t c = *t.check_offset;
    if (t.value_length != 4 && t.value_length != 5) {
      return fail(Errc::config, name + ": a price check digit needs a 4 or 5 digit value");
    }
    if (c >= kCheckDigitOffset || c < t.prefix.size() || overlaps(c, 1, t.item_offset, t.item_length) ||
        overlaps(c, 1, t.value_offset, t.value_length)) {
      return fail(Errc::config, name + ": price check digit offset " + std::to_string(c) +
                                    " overlaps the prefix, another field or the check digit");
    }
  }
  return {};
}

Result<char> price_check_digit(std::string_view v) {
  if (auto ok = require_digits(v); !ok) return fail(ok.error());
  if (v.size() == 4) {
    const int sum = at(kTwoMinus, v[0]) + at(kTwoMinus, v[1]) + at(kThree, v[2]) + at(kFiveMinus, v[3]);
    return static_cast<char>('0' + (sum * 3) % 10);
  }
  if (v.size() == 5) {
    const int sum = at(kFivePlus, v[0]) + at(kTwoMinus, v[1]) + at(kFiveMinus, v[2]) + at(kFivePlus, v[3]) +
                    at(kTwoMinus, v[4]);
    const int target = (10 - sum % 10) % 10;
    // The check digit is the digit whose 5- product equals the target.
    for (char d = '0'; d <= '9'; ++d) {
      if (at(kFiveMinus, d) == target) return d;
    }
  }
  return fail(Errc::invalid_argument,
              "price check digit needs 4 or 5 digits, got " + std::to_string(v.size()));
}

Result<VariableMeasure> decode_variable_measure(std::string_view ean13,
                                                std::span<const VariableMeasureTemplate> templates) {
  if (ean13.size() != 13 || !require_digits(ean13) || !is_variable_measure_prefix(ean13)) {
    return fail(Errc::invalid_argument,
                "not a variable-measure EAN-13 (prefix 02 or 20-29): " + std::string(ean13));
  }
  const VariableMeasureTemplate* t = find_template(ean13, templates);
  if (t == nullptr) {
    const std::string prefix(ean13.substr(0, 2));
    return fail(Errc::not_found, "restricted-circulation code " + std::string(ean13) + " has prefix " +
                                     prefix + " but the store has no template for it");
  }
  if (auto ok = validate_template(*t); !ok) return fail(ok.error());

  const std::string_view value = ean13.substr(t->value_offset, t->value_length);
  if (t->check_offset) {
    const char expected = *price_check_digit(value);  // 4 or 5 digits, validated above
    const char got = ean13[*t->check_offset];
    if (got != expected) {
      return fail(Errc::invalid_argument,
                  std::string(t->value == EmbeddedValue::price_cents ? "price" : "weight") +
                      " check digit is " + got + ", expected " + expected + " for " + std::string(value) +
                      " in " + std::string(ean13));
    }
  }
  std::int64_t amount = 0;
  for (char c : value) amount = amount * 10 + (c - '0');

  VariableMeasure out;
  out.lookup_key = t->prefix + std::string(ean13.substr(t->item_offset, t->item_length));
  if (t->value == EmbeddedValue::price_cents) {
    out.price_cents = amount;
  } else {
    out.weight_grams = amount;
  }
  return out;
}

}  // namespace storeedge::domain::scan
