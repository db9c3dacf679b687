#include "edge/domain/scan/scan.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

#include "edge/domain/scan/digital_link.hpp"
#include "edge/domain/scan/gtin.hpp"

namespace storeedge::domain::scan {
namespace {

enum class Payload { plain, element_string };

struct Identified {
  Symbology symbology = Symbology::none;
  Payload payload = Payload::plain;
  std::string_view data;
};

// Which symbologies carry GS1 element strings with an implied leading FNC1 (AIM ISO/IEC 15424).
Result<Identified> strip_symbology_identifier(std::string_view raw) {
  if (raw.empty() || raw[0] != ']') return Identified{Symbology::none, Payload::plain, raw};
  if (raw.size() < 3) {
    return fail(Errc::invalid_argument, "truncated symbology identifier \"" + std::string(raw) + "\"");
  }
  const char code = raw[1];
  const char mod = raw[2];
  Identified id{Symbology::other, Payload::plain, raw.substr(3)};
  switch (code) {
    case 'E':
      if (mod == '0')
        id.symbology = Symbology::ean_upc;
      else if (mod == '4')
        id.symbology = Symbology::ean8;
      else
        return fail(Errc::unsupported,
                    "EAN/UPC add-on symbols (]E" + std::string(1, mod) + ") are not supported");
      break;
    case 'C': id.symbology = mod == '1' ? Symbology::gs1_128 : Symbology::code128; break;
    case 'e': id.symbology = Symbology::gs1_databar; break;
    case 'Q': id.symbology = (mod == '3' || mod == '5') ? Symbology::gs1_qr : Symbology::qr; break;
    case 'd':
      id.symbology = (mod == '2' || mod == '5') ? Symbology::gs1_datamatrix : Symbology::datamatrix;
      break;
    case 'J':
      if (mod == '1') id.symbology = Symbology::gs1_dotcode;
      break;
    case 'A': id.symbology = Symbology::code39; break;
    case 'I': id.symbology = Symbology::itf; break;
    default: break;
  }
  switch (id.symbology) {
    case Symbology::gs1_128:
    case Symbology::gs1_databar:
    case Symbology::gs1_qr:
    case Symbology::gs1_datamatrix:
    case Symbology::gs1_dotcode: id.payload = Payload::element_string; break;
    default: break;
  }
  if (id.data.empty()) {
    return fail(Errc::invalid_argument,
                "no data after symbology identifier " + std::string(raw.substr(0, 3)));
  }
  return id;
}

Status check_bytes(std::string_view raw) {
  if (raw.empty()) return fail(Errc::invalid_argument, "empty scan");
  if (raw.size() > kMaxScanBytes) {
    return fail(Errc::invalid_argument, "scan is " + std::to_string(raw.size()) + " bytes, more than the " +
                                            std::to_string(kMaxScanBytes) + "-byte limit");
  }
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const auto u = static_cast<unsigned char>(raw[i]);
    if (u >= 0x80) {
      return fail(Errc::invalid_argument,
                  "non-ASCII byte " + printable_char(raw[i]) + " at position " + std::to_string(i + 1));
    }
    if ((u < 0x20 && raw[i] != kFnc1) || u == 0x7f) {
      return fail(Errc::invalid_argument,
                  "control character " + printable_char(raw[i]) + " at position " + std::to_string(i + 1));
    }
  }
  return {};
}

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::int64_t to_int(std::string_view digits) {
  std::int64_t v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

std::int64_t pow10(int n) {
  std::int64_t p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

// Minor-unit digits of an ISO 4217 numeric currency code; 2 unless listed.
int currency_minor_digits(std::string_view numeric) {
  static constexpr std::array<std::pair<std::string_view, int>, 16> kExceptions{{
      {"392", 0},
      {"410", 0},
      {"152", 0},
      {"352", 0},
      {"704", 0},
      {"600", 0},
      {"800", 0},
      {"108", 0},
      {"048", 3},
      {"368", 3},
      {"400", 3},
      {"414", 3},
      {"434", 3},
      {"512", 3},
      {"788", 3},
      {"990", 4},
  }};
  for (const auto& [code, digits] : kExceptions) {
    if (code == numeric) return digits;
  }
  return 2;
}

// A price with `decimals` decimals as minor units with `minor` digits; refuses to round money.
Result<std::int64_t> to_minor_units(std::string_view ai, std::string_view digits, int decimals, int minor) {
  const std::int64_t value = to_int(digits);  // at most 15 digits (AI format), so no overflow here
  if (minor < 0 || minor > 4) {
    return fail(Errc::config, "currency minor digits must be 0 to 4, got " + std::to_string(minor));
  }
  if (decimals <= minor) {
    const std::int64_t factor = pow10(minor - decimals);
    if (value > std::numeric_limits<std::int64_t>::max() / factor) {
      return fail(Errc::invalid_argument,
                  "AI " + std::string(ai) + ": price " + std::string(digits) + " is too large");
    }
    return value * factor;
  }
  const std::int64_t divisor = pow10(decimals - minor);
  if (value % divisor != 0) {
    return fail(Errc::invalid_argument, "AI " + std::string(ai) + ": price " + std::string(digits) +
                                            " with " + std::to_string(decimals) +
                                            " decimals is finer than the currency's " +
                                            std::to_string(minor) + " minor digits");
  }
  return value / divisor;
}

// Net weight in kg with `decimals` decimals (AI 310n) as grams, rounding half up below a gram.
std::int64_t kg_to_grams(std::string_view digits, int decimals) {
  const std::int64_t value = to_int(digits);
  if (decimals <= 3) return value * pow10(3 - decimals);
  const std::int64_t divisor = pow10(decimals - 3);
  return (value + divisor / 2) / divisor;
}

Status apply_field(ScanResult& out, const AiField& f, const DecodeOptions& options) {
  const std::string_view ai = f.ai;
  auto date = [&](std::optional<Date>& slot) -> Status {
    auto d = parse_gs1_date(f.value, options.current_year);
    if (!d) return fail(d.error().with_context("AI " + f.ai));
    slot = *d;
    return {};
  };
  if (ai == "01")
    out.gtin14 = f.value;
  else if (ai == "10")
    out.batch = f.value;
  else if (ai == "21")
    out.serial = f.value;
  else if (ai == "11")
    return date(out.production_date);
  else if (ai == "13")
    return date(out.packaging_date);
  else if (ai == "15")
    return date(out.best_before);
  else if (ai == "17")
    return date(out.expiry);
  else if (ai.size() == 4 && ai.starts_with("310"))
    out.weight_grams = kg_to_grams(f.value, ai[3] - '0');
  else if (ai.size() == 4 && ai.starts_with("392")) {
    auto cents = to_minor_units(ai, f.value, ai[3] - '0', options.local_currency_minor_digits);
    if (!cents) return fail(cents.error());
    out.price_cents = *cents;
  } else if (ai.size() == 4 && ai.starts_with("393")) {
    const std::string_view currency = std::string_view(f.value).substr(0, 3);
    auto cents =
        to_minor_units(ai, std::string_view(f.value).substr(3), ai[3] - '0', currency_minor_digits(currency));
    if (!cents) return fail(cents.error());
    out.price_cents = *cents;
    out.price_currency = std::string(currency);
  }
  return {};
}

Result<ScanResult> from_fields(std::vector<AiField> fields, ScanKind kind, Symbology symbology,
                               const DecodeOptions& options) {
  ScanResult out;
  out.kind = kind;
  out.symbology = symbology;
  for (const auto& f : fields) {
    if (auto ok = apply_field(out, f, options); !ok) return fail(ok.error());
  }
  if (!out.gtin14) {
    return fail(Errc::invalid_argument, "GS1 data carries no GTIN (AI 01), so there is nothing to look up");
  }
  out.lookup_key = *out.gtin14;
  out.fields = std::move(fields);
  return out;
}

// EAN-13, UPC-A, UPC-E, EAN-8, ITF-14 or a GTIN typed in; restricted prefixes go through the templates.
Result<ScanResult> decode_digits(std::string_view digits, Symbology symbology, const DecodeOptions& options) {
  Result<std::string> gtin14 = fail(Errc::internal, "unset");
  const bool upce_candidate =
      digits.size() == 8 && (digits[0] == '0' || digits[0] == '1') && symbology != Symbology::ean8;
  if (upce_candidate && (symbology == Symbology::ean_upc || expand_upce(digits))) {
    auto upca = expand_upce(digits);
    if (!upca) return fail(upca.error());
    gtin14 = "00" + *upca;
  } else {
    if (symbology == Symbology::ean8 && digits.size() != 8) {
      return fail(Errc::invalid_argument,
                  "EAN-8 (]E4) must be 8 digits, got " + std::to_string(digits.size()));
    }
    gtin14 = validate_gtin(digits);
    if (!gtin14) return fail(gtin14.error());
  }
  ScanResult out;
  out.symbology = symbology;
  const std::string_view ean13 = std::string_view(*gtin14).substr(1);
  if ((*gtin14)[0] == '0' && is_variable_measure_prefix(ean13)) {
    auto vm = decode_variable_measure(ean13, options.variable_measure_templates);
    if (!vm) return fail(vm.error());
    out.kind = ScanKind::variable_measure;
    out.lookup_key = std::move(vm->lookup_key);
    out.price_cents = vm->price_cents;
    out.weight_grams = vm->weight_grams;
    return out;
  }
  out.kind = ScanKind::gtin;
  out.lookup_key = *gtin14;
  out.gtin14 = std::move(*gtin14);
  return out;
}

Result<ScanResult> decode_payload(const Identified& id, const DecodeOptions& options) {
  const std::string_view data = id.data;
  if (id.payload == Payload::element_string) {
    auto fields = data[0] == '(' ? parse_bracketed_element_string(data) : parse_element_string(data);
    if (!fields) return fail(fields.error());
    return from_fields(std::move(*fields), ScanKind::gs1_element_string, id.symbology, options);
  }
  if (looks_like_url(data)) {
    auto fields = parse_digital_link(data);
    if (!fields) return fail(fields.error());
    return from_fields(std::move(*fields), ScanKind::digital_link, id.symbology, options);
  }
  const bool element_string = data[0] == kFnc1 || data[0] == '(' ||
                              data.find(kFnc1) != std::string_view::npos ||
                              (data.size() > 14 && all_digits(data));
  if (element_string) {
    auto fields = data[0] == '(' ? parse_bracketed_element_string(data) : parse_element_string(data);
    if (!fields) return fail(fields.error());
    return from_fields(std::move(*fields), ScanKind::gs1_element_string, id.symbology, options);
  }
  return decode_digits(data, id.symbology, options);
}

}  // namespace

std::string_view to_string(Symbology symbology) {
  switch (symbology) {
    case Symbology::none: return "none";
    case Symbology::ean_upc: return "EAN/UPC";
    case Symbology::ean8: return "EAN-8";
    case Symbology::gs1_128: return "GS1-128";
    case Symbology::code128: return "Code 128";
    case Symbology::gs1_databar: return "GS1 DataBar";
    case Symbology::gs1_qr: return "GS1 QR Code";
    case Symbology::qr: return "QR Code";
    case Symbology::gs1_datamatrix: return "GS1 DataMatrix";
    case Symbology::datamatrix: return "Data Matrix";
    case Symbology::gs1_dotcode: return "GS1 DotCode";
    case Symbology::code39: return "Code 39";
    case Symbology::itf: return "ITF";
    case Symbology::other: return "other";
  }
  return "unknown";
}

std::string_view to_string(ScanKind kind) {
  switch (kind) {
    case ScanKind::gtin: return "gtin";
    case ScanKind::variable_measure: return "variable_measure";
    case ScanKind::gs1_element_string: return "gs1_element_string";
    case ScanKind::digital_link: return "digital_link";
  }
  return "unknown";
}

Result<ScanResult> decode(std::string_view raw, const DecodeOptions& options) {
  if (auto ok = check_bytes(raw); !ok) return fail(ok.error());
  auto id = strip_symbology_identifier(raw);
  if (!id) return fail(id.error());
  return decode_payload(*id, options);
}

}  // namespace storeedge::domain::scan
