#include "sync/proto/version.hpp"

#include <string>

namespace storeedge::sync::proto {

Status check_protocol_version(std::uint32_t client, std::uint32_t min, std::uint32_t max) {
  if (min > max) {
    return fail(Errc::internal,
                "hub protocol range is empty: min " + std::to_string(min) + " > max " + std::to_string(max));
  }
  if (client == 0) {
    return fail(Errc::invalid_argument, "request carries no protocol_version (0); this hub serves " +
                                            std::to_string(min) + " to " + std::to_string(max));
  }
  const std::string range = "client speaks protocol " + std::to_string(client) + "; this hub serves " +
                            std::to_string(min) + " to " + std::to_string(max);
  if (client > max) return fail(Errc::unsupported, range + ": upgrade the hub");
  if (client < min) return fail(Errc::unsupported, range + ": upgrade the node");
  return {};
}

}  // namespace storeedge::sync::proto
