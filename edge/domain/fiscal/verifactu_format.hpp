#pragma once
// The text forms VERI*FACTU hashes and prints, and their validation. Source: AEAT, "Detalle de las
// especificaciones técnicas para la generación de la huella o hash de los registros de facturación"
// (v0.1.2); tests/unit/fiscal checks the published example vectors.
#include <cstdint>
#include <string>
#include <string_view>

#include "edge/domain/fiscal/fiscal_recorder.hpp"
#include "platform/error.hpp"
#include "platform/sha256.hpp"

namespace storeedge::domain::fiscal {

// The largest |amount| an ImporteSgn12.2 field holds: 12 integer digits and 2 decimals.
inline constexpr std::int64_t kMaxAmountCents = 99'999'999'999'999;

// Leading and trailing spaces removed (the hash spec trims every value).
std::string_view trim_spaces(std::string_view s);

// Two decimals, '.' separator, '-' for negatives: 12345 -> "123.45", -50 -> "-0.50", 0 -> "0.00".
// Precondition: |cents| <= kMaxAmountCents.
std::string format_amount(std::int64_t cents);
[[nodiscard]] Status validate_amount(std::string_view field, std::int64_t cents);

// "dd-mm-yyyy".
std::string format_date(const CivilDate& date);
[[nodiscard]] Status validate_date(const CivilDate& date);

// Local time with its offset, "yyyy-mm-ddThh:mm:ss+hh:mm". Precondition: validate_generation_time.
std::string format_generation_time(const GenerationTime& t);
[[nodiscard]] Status validate_generation_time(const GenerationTime& t);

// SHA-256 of the bytes of `text`, 64 upper-case hex digits (platform/sha256.hpp).
using storeedge::sha256_hex;

// The hash input of a registro de alta from formatted values; each value is trimmed, as the spec says.
struct AltaHashFields {
  std::string_view issuer_nif, number, issue_date, type, total_tax, total, previous_hash, generated_at;
};
std::string alta_hash_input(const AltaHashFields& f);

// The hash input of a registro de anulación.
struct AnulacionHashFields {
  std::string_view issuer_nif, number, issue_date, previous_hash, generated_at;
};
std::string anulacion_hash_input(const AnulacionHashFields& f);

}  // namespace storeedge::domain::fiscal
