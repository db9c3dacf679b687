#include "edge/domain/scan/ai_table.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "edge/domain/scan/gtin.hpp"

namespace storeedge::domain::scan {
namespace {

// {ai, min, max, numeric, numeric_head, check_digit, date, predefined_length}
constexpr AiSpec n_fixed(std::string_view ai, std::size_t n, bool predefined = false, bool check = false) {
  return {ai, n, n, true, 0, check, false, predefined};
}
constexpr AiSpec n_var(std::string_view ai, std::size_t max) {
  return {ai, 1, max, true, 0, false, false, false};
}
constexpr AiSpec an_var(std::string_view ai, std::size_t max) {
  return {ai, 1, max, false, 0, false, false, false};
}
constexpr AiSpec date_ai(std::string_view ai, bool predefined = true) {
  return {ai, 6, 6, true, 0, false, true, predefined};
}
// n<head> followed by `min_rest` to `max_rest` more characters (numeric or character set 82).
constexpr AiSpec headed(std::string_view ai, std::size_t head, std::size_t min_rest, std::size_t max_rest,
                        bool numeric) {
  return {ai, head + min_rest, head + max_rest, numeric, head, false, false, false};
}

constexpr std::array kAis{n_fixed("00", 18, true, true),
                          n_fixed("01", 14, true, true),
                          n_fixed("02", 14, true, true),
                          an_var("10", 20),
                          date_ai("11"),
                          date_ai("12"),
                          date_ai("13"),
                          date_ai("15"),
                          date_ai("16"),
                          date_ai("17"),
                          n_fixed("20", 2, true),
                          an_var("21", 20),
                          an_var("22", 20),
                          an_var("235", 28),
                          an_var("240", 30),
                          an_var("241", 30),
                          n_var("242", 6),
                          an_var("243", 20),
                          an_var("250", 30),
                          an_var("251", 30),
                          headed("253", 13, 0, 17, false),
                          an_var("254", 20),
                          headed("255", 13, 0, 12, true),
                          n_var("30", 8),
                          n_var("37", 8),
                          an_var("400", 30),
                          an_var("401", 30),
                          n_fixed("402", 17, false, true),
                          an_var("403", 30),
                          n_fixed("410", 13, false, true),
                          n_fixed("411", 13, false, true),
                          n_fixed("412", 13, false, true),
                          n_fixed("413", 13, false, true),
                          n_fixed("414", 13, false, true),
                          n_fixed("415", 13, false, true),
                          n_fixed("416", 13, false, true),
                          n_fixed("417", 13, false, true),
                          an_var("420", 20),
                          headed("421", 3, 1, 9, false),
                          n_fixed("422", 3),
                          headed("423", 3, 1, 12, true),
                          n_fixed("424", 3),
                          headed("425", 3, 1, 12, true),
                          n_fixed("426", 3),
                          an_var("427", 3),
                          n_fixed("7001", 13),
                          an_var("7002", 30),
                          n_fixed("7003", 10),
                          n_var("7004", 4),
                          an_var("7005", 12),
                          date_ai("7006", false),
                          an_var("7008", 3),
                          an_var("7009", 10),
                          an_var("7010", 2),
                          an_var("7240", 20),
                          n_fixed("7241", 2),
                          an_var("7242", 25),
                          n_fixed("8001", 14),
                          an_var("8002", 20),
                          headed("8003", 14, 0, 16, false),
                          an_var("8004", 30),
                          n_fixed("8005", 6),
                          n_fixed("8006", 18),
                          an_var("8007", 34),
                          headed("8008", 8, 0, 4, true),
                          an_var("8009", 50),
                          an_var("8010", 30),
                          n_var("8011", 12),
                          an_var("8012", 20),
                          an_var("8013", 25),
                          n_fixed("8017", 18, false, true),
                          n_fixed("8018", 18, false, true),
                          n_var("8019", 10),
                          an_var("8020", 25),
                          n_fixed("8026", 18),
                          an_var("8110", 70),
                          n_fixed("8111", 4),
                          an_var("8112", 70),
                          an_var("8200", 70),
                          an_var("90", 30),
                          an_var("91", 90),
                          an_var("92", 90),
                          an_var("93", 90),
                          an_var("94", 90),
                          an_var("95", 90),
                          an_var("96", 90),
                          an_var("97", 90),
                          an_var("98", 90),
                          an_var("99", 90)};

// Four-digit AIs "xyzn" whose last digit is a decimal point position; `max_decimals` bounds n.
struct Family {
  AiSpec spec;  // spec.ai is the three-digit family, e.g. "310"
  char max_decimals;
};
constexpr std::array kFamilies{
    Family{n_fixed("310", 6, true), '5'}, Family{n_fixed("311", 6, true), '5'},
    Family{n_fixed("312", 6, true), '5'}, Family{n_fixed("313", 6, true), '5'},
    Family{n_fixed("314", 6, true), '5'}, Family{n_fixed("315", 6, true), '5'},
    Family{n_fixed("316", 6, true), '5'}, Family{n_fixed("320", 6, true), '5'},
    Family{n_fixed("330", 6, true), '5'}, Family{n_fixed("340", 6, true), '5'},
    Family{n_fixed("350", 6, true), '5'}, Family{n_fixed("360", 6, true), '5'},
    Family{n_var("390", 15), '9'},        Family{headed("391", 3, 1, 15, true), '9'},
    Family{n_var("392", 15), '9'},        Family{headed("393", 3, 1, 15, true), '9'},
};

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// GS1 General Specifications table: the first two digits of an AI fix its length. 0 = not assigned.
std::size_t ai_length_for_prefix(std::string_view two) {
  const int p = (two[0] - '0') * 10 + (two[1] - '0');
  if (p <= 22 || p == 30 || p == 37 || p >= 90) return 2;
  if ((p >= 23 && p <= 25) || (p >= 40 && p <= 42) || p == 71) return 3;
  if ((p >= 31 && p <= 36) || p == 39 || p == 43 || p == 70 || p == 72 || (p >= 80 && p <= 82)) return 4;
  return 0;
}

// GS1 AI encodable character set 82.
bool in_cset82(char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!\"%&'()*+,-./:;<=>?_").find(c) != std::string_view::npos;
}

}  // namespace

