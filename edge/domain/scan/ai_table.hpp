#pragma once
// The GS1 Application Identifiers this runtime understands, with their data formats, and the checks
// every AI value must pass wherever it came from (barcode element string or Digital Link URL).
#include <cstddef>
#include <optional>
#include <string_view>

#include "platform/error.hpp"

namespace storeedge::domain::scan {

struct AiSpec {
  std::string_view ai;       // for 4-digit families such as 310n, the first three digits
  std::size_t min_length;    // of the value, in characters
  std::size_t max_length;    // == min_length for fixed-length AIs
  bool numeric;              // digits only; otherwise GS1 character set 82
  std::size_t numeric_head;  // leading digits required even when !numeric (e.g. n3+an..9), or 0
  bool check_digit;          // the value ends with a GS1 mod-10 check digit (GTIN, SSCC, GLN)
  bool date;                 // YYMMDD (DD 00 = end of month)
  bool predefined_length;    // in the GS1 table of predefined lengths: no FNC1 needed after it
};

// The spec of an AI, or nullptr when `ai` is not one we know.
[[nodiscard]] const AiSpec* find_ai(std::string_view ai);

// The known AI at the start of `data` (its first 2, 3 or 4 digits; find_ai() gives its spec), or an error
// naming what was found: "unknown GS1 Application Identifier 7249" / "expected a GS1 Application
// Identifier (digits), got 'A'".
[[nodiscard]] Result<std::string_view> match_ai(std::string_view data);

// Full check of a value against its AI: known AI, length, character set, check digit, calendar date.
// Errors name the AI: "AI 01: check digit is 3, expected 2".
[[nodiscard]] Status validate_ai_value(std::string_view ai, std::string_view value);

struct Date {
  int year = 0;
  int month = 0;
  int day = 0;
  friend bool operator==(const Date&, const Date&) = default;
};

// A GS1 YYMMDD date. The century follows the GS1 sliding window around `current_year` (a YY 51..99 years
// ahead is in the previous century, 50..99 behind in the next); without it, 20YY. DD 00 means the last
// day of the month.
[[nodiscard]] Result<Date> parse_gs1_date(std::string_view yymmdd, std::optional<int> current_year = {});

}  // namespace storeedge::domain::scan
