#pragma once
// Hybrid logical clock stamps (DESIGN.md, "Sync model"): wall milliseconds, a logical counter for
// events in the same millisecond, and the id of the node that made the stamp as a tie-breaker, so
// two stamps from different nodes are never equal. Stamps order customer profile fields
// last-writer-wins.
//
// Text form "WWWWWWWWWWWWWWW.LLLLL.node": zero-padded so that text order equals stamp order.
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "platform/error.hpp"

namespace storeedge::sync::hub {

struct Hlc {
  std::int64_t wall_ms = 0;
  std::int32_t logical = 0;
  std::string node;

  friend auto operator<=>(const Hlc&, const Hlc&) = default;
  friend bool operator==(const Hlc&, const Hlc&) = default;
};

std::string to_string(const Hlc& hlc);
// Errc::invalid_argument naming the text when it is not the form to_string writes.
[[nodiscard]] Result<Hlc> parse_hlc(std::string_view text);

// The stamp a clock makes for a local event at `now_ms` after having made or seen `last`:
// wall = max(now_ms, last.wall_ms), logical bumped when the wall did not move. A clock that boots
// in 1970 therefore still stamps after everything it has seen.
Hlc next_hlc(const Hlc& last, std::int64_t now_ms, std::string_view node);

}  // namespace storeedge::sync::hub
