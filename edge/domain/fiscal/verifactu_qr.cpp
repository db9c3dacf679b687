#include "edge/domain/fiscal/verifactu_qr.hpp"

#include "edge/domain/fiscal/verifactu_format.hpp"

namespace storeedge::domain::fiscal {

std::string url_encode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size() * 3);
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0F];
    }
  }
  return out;
}

std::string validation_qr_url(AeatEnvironment env, std::string_view issuer_nif, std::string_view number,
                              const CivilDate& issue_date, std::int64_t total_cents) {
  std::string url = env == AeatEnvironment::production
                        ? "https://www2.agenciatributaria.gob.es/wlpl/TIKE-CONT/ValidarQR"
                        : "https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR";
  url += "?nif=" + url_encode(issuer_nif);
  url += "&numserie=" + url_encode(number);
  url += "&fecha=" + url_encode(format_date(issue_date));
  url += "&importe=" + url_encode(format_amount(total_cents));
  return url;
}

}  // namespace storeedge::domain::fiscal
