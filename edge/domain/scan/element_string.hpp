#pragma once
// GS1 element strings, as GS1-128, GS1 DataBar, GS1 QR Code and GS1 DataMatrix carry them: a run of
// Application Identifier + value pairs. Two spellings are accepted:
//   - the transmitted form, where FNC1 arrives as the ASCII GS character (0x1D) and separates a
//     variable-length value from the next AI; a leading FNC1 is optional;
//   - the human-readable form "(01)09506000134352(17)261231(10)ABC".
// Every value is checked against its AI (ai_table.hpp). Positions in messages are 1-based.
#include <string>
#include <string_view>
#include <vector>

#include "edge/domain/scan/ai_table.hpp"
#include "platform/error.hpp"

namespace storeedge::domain::scan {

inline constexpr char kFnc1 = '\x1d';

struct AiField {
  std::string ai;     // "01", "10", "3103", ...
  std::string value;  // exactly as encoded
  friend bool operator==(const AiField&, const AiField&) = default;
};

// Parses the transmitted form. A variable-length value runs to the next FNC1 or the end of the data; if
// it is longer than its AI allows, the FNC1 is missing and the data is rejected. An AI that is not in
// the GS1 table of predefined lengths must be followed by FNC1 or the end, as the spec requires.
[[nodiscard]] Result<std::vector<AiField>> parse_element_string(std::string_view data);

// Parses the bracketed human-readable form. A variable-length value runs to the next '(' (so values
// containing '(' cannot be written in this form).
[[nodiscard]] Result<std::vector<AiField>> parse_bracketed_element_string(std::string_view text);

// Appends a field, rejecting an AI that repeats with a different value (GS1 forbids it); an exact repeat
// is dropped.
[[nodiscard]] Status add_field(std::vector<AiField>& fields, AiField field);

}  // namespace storeedge::domain::scan
