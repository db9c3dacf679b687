#include "sync/hub/storage.hpp"

namespace storeedge::sync::hub {

std::string_view to_string(Outcome o) {
  switch (o) {
    case Outcome::applied: return "applied";
    case Outcome::duplicate: return "duplicate";
    case Outcome::rejected: return "rejected";
    case Outcome::gap: return "gap";
    case Outcome::retry: return "retry";
    case Outcome::rewound: return "node_rewound";
  }
  return "unknown";
}

}  // namespace storeedge::sync::hub