const AiSpec* find_ai(std::string_view ai) {
  for (const auto& spec : kAis) {
    if (spec.ai == ai) return &spec;
  }
  if (ai.size() == 4 && all_digits(ai)) {
    for (const auto& family : kFamilies) {
      if (family.spec.ai == ai.substr(0, 3) && ai[3] <= family.max_decimals) return &family.spec;
    }
  }
  return nullptr;
}

Result<std::string_view> match_ai(std::string_view data) {
  for (std::size_t len = 2; len <= 4 && len <= data.size(); ++len) {
    if (!all_digits(data.substr(0, len))) break;
    if (find_ai(data.substr(0, len)) != nullptr) return data.substr(0, len);
  }
  std::size_t digits = 0;
  while (digits < data.size() && digits < 4 && data[digits] >= '0' && data[digits] <= '9') ++digits;
  if (digits < 2) {
    if (digits < data.size()) {
      return fail(Errc::invalid_argument,
                  std::string("expected a GS1 Application Identifier (digits), got '") + data[digits] + "'");
    }
    return fail(Errc::invalid_argument, "data ends in the middle of a GS1 Application Identifier");
  }
  std::size_t len = ai_length_for_prefix(data.substr(0, 2));
  if (len == 0 || len > digits) len = std::min<std::size_t>(digits, len == 0 ? 2 : len);
  return fail(Errc::invalid_argument,
              "unknown GS1 Application Identifier " + std::string(data.substr(0, len)));
}

Status validate_ai_value(std::string_view ai, std::string_view value) {
  const AiSpec* found = find_ai(ai);
  if (found == nullptr) {
    return fail(Errc::invalid_argument, "unknown GS1 Application Identifier " + std::string(ai));
  }
  const AiSpec& spec = *found;
  const std::string name = "AI " + std::string(ai);
  if (value.size() < spec.min_length || value.size() > spec.max_length) {
    const std::string want = spec.min_length == spec.max_length
                                 ? std::to_string(spec.max_length)
                                 : std::to_string(spec.min_length) + " to " + std::to_string(spec.max_length);
    return fail(Errc::invalid_argument,
                name + " needs " + want + " characters, got " + std::to_string(value.size()));
  }
  const std::size_t head = spec.numeric ? value.size() : spec.numeric_head;
  if (auto ok = require_digits(value.substr(0, head)); !ok) return fail(ok.error().with_context(name));
  for (std::size_t i = head; i < value.size(); ++i) {
    if (!in_cset82(value[i])) {
      return fail(Errc::invalid_argument, name + ": character " + printable_char(value[i]) + " at position " +
                                              std::to_string(i + 1) + " is not allowed in GS1 data");
    }
  }
  if (spec.check_digit) {
    const char expected = *gs1_check_digit(value.substr(0, value.size() - 1));
    if (value.back() != expected) {
      return fail(Errc::invalid_argument, name + ": check digit is " + std::string(1, value.back()) +
                                              ", expected " + std::string(1, expected));
    }
  }
  if (spec.date) {
    if (auto d = parse_gs1_date(value); !d) return fail(d.error().with_context(name));
  }
  return {};
}

Result<Date> parse_gs1_date(std::string_view yymmdd, std::optional<int> current_year) {
  if (yymmdd.size() != 6 || !all_digits(yymmdd)) {
    return fail(Errc::invalid_argument, "date must be 6 digits YYMMDD, got \"" + std::string(yymmdd) + "\"");
  }
  auto two = [&](std::size_t at) { return (yymmdd[at] - '0') * 10 + (yymmdd[at + 1] - '0'); };
  const int yy = two(0);
  Date d{2000 + yy, two(2), two(4)};
  if (current_year) {
    const int century = *current_year - ((*current_year % 100) + 100) % 100;
    const int diff = yy - (*current_year - century);
    d.year = century + yy + (diff >= 51 ? -100 : diff <= -50 ? 100 : 0);
  }
  if (d.month < 1 || d.month > 12) {
    return fail(Errc::invalid_argument,
                "month " + std::to_string(d.month) + " in date " + std::string(yymmdd) + " is not 01 to 12");
  }
  static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
  const int last = kDays[static_cast<std::size_t>(d.month - 1)] + (d.month == 2 && leap ? 1 : 0);
  if (d.day > last) {
    return fail(Errc::invalid_argument, "day " + std::to_string(d.day) + " in date " + std::string(yymmdd) +
                                            " is past the end of the month (" + std::to_string(last) + ")");
  }
  if (d.day == 0) d.day = last;
  return d;
}

}  // namespace storeedge::domain::scan
