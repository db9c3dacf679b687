#include "sync/hub/hlc.hpp"

#include <charconv>
#include <cstdio>

namespace storeedge::sync::hub {

std::string to_string(const Hlc& hlc) {
  char digits[48];
  std::snprintf(digits, sizeof digits, "%015lld.%05d.", static_cast<long long>(hlc.wall_ms), hlc.logical);
  return digits + hlc.node;
}

Result<Hlc> parse_hlc(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return fail(Errc::invalid_argument, "hlc '" + std::string(text) + "' " + std::string(why) +
                                            " (expected WWWWWWWWWWWWWWW.LLLLL.node)");
  };
  if (text.size() < 23 || text[15] != '.' || text[21] != '.') return bad("is malformed");
  Hlc h;
  const char* end = text.data() + 15;
  if (auto r = std::from_chars(text.data(), end, h.wall_ms); r.ec != std::errc{} || r.ptr != end) {
    return bad("has a bad wall time");
  }
  const char* lbegin = text.data() + 16;
  if (auto r = std::from_chars(lbegin, lbegin + 5, h.logical); r.ec != std::errc{} || r.ptr != lbegin + 5) {
    return bad("has a bad counter");
  }
  if (h.wall_ms < 0 || h.logical < 0) return bad("is negative");
  h.node = std::string(text.substr(22));
  return h;
}

Hlc next_hlc(const Hlc& last, std::int64_t now_ms, std::string_view node) {
  Hlc h{now_ms, 0, std::string(node)};
  if (last.wall_ms >= now_ms) {
    h.wall_ms = last.wall_ms;
    h.logical = last.logical + 1;
    // Five digits of counter keep text order equal to stamp order; past them, borrow a millisecond.
    if (h.logical > 99'999) {
      h.wall_ms += 1;
      h.logical = 0;
    }
  }
  return h;
}

}  // namespace storeedge::sync::hub
