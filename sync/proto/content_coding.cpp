#include "sync/proto/content_coding.hpp"

#include <algorithm>
#include <cctype>

#include "sync/proto/zstd.hpp"

namespace storeedge::sync::proto {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "q=0", "q=0.0", "q=0.000": the coding is listed as not acceptable.
bool zero_weight(std::string_view params) {
  while (!params.empty()) {
    const auto semi = params.find(';');
    std::string_view p = trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);
    if (p.size() < 2 || std::tolower(static_cast<unsigned char>(p[0])) != 'q' || p[1] != '=') continue;
    p.remove_prefix(2);
    return !p.empty() && p.find_first_not_of("0.") == std::string_view::npos;
  }
  return false;
}

}  // namespace

Result<std::string> decode_body(std::string_view content_encoding, std::string_view body,
                                std::size_t max_output) {
  const std::string_view coding = trim(content_encoding);
  if (coding.empty() || iequals(coding, "identity")) {
    if (body.size() > max_output) {
      return fail(Errc::invalid_argument,
                  "body is larger than the limit of " + std::to_string(max_output) + " bytes; refused");
    }
    return std::string(body);
  }
  if (iequals(coding, "gzip")) return gzip_decompress(body, max_output);
  if (iequals(coding, "zstd")) return zstd_decompress(body, max_output);
  return fail(Errc::unsupported, "content encoding '" + std::string(coding) +
                                     "' is not one this hub reads (" + std::string(kHubAcceptEncoding) + ")");
}

bool accepts_coding(std::string_view accept_encoding, std::string_view coding) {
  while (!accept_encoding.empty()) {
    const auto comma = accept_encoding.find(',');
    const std::string_view item = accept_encoding.substr(0, comma);
    accept_encoding =
        comma == std::string_view::npos ? std::string_view{} : accept_encoding.substr(comma + 1);
    const auto semi = item.find(';');
    const std::string_view name = trim(item.substr(0, semi));
    if (!iequals(name, coding)) continue;
    return semi == std::string_view::npos || !zero_weight(item.substr(semi + 1));
  }
  return false;
}

}  // namespace storeedge::sync::proto
