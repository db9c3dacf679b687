#include "edge/domain/scan/digital_link.hpp"

#include <algorithm>
#include <string>

#include "edge/domain/scan/gtin.hpp"

namespace storeedge::domain::scan {
namespace {

bool istarts_with(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const char c = text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] - 'A' + 'a') : text[i];
    if (c != prefix[i]) return false;
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    const int hi = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
    const int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return fail(Errc::invalid_argument, "malformed %-escape in \"" + std::string(text) + "\"");
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(sep, start), text.size());
    if (end > start) parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

bool is_numeric(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Old Digital Link convenience aliases for the path keys.
std::string_view path_key_ai(std::string_view key) {
  if (key == "gtin") return "01";
  if (key == "cpv") return "22";
  if (key == "lot") return "10";
  if (key == "ser") return "21";
  return key;
}

Status add_checked(std::vector<AiField>& fields, std::string_view ai, std::string_view raw_value) {
  auto value = percent_decode(raw_value);
  if (!value) return fail(value.error().with_context("AI " + std::string(ai)));
  if (ai == "01") {
    auto gtin = validate_gtin(*value);  // a Digital Link may carry GTIN-8/12/13 unpadded
    if (!gtin) return fail(gtin.error().with_context("AI 01"));
    *value = *gtin;
  }
  if (!is_numeric(ai)) {
    return fail(Errc::invalid_argument,
                "path key \"" + std::string(ai) + "\" is not a GS1 Application Identifier");
  }
  if (auto ok = validate_ai_value(ai, *value); !ok) return ok;
  return add_field(fields, AiField{std::string(ai), std::move(*value)});
}

}  // namespace

bool looks_like_url(std::string_view text) {
  return istarts_with(text, "http://") || istarts_with(text, "https://");
}

Result<std::vector<AiField>> parse_digital_link(std::string_view url) {
  if (!looks_like_url(url)) return fail(Errc::invalid_argument, "Digital Link must start with http(s)://");
  std::string_view rest = url.substr(url.find("//") + 2);
  rest = rest.substr(0, std::min(rest.find('#'), rest.size()));
  const std::size_t path_start = std::min(rest.find_first_of("/?"), rest.size());
  if (path_start == 0) return fail(Errc::invalid_argument, "Digital Link has no host");
  rest.remove_prefix(path_start);
  const std::size_t query_start = std::min(rest.find('?'), rest.size());
  const std::vector<std::string_view> segments = split(rest.substr(0, query_start), '/');
  const std::string_view query = query_start < rest.size() ? rest.substr(query_start + 1) : "";

  // Anything before the GTIN key is the brand's own path prefix.
  std::size_t key = 0;
  while (key < segments.size() && path_key_ai(segments[key]) != "01") ++key;
  if (key + 1 >= segments.size()) {
    return fail(Errc::invalid_argument, "Digital Link has no GTIN path key /01/<gtin>");
  }
  std::vector<AiField> fields;
  for (std::size_t i = key; i < segments.size(); i += 2) {
    const std::string_view ai = path_key_ai(segments[i]);
    if (i + 1 >= segments.size()) {
      return fail(Errc::invalid_argument, "Digital Link path key \"" + std::string(ai) + "\" has no value");
    }
    if (auto ok = add_checked(fields, ai, segments[i + 1]); !ok) {
      return fail(ok.error().with_context("Digital Link path"));
    }
  }
  for (std::string_view param : split(query, '&')) {
    const std::size_t eq = param.find('=');
    const std::string_view name = param.substr(0, eq);
    if (!is_numeric(name)) continue;  // linkType and other non-AI parameters
    if (eq == std::string_view::npos) {
      return fail(Errc::invalid_argument, "Digital Link query AI " + std::string(name) + " has no value");
    }
    if (auto ok = add_checked(fields, name, param.substr(eq + 1)); !ok) {
      return fail(ok.error().with_context("Digital Link query"));
    }
  }
  return fields;
}

}  // namespace storeedge::domain::scan
