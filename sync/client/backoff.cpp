#include "sync/client/backoff.hpp"

#include <memory>
#include <random>

namespace storeedge::sync::client {

Backoff::Backoff(const Clock& clock, Random random, BackoffOptions options)
    : clock_(clock), random_(std::move(random)), options_(options) {}

std::chrono::milliseconds Backoff::ceiling_after(std::int64_t failures) const {
  if (failures <= 0) return std::chrono::milliseconds{0};
  const std::int64_t cap = options_.cap.count();
  std::int64_t ceiling = options_.base.count();
  for (std::int64_t i = 1; i < failures && ceiling < cap; ++i) ceiling *= 2;
  return std::chrono::milliseconds{std::min(ceiling, cap)};
}

std::chrono::milliseconds Backoff::failed() {
  ++failures_;
  const auto ceiling = static_cast<std::uint64_t>(ceiling_after(failures_).count());
  const std::uint64_t drawn = std::min(random_(ceiling), ceiling);
  const std::chrono::milliseconds delay{static_cast<std::int64_t>(drawn)};
  next_ = clock_.steady_now() + delay;
  return delay;
}

void Backoff::succeeded() {
  failures_ = 0;
  next_ = {};
}

bool Backoff::ready() const {
  return failures_ == 0 || clock_.steady_now() >= next_;
}

Backoff::Random system_random() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine](std::uint64_t bound) {
    return std::uniform_int_distribution<std::uint64_t>(0, bound)(*engine);
  };
}

}  // namespace storeedge::sync::client
