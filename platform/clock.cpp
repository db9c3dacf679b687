#include "platform/clock.hpp"

namespace storeedge {

std::chrono::system_clock::time_point SystemClock::now() const {
  return std::chrono::system_clock::now();
}
std::chrono::steady_clock::time_point SystemClock::steady_now() const {
  return std::chrono::steady_clock::now();
}

ManualClock::ManualClock(std::chrono::system_clock::time_point start) : wall_(start) {}

std::chrono::system_clock::time_point ManualClock::now() const {
  std::lock_guard lock(mutex_);
  return wall_;
}
std::chrono::steady_clock::time_point ManualClock::steady_now() const {
  std::lock_guard lock(mutex_);
  return steady_;
}
void ManualClock::advance(std::chrono::nanoseconds by) {
  std::lock_guard lock(mutex_);
  wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(by);
  steady_ += by;
}
void ManualClock::set_wall(std::chrono::system_clock::time_point to) {
  std::lock_guard lock(mutex_);
  wall_ = to;
}

std::int64_t unix_millis(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace storeedge
