#include "edge/domain/scan/element_string.hpp"

namespace storeedge::domain::scan {
namespace {

std::string at_position(std::size_t index) {
  return " at position " + std::to_string(index + 1);
}

// The AI at data[pos], as text and spec; errors carry the position.
struct Matched {
  std::string ai;
  const AiSpec* spec;
};
Result<Matched> read_ai(std::string_view data, std::size_t pos) {
  auto ai = match_ai(data.substr(pos));
  if (!ai) return fail(ai.error().with_context("element string" + at_position(pos)));
  return Matched{std::string(*ai), find_ai(*ai)};
}

}  // namespace

Status add_field(std::vector<AiField>& fields, AiField field) {
  for (const auto& f : fields) {
    if (f.ai != field.ai) continue;
    if (f.value == field.value) return {};
    return fail(Errc::invalid_argument, "AI " + field.ai + " appears twice with different values (\"" +
                                            f.value + "\" and \"" + field.value + "\")");
  }
  fields.push_back(std::move(field));
  return {};
}

Result<std::vector<AiField>> parse_element_string(std::string_view data) {
  std::vector<AiField> fields;
  std::size_t pos = 0;
  if (pos < data.size() && data[pos] == kFnc1) ++pos;
  if (pos == data.size()) return fail(Errc::invalid_argument, "element string has no data");
  while (pos < data.size()) {
    auto m = read_ai(data, pos);
    if (!m) return fail(m.error());
    const std::size_t value_pos = pos + m->ai.size();
    const std::size_t fnc1 = data.find(kFnc1, value_pos);
    const std::size_t end_of_run = fnc1 == std::string_view::npos ? data.size() : fnc1;
    std::size_t value_end = end_of_run;
    if (m->spec->min_length == m->spec->max_length && end_of_run - value_pos > m->spec->max_length) {
      value_end = value_pos + m->spec->max_length;  // fixed length: the next AI may follow directly
      if (!m->spec->predefined_length) {
        return fail(Errc::invalid_argument, "AI " + m->ai + " must be followed by FNC1" +
                                                at_position(value_end) + " (it is not of predefined length)");
      }
    } else if (end_of_run - value_pos > m->spec->max_length) {
      return fail(Errc::invalid_argument,
                  "AI " + m->ai + " value is " + std::to_string(end_of_run - value_pos) +
                      " characters, more than its maximum " + std::to_string(m->spec->max_length) +
                      " (missing FNC1 separator" + at_position(value_pos + m->spec->max_length) + "?)");
    }
    AiField field{m->ai, std::string(data.substr(value_pos, value_end - value_pos))};
    if (auto ok = validate_ai_value(field.ai, field.value); !ok) {
      return fail(ok.error().with_context("element string" + at_position(pos)));
    }
    if (auto ok = add_field(fields, std::move(field)); !ok) return fail(ok.error());
    pos = value_end;
    if (pos < data.size() && data[pos] == kFnc1) {
      ++pos;
      if (pos < data.size() && data[pos] == kFnc1) {
        return fail(Errc::invalid_argument, "two FNC1 separators in a row" + at_position(pos));
      }
    }
  }
  return fields;
}

Result<std::vector<AiField>> parse_bracketed_element_string(std::string_view text) {
  std::vector<AiField> fields;
  std::size_t pos = 0;
  if (text.empty()) return fail(Errc::invalid_argument, "element string has no data");
  while (pos < text.size()) {
    if (text[pos] != '(') {
      return fail(Errc::invalid_argument,
                  "expected '(' to open an Application Identifier" + at_position(pos));
    }
    const std::size_t close = text.find(')', pos + 1);
    if (close == std::string_view::npos) {
      return fail(Errc::invalid_argument, "missing ')' after '('" + at_position(pos));
    }
    const std::string ai(text.substr(pos + 1, close - pos - 1));
    if (find_ai(ai) == nullptr) {
      return fail(Errc::invalid_argument,
                  "unknown GS1 Application Identifier (" + ai + ")" + at_position(pos));
    }
    const std::size_t value_pos = close + 1;
    std::size_t value_end = text.find('(', value_pos);
    if (value_end == std::string_view::npos) value_end = text.size();
    AiField field{ai, std::string(text.substr(value_pos, value_end - value_pos))};
    if (auto ok = validate_ai_value(field.ai, field.value); !ok) {
      return fail(ok.error().with_context("element string" + at_position(pos)));
    }
    if (auto ok = add_field(fields, std::move(field)); !ok) return fail(ok.error());
    pos = value_end;
  }
  return fields;
}

}  // namespace storeedge::domain::scan
