#pragma once
// GTIN rules: the GS1 mod-10 check digit, validation of GTIN-8/12/13/14 with normalisation to the 14-digit
// form used as the catalog key, the canonical display form, and UPC-E to UPC-A expansion.
// Pure functions, no I/O, safe on any input. Positions in messages are 1-based, as a cashier counts.
#include <string>
#include <string_view>

#include "platform/error.hpp"

namespace storeedge::domain::scan {

// The GS1 mod-10 check digit ('0'..'9') for `body` (the digits before the check digit, 1..17 of them:
// weights 3,1,3,... from the right). Fails on an empty or too long body or a non-digit.
[[nodiscard]] Result<char> gs1_check_digit(std::string_view body);

// Validates a GTIN-8, -12, -13 or -14 including its check digit and returns it as GTIN-14 (left-padded
// with zeros). Errors read "GTIN must be 8, 12, 13 or 14 digits, got 11",
// "non-digit character 'X' at position 4", "check digit is 3, expected 7".
[[nodiscard]] Result<std::string> validate_gtin(std::string_view code);

// The form to print on receipts and screens: a GTIN-14 without its padding zeros, as GTIN-8 (6 leading
// zeros), GTIN-12 (2), GTIN-13 (1) or GTIN-14. Precondition: `gtin14` is 14 digits (from validate_gtin);
// anything else is returned unchanged.
[[nodiscard]] std::string canonical_gtin(std::string_view gtin14);

// Expands an 8-digit UPC-E (number system 0 or 1, six digits, check digit) to its 12-digit UPC-A and
// verifies the check digit, which UPC-E computes over the expanded UPC-A.
[[nodiscard]] Result<std::string> expand_upce(std::string_view upce);

// Appends the check digit to 12 digits, giving a valid EAN-13 (used by the demo-data generator).
[[nodiscard]] Result<std::string> make_ean13(std::string_view twelve_digits);

// Fails with "non-digit character 'X' at position N" on the first non-digit; positions count from
// `first_position`.
[[nodiscard]] Status require_digits(std::string_view text, std::size_t first_position = 1);

// A byte as messages show it: 'X' when printable, else 0x1D.
[[nodiscard]] std::string printable_char(char c);

}  // namespace storeedge::domain::scan
