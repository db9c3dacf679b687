#pragma once
// The one hybrid logical clock of storeedge (Kulkarni et al., "Logical Physical Clocks", 2014), used
// by the edge (outbox stamps, local customer edits) and by the hub (its own clock, last-writer-wins
// customer fields). A stamp is one uint64: the upper 48 bits are physical milliseconds since the
// Unix epoch, the lower 16 bits a logical counter. Stamps compare as plain integers; NodeStamp adds
// the node that made the stamp as the tie-breaker between nodes.
//
// Contract: every stamp the clock hands out is greater than every stamp it handed out or received
// before, even when the wall clock steps back (NTP, a kiosk without a battery that boots in 1970).
// That holds across restarts only if the edge persists last() in the same transaction as the data
// stamped with it and restores the clock from it.
//
// Not thread-safe: the owner serializes calls (it writes last() inside its own transaction anyway).
#include <cstdint>
#include <string>
#include <string_view>

#include "platform/error.hpp"

namespace storeedge::sync::proto {

inline constexpr unsigned kHlcLogicalBits = 16;
inline constexpr std::uint64_t kHlcMaxLogical = (std::uint64_t{1} << kHlcLogicalBits) - 1;
inline constexpr std::uint64_t kHlcMaxPhysicalMs = (std::uint64_t{1} << (64 - kHlcLogicalBits)) - 1;

struct HlcParts {
  std::uint64_t physical_ms = 0;  // at most kHlcMaxPhysicalMs
  std::uint16_t logical = 0;
  friend bool operator==(const HlcParts&, const HlcParts&) = default;
};

// Precondition: parts.physical_ms <= kHlcMaxPhysicalMs (higher bits are dropped).
constexpr std::uint64_t hlc_stamp(HlcParts parts) {
  return ((parts.physical_ms & kHlcMaxPhysicalMs) << kHlcLogicalBits) | parts.logical;
}
constexpr HlcParts hlc_parts(std::uint64_t stamp) {
  return {stamp >> kHlcLogicalBits, static_cast<std::uint16_t>(stamp & kHlcMaxLogical)};
}

// Text form for logs and JSON payloads: "<physical_ms>.<logical>", e.g. "1700000000000.3".
std::string hlc_to_string(std::uint64_t stamp);
[[nodiscard]] Result<std::uint64_t> hlc_from_string(std::string_view text);

// SQLite stores INTEGER as int64. Stamps fit until the year 6429 (physical < 2^47 ms); a stamp or
// stored value outside that range is refused rather than wrapped.
[[nodiscard]] Result<std::int64_t> hlc_to_storage(std::uint64_t stamp);
[[nodiscard]] Result<std::uint64_t> hlc_from_storage(std::int64_t stored);

// Refuses a remote stamp more than max_ahead_ms ahead of this side's physical clock. For the hub,
// whose clock is trusted: a node with a wrong clock must not drag every later stamp into the future.
// Nodes do not call this on the hub's stamps (their own clock may be in 1970).
[[nodiscard]] Status check_remote_hlc(std::uint64_t remote, std::int64_t physical_ms,
                                      std::int64_t max_ahead_ms);

// A stamp and the node that made it: what last-writer-wins compares. Stamp first, then node id, so
// two nodes never tie and a merge never depends on arrival order.
struct NodeStamp {
  std::uint64_t stamp = 0;
  std::string node{};

  std::uint64_t physical_ms() const { return hlc_parts(stamp).physical_ms; }
  friend auto operator<=>(const NodeStamp&, const NodeStamp&) = default;
  friend bool operator==(const NodeStamp&, const NodeStamp&) = default;
};

// Ordered text form for storage where text order must equal stamp order (the hub's customer field
// stamps): "WWWWWWWWWWWWWWW.LLLLL.node", physical ms in 15 digits and the counter in 5, zero-padded.
std::string to_ordered_text(const NodeStamp& s);
// Errc::invalid_argument naming the text when it is not the form to_ordered_text writes.
[[nodiscard]] Result<NodeStamp> parse_ordered_text(std::string_view text);

class Hlc {
 public:
  // last: the stamp persisted with the replica (0 for a new node).
  explicit Hlc(std::uint64_t last = 0) : last_(last) {}

  // A stamp for a local event at wall time physical_ms (negative times count as 0). When the logical
  // counter is full, the physical part advances by 1 ms instead. Errc::invalid_argument when
  // physical_ms does not fit 48 bits; Errc::conflict when the clock is exhausted (year 10889).
  [[nodiscard]] Result<std::uint64_t> now(std::int64_t physical_ms);
  // Merges a stamp received from a peer; the returned stamp is greater than both remote and last().
  [[nodiscard]] Result<std::uint64_t> update(std::uint64_t remote, std::int64_t physical_ms);

  // The last stamp handed out or merged: what the edge persists.
  std::uint64_t last() const { return last_; }

 private:
  std::uint64_t last_;
};

}  // namespace storeedge::sync::proto
