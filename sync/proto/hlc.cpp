#include "sync/proto/hlc.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <limits>

namespace storeedge::sync::proto {
namespace {

Result<std::uint64_t> physical_of(std::int64_t physical_ms) {
  if (physical_ms < 0) return std::uint64_t{0};
  const auto ms = static_cast<std::uint64_t>(physical_ms);
  if (ms > kHlcMaxPhysicalMs) {
    return fail(Errc::invalid_argument, "physical time " + std::to_string(physical_ms) +
                                            " ms does not fit the 48 bits of a clock stamp");
  }
  return ms;
}

// The stamp (physical, logical); a logical counter past its 16 bits moves to the next millisecond.
Result<std::uint64_t> make(std::uint64_t physical, std::uint64_t logical) {
  if (logical > kHlcMaxLogical) {
    if (physical == kHlcMaxPhysicalMs) {
      return fail(Errc::conflict, "hybrid logical clock exhausted at " + std::to_string(physical) +
                                      " ms; the stamp cannot advance");
    }
    ++physical;
    logical = 0;
  }
  return hlc_stamp({physical, static_cast<std::uint16_t>(logical)});
}

}  // namespace

std::string hlc_to_string(std::uint64_t stamp) {
  const HlcParts p = hlc_parts(stamp);
  return std::to_string(p.physical_ms) + "." + std::to_string(p.logical);
}

Result<std::uint64_t> hlc_from_string(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return fail(Errc::invalid_argument, "clock stamp \"" + std::string(text) + "\" " + std::string(why) +
                                            "; expected <ms>.<counter>");
  };
  const auto dot = text.find('.');
  if (dot == std::string_view::npos) return bad("has no '.'");
  std::uint64_t physical = 0;
  std::uint32_t logical = 0;
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  auto [p1, e1] = std::from_chars(begin, begin + dot, physical);
  if (e1 != std::errc{} || p1 != begin + dot || dot == 0) return bad("has a bad physical part");
  auto [p2, e2] = std::from_chars(begin + dot + 1, end, logical);
  if (e2 != std::errc{} || p2 != end || dot + 1 == text.size()) return bad("has a bad counter");
  if (physical > kHlcMaxPhysicalMs) return bad("has a physical part beyond 48 bits");
  if (logical > kHlcMaxLogical) return bad("has a counter beyond 16 bits");
  return hlc_stamp({physical, static_cast<std::uint16_t>(logical)});
}

std::string to_ordered_text(const NodeStamp& s) {
  const HlcParts p = hlc_parts(s.stamp);
  char digits[32];
  std::snprintf(digits, sizeof digits, "%015llu.%05u.", static_cast<unsigned long long>(p.physical_ms),
                static_cast<unsigned>(p.logical));
  return digits + s.node;
}

Result<NodeStamp> parse_ordered_text(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return fail(Errc::invalid_argument, "clock stamp '" + std::string(text) + "' " + std::string(why) +
                                            " (expected WWWWWWWWWWWWWWW.LLLLL.node)");
  };
  if (text.size() < 23 || text[15] != '.' || text[21] != '.') return bad("is malformed");
  std::uint64_t physical = 0;
  std::uint32_t logical = 0;
  const char* const wall_end = text.data() + 15;
  if (auto r = std::from_chars(text.data(), wall_end, physical); r.ec != std::errc{} || r.ptr != wall_end) {
    return bad("has a bad wall time");
  }
  const char* const counter = text.data() + 16;
  if (auto r = std::from_chars(counter, counter + 5, logical); r.ec != std::errc{} || r.ptr != counter + 5) {
    return bad("has a bad counter");
  }
  if (physical > kHlcMaxPhysicalMs) return bad("has a wall time beyond 48 bits");
  if (logical > kHlcMaxLogical) return bad("has a counter beyond 16 bits");
  return NodeStamp{hlc_stamp({physical, static_cast<std::uint16_t>(logical)}), std::string(text.substr(22))};
}

Result<std::int64_t> hlc_to_storage(std::uint64_t stamp) {
  if (stamp > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return fail(Errc::invalid_argument, "clock stamp " + hlc_to_string(stamp) + " does not fit an int64");
  }
  return static_cast<std::int64_t>(stamp);
}

Result<std::uint64_t> hlc_from_storage(std::int64_t stored) {
  if (stored < 0) {
    return fail(Errc::corrupt, "stored clock stamp " + std::to_string(stored) + " is negative");
  }
  return static_cast<std::uint64_t>(stored);
}

Status check_remote_hlc(std::uint64_t remote, std::int64_t physical_ms, std::int64_t max_ahead_ms) {
  const std::uint64_t remote_ms = hlc_parts(remote).physical_ms;
  const std::int64_t local_ms = std::max<std::int64_t>(physical_ms, 0);
  const std::int64_t ahead = static_cast<std::int64_t>(remote_ms) - local_ms;  // both < 2^48: no overflow
  if (ahead > max_ahead_ms) {
    return fail(Errc::invalid_argument, "clock stamp " + hlc_to_string(remote) + " is " +
                                            std::to_string(ahead) + " ms ahead of this clock (limit " +
                                            std::to_string(max_ahead_ms) + " ms)");
  }
  return {};
}

Result<std::uint64_t> Hlc::now(std::int64_t physical_ms) {
  auto pt = physical_of(physical_ms);
  if (!pt) return fail(pt.error());
  const HlcParts last = hlc_parts(last_);
  auto next = *pt > last.physical_ms ? make(*pt, 0) : make(last.physical_ms, std::uint64_t{last.logical} + 1);
  if (!next) return next;
  last_ = *next;
  return next;
}

Result<std::uint64_t> Hlc::update(std::uint64_t remote, std::int64_t physical_ms) {
  auto pt = physical_of(physical_ms);
  if (!pt) return fail(pt.error());
  const HlcParts mine = hlc_parts(last_);
  const HlcParts theirs = hlc_parts(remote);
  const std::uint64_t physical = std::max({mine.physical_ms, theirs.physical_ms, *pt});
  std::uint64_t logical = 0;
  if (physical == mine.physical_ms && physical == theirs.physical_ms) {
    logical = std::uint64_t{std::max(mine.logical, theirs.logical)} + 1;
  } else if (physical == mine.physical_ms) {
    logical = std::uint64_t{mine.logical} + 1;
  } else if (physical == theirs.physical_ms) {
    logical = std::uint64_t{theirs.logical} + 1;
  }
  auto next = make(physical, logical);
  if (!next) return next;
  last_ = *next;
  return next;
}

}  // namespace storeedge::sync::proto
