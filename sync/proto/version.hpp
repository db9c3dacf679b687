#pragma once
// Protocol versioning. Every request carries protocol_version; a hub serves a range [min, max] and
// answers a request outside it with ErrorReply{UNSUPPORTED_VERSION, supported_min/max_version} so
// the side that is behind knows it must be upgraded. See docs/protocol.md, "Versioning".
#include <cstdint>

#include "platform/error.hpp"

namespace storeedge::sync::proto {

// The version this build speaks. Bump it only for a change an older peer cannot safely ignore.
inline constexpr std::uint32_t kProtocolVersion = 1;
// The oldest version this build still serves.
inline constexpr std::uint32_t kMinProtocolVersion = 1;

// OK when min <= client <= max. Otherwise Errc::unsupported with a message that names the versions
// and who must upgrade, e.g. "client speaks protocol 3; this hub serves 1 to 2: upgrade the hub".
// A client version of 0 (field missing) is Errc::invalid_argument; min > max is Errc::internal.
[[nodiscard]] Status check_protocol_version(std::uint32_t client, std::uint32_t min, std::uint32_t max);

}  // namespace storeedge::sync::proto
