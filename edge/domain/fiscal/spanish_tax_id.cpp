#include "edge/domain/fiscal/spanish_tax_id.hpp"

#include <algorithm>

#include "edge/domain/fiscal/verifactu_format.hpp"

namespace storeedge::domain::fiscal {
namespace {

// Check letter of DNI, NIE and K/L/M numbers: the number modulo 23 indexes this table.
constexpr std::string_view kDniLetters = "TRWAGMYFPDXBNJZSQVHLCKE";
// Check letter of a CIF, indexed by its check digit.
constexpr std::string_view kCifLetters = "JABCDEFGHI";
constexpr std::string_view kCifEntityLetters = "ABCDEFGHJNPQRSUVW";

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

long digits_value(std::string_view s) {
  long n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return n;
}

char dni_letter(long number) {
  return kDniLetters[static_cast<std::size_t>(number % 23)];
}

// The CIF check digit over its 7 digits: digits in odd positions (1st, 3rd, ...) are doubled and their
// decimal digits added; digits in even positions are added as they are.
int cif_check_digit(std::string_view seven) {
  int sum = 0;
  for (std::size_t i = 0; i < seven.size(); ++i) {
    int d = seven[i] - '0';
    if (i % 2 == 0) {
      d *= 2;
      sum += d / 10 + d % 10;
    } else {
      sum += d;
    }
  }
  return (10 - sum % 10) % 10;
}

tl::unexpected<Error> bad(const std::string& value, std::string_view why) {
  return fail(Errc::invalid_argument, "invalid NIF '" + value + "': " + std::string(why));
}

Result<SpanishTaxId> check_personal(const std::string& v, TaxIdKind kind, long number) {
  char expected = dni_letter(number);
  if (v.back() != expected) {
    return bad(v, std::string("check letter should be '") + expected + "', got '" + v.back() + "'");
  }
  return SpanishTaxId{kind, v};
}

Result<SpanishTaxId> check_cif(const std::string& v) {
  const char entity = v.front();
  const std::string_view digits = std::string_view(v).substr(1, 7);
  const int check = cif_check_digit(digits);
  const char digit_form = static_cast<char>('0' + check);
  const char letter_form = kCifLetters[static_cast<std::size_t>(check)];
  // Public bodies, non-resident and some entities print the check as a letter; companies (A, B) and
  // a few others as a digit; the rest may use either.
  const bool letter_only = std::string_view("NPQRSW").find(entity) != std::string_view::npos;
  const bool digit_only = std::string_view("ABEH").find(entity) != std::string_view::npos;
  const char got = v.back();
  const bool ok = (got == digit_form && !letter_only) || (got == letter_form && !digit_only);
  if (!ok) {
    std::string want = letter_only  ? std::string("'") + letter_form + "'"
                       : digit_only ? std::string("'") + digit_form + "'"
                                    : std::string("'") + digit_form + "' or '" + letter_form + "'";
    return bad(v, "check character should be " + want + ", got '" + got + "'");
  }
  return SpanishTaxId{TaxIdKind::cif, v};
}

}  // namespace

Result<SpanishTaxId> parse_spanish_tax_id(std::string_view text) {
  std::string v(trim_spaces(text));
  for (char& c : v) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  if (v.size() != 9) return bad(v, "must be 9 characters, got " + std::to_string(v.size()));
  const std::string_view body = std::string_view(v).substr(1, 7);
  const char first = v.front();
  if (first >= '0' && first <= '9') {
    if (!all_digits(std::string_view(v).substr(0, 8))) return bad(v, "a DNI is 8 digits and a letter");
    return check_personal(v, TaxIdKind::dni, digits_value(std::string_view(v).substr(0, 8)));
  }
  if (!all_digits(body)) return bad(v, "characters 2 to 8 must be digits");
  if (first == 'X' || first == 'Y' || first == 'Z') {
    const long prefix = first - 'X';
    return check_personal(v, TaxIdKind::nie, prefix * 10'000'000 + digits_value(body));
  }
  if (first == 'K' || first == 'L' || first == 'M') {
    return check_personal(v, TaxIdKind::klm, digits_value(body));
  }
  if (kCifEntityLetters.find(first) != std::string_view::npos) return check_cif(v);
  return bad(v, std::string("unknown first character '") + first + "'");
}

}  // namespace storeedge::domain::fiscal
