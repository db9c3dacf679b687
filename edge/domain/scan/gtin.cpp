#include "edge/domain/scan/gtin.hpp"

#include <cstdio>

namespace storeedge::domain::scan {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

std::string printable_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned>(u));
  return buf;
}

Status require_digits(std::string_view text, std::size_t first_position) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!is_digit(text[i])) {
      return fail(Errc::invalid_argument, "non-digit character " + printable_char(text[i]) + " at position " +
                                              std::to_string(first_position + i));
    }
  }
  return {};
}

Result<char> gs1_check_digit(std::string_view body) {
  if (body.empty() || body.size() > 17) {
    return fail(Errc::invalid_argument,
                "check digit body must be 1 to 17 digits, got " + std::to_string(body.size()));
  }
  if (auto ok = require_digits(body); !ok) return fail(ok.error());
  int sum = 0;
  int weight = 3;  // the digit next to the check digit weighs 3
  for (auto it = body.rbegin(); it != body.rend(); ++it) {
    sum += (*it - '0') * weight;
    weight = 4 - weight;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

Result<std::string> validate_gtin(std::string_view code) {
  const std::size_t n = code.size();
  if (auto ok = require_digits(code); !ok) return fail(ok.error());
  if (n != 8 && n != 12 && n != 13 && n != 14) {
    return fail(Errc::invalid_argument, "GTIN must be 8, 12, 13 or 14 digits, got " + std::to_string(n));
  }
  auto expected = gs1_check_digit(code.substr(0, n - 1));
  if (!expected) return fail(expected.error());
  if (code.back() != *expected) {
    return fail(Errc::invalid_argument, std::string("check digit is ") + code.back() + ", expected " +
                                            *expected + " (GTIN " + std::string(code) + ")");
  }
  return std::string(14 - n, '0') + std::string(code);
}

std::string canonical_gtin(std::string_view gtin14) {
  if (gtin14.size() != 14) return std::string(gtin14);
  std::size_t zeros = 0;
  while (zeros < 6 && gtin14[zeros] == '0') ++zeros;
  if (zeros >= 6) return std::string(gtin14.substr(6));
  if (zeros >= 2) return std::string(gtin14.substr(2));
  if (zeros == 1) return std::string(gtin14.substr(1));
  return std::string(gtin14);
}

Result<std::string> expand_upce(std::string_view upce) {
  if (auto ok = require_digits(upce); !ok) return fail(ok.error());
  if (upce.size() != 8) {
    return fail(Errc::invalid_argument, "UPC-E must be 8 digits, got " + std::to_string(upce.size()));
  }
  const char ns = upce[0];
  if (ns != '0' && ns != '1') {
    return fail(Errc::invalid_argument, std::string("UPC-E number system must be 0 or 1, got ") + ns);
  }
  const std::string_view x = upce.substr(1, 6);  // X1..X6
  std::string body(1, ns);
  switch (x[5]) {
    case '0':
    case '1':
    case '2':  // manufacturer X1 X2 X6 00, item 00 X3 X4 X5
      body += std::string(x.substr(0, 2)) + x[5] + "0000" + std::string(x.substr(2, 3));
      break;
    case '3':  // manufacturer X1 X2 X3 00, item 000 X4 X5
      body += std::string(x.substr(0, 3)) + "00000" + std::string(x.substr(3, 2));
      break;
    case '4':  // manufacturer X1 X2 X3 X4 0, item 0000 X5
      body += std::string(x.substr(0, 4)) + "00000" + x[4];
      break;
    default:  // 5..9: manufacturer X1..X5, item 0000 X6
      body += std::string(x.substr(0, 5)) + "0000" + x[5];
      break;
  }
  const char expected = *gs1_check_digit(body);  // body is 11 digits: cannot fail
  if (upce[7] != expected) {
    return fail(Errc::invalid_argument, std::string("check digit is ") + upce[7] + ", expected " + expected +
                                            " (UPC-E " + std::string(upce) + " = UPC-A " + body + expected +
                                            ")");
  }
  return body + expected;
}

Result<std::string> make_ean13(std::string_view twelve_digits) {
  if (auto ok = require_digits(twelve_digits); !ok) return fail(ok.error());
  if (twelve_digits.size() != 12) {
    return fail(Errc::invalid_argument,
                "EAN-13 body must be 12 digits, got " + std::to_string(twelve_digits.size()));
  }
  return std::string(twelve_digits) + *gs1_check_digit(twelve_digits);
}

}  // namespace storeedge::domain::scan
