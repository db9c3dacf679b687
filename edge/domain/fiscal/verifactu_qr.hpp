#pragma once
// The URL of the VERI*FACTU validation QR code printed on every invoice (AEAT, "Características del
// QR y especificaciones del servicio de cotejo"): the AEAT cotejo service with the issuer's NIF, the
// serie+number, the issue date and the total, each value percent-encoded.
#include <cstdint>
#include <string>
#include <string_view>

#include "edge/domain/fiscal/fiscal_recorder.hpp"

namespace storeedge::domain::fiscal {

enum class AeatEnvironment {
  production,  // https://www2.agenciatributaria.gob.es
  test,        // https://prewww2.aeat.es (pre-production, for certification)
};

// RFC 3986 percent-encoding of a query value: every byte except A-Z a-z 0-9 - _ . ~ becomes %XX
// (upper-case hex), so '&' -> %26, '/' -> %2F, ' ' -> %20 and UTF-8 is encoded byte by byte.
std::string url_encode(std::string_view value);

// importe is the total with two decimals and '.' (format_amount).
std::string validation_qr_url(AeatEnvironment env, std::string_view issuer_nif, std::string_view number,
                              const CivilDate& issue_date, std::int64_t total_cents);

}  // namespace storeedge::domain::fiscal
