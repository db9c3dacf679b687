#pragma once
// Spanish tax identifiers (NIF) and their check characters, as used for IDEmisorFactura:
//   DNI  8 digits + letter               12345678Z
//   NIE  X|Y|Z + 7 digits + letter       X1234567L   (X, Y, Z count as 0, 1, 2)
//   K/L/M + 7 digits + letter            (NIF of minors and foreigners without NIE)
//   CIF  entity letter + 7 digits + check digit or letter   A28015865, Q2826000H
#include <string>
#include <string_view>

#include "platform/error.hpp"

namespace storeedge::domain::fiscal {

enum class TaxIdKind { dni, nie, klm, cif };

struct SpanishTaxId {
  TaxIdKind kind = TaxIdKind::dni;
  std::string value;  // normalised: trimmed, upper case
};

// Accepts surrounding spaces and lower-case letters; fails with invalid_argument naming the value and
// the rule it breaks (length, shape, check character).
[[nodiscard]] Result<SpanishTaxId> parse_spanish_tax_id(std::string_view text);

}  // namespace storeedge::domain::fiscal
