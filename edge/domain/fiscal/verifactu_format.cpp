#include "edge/domain/fiscal/verifactu_format.hpp"

#include <array>
#include <chrono>
#include <cstdio>

namespace storeedge::domain::fiscal {
namespace {

constexpr std::int64_t kSecondsPerDay = 86'400;
// 2000-01-01T00:00:00Z: a record stamped earlier comes from an unset clock (a kiosk booting in 1970).
constexpr std::int64_t kEarliestGeneration = 946'684'800;
// 9999-12-31T23:59:59Z: the four-digit year the text form can carry.
constexpr std::int64_t kLatestGeneration = 253'402'300'799;
constexpr int kMaxOffsetMinutes = 14 * 60;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::string two_digits(int v) {
  char buf[4];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

}  // namespace

std::string_view trim_spaces(std::string_view s) {
  const auto first = s.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(' ');
  return s.substr(first, last - first + 1);
}

std::string format_amount(std::int64_t cents) {
  const bool negative = cents < 0;
  const std::int64_t abs = negative ? -cents : cents;
  std::string out = negative ? "-" : "";
  out += std::to_string(abs / 100);
  out += '.';
  out += two_digits(static_cast<int>(abs % 100));
  return out;
}

Status validate_amount(std::string_view field, std::int64_t cents) {
  if (cents > kMaxAmountCents || cents < -kMaxAmountCents) {
    return fail(Errc::invalid_argument, std::string(field) + " " + std::to_string(cents) +
                                            " cents is out of range (at most 12 integer digits)");
  }
  return {};
}

std::string format_date(const CivilDate& d) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02d-%02d-%04d", d.day, d.month, d.year);
  return buf;
}

Status validate_date(const CivilDate& d) {
  using namespace std::chrono;
  const bool in_range =
      d.year >= 1900 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= 31;
  if (!in_range ||
      !year_month_day{year{d.year}, month{static_cast<unsigned>(d.month)}, day{static_cast<unsigned>(d.day)}}
           .ok()) {
    return fail(Errc::invalid_argument, "invalid date " + std::to_string(d.year) + "-" +
                                            std::to_string(d.month) + "-" + std::to_string(d.day));
  }
  return {};
}

Status validate_generation_time(const GenerationTime& t) {
  if (t.utc_offset_minutes < -kMaxOffsetMinutes || t.utc_offset_minutes > kMaxOffsetMinutes) {
    return fail(Errc::invalid_argument,
                "UTC offset " + std::to_string(t.utc_offset_minutes) + " minutes is beyond +-14:00");
  }
  if (t.unix_seconds < kEarliestGeneration || t.unix_seconds > kLatestGeneration) {
    return fail(Errc::invalid_argument, "generation time " + std::to_string(t.unix_seconds) +
                                            " (unix seconds) is outside 2000..9999: is the clock set?");
  }
  return {};
}

std::string format_generation_time(const GenerationTime& t) {
  using namespace std::chrono;
  const std::int64_t local = t.unix_seconds + std::int64_t{t.utc_offset_minutes} * 60;
  const std::int64_t days = floor_div(local, kSecondsPerDay);
  const auto secs = static_cast<int>(local - days * kSecondsPerDay);
  const year_month_day ymd{sys_days{std::chrono::days{days}}};
  const int off = t.utc_offset_minutes < 0 ? -t.utc_offset_minutes : t.utc_offset_minutes;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), secs / 3600,
                secs / 60 % 60, secs % 60, t.utc_offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
  return buf;
}

std::string alta_hash_input(const AltaHashFields& f) {
  std::string s;
  s.reserve(256);
  s.append("IDEmisorFactura=").append(trim_spaces(f.issuer_nif));
  s.append("&NumSerieFactura=").append(trim_spaces(f.number));
  s.append("&FechaExpedicionFactura=").append(trim_spaces(f.issue_date));
  s.append("&TipoFactura=").append(trim_spaces(f.type));
  s.append("&CuotaTotal=").append(trim_spaces(f.total_tax));
  s.append("&ImporteTotal=").append(trim_spaces(f.total));
  s.append("&Huella=").append(trim_spaces(f.previous_hash));
  s.append("&FechaHoraHusoGenRegistro=").append(trim_spaces(f.generated_at));
  return s;
}

std::string anulacion_hash_input(const AnulacionHashFields& f) {
  std::string s;
  s.reserve(256);
  s.append("IDEmisorFacturaAnulada=").append(trim_spaces(f.issuer_nif));
  s.append("&NumSerieFacturaAnulada=").append(trim_spaces(f.number));
  s.append("&FechaExpedicionFacturaAnulada=").append(trim_spaces(f.issue_date));
  s.append("&Huella=").append(trim_spaces(f.previous_hash));
  s.append("&FechaHoraHusoGenRegistro=").append(trim_spaces(f.generated_at));
  return s;
}

}  // namespace storeedge::domain::fiscal
