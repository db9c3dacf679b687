#include "sync/hub/sqlite/push_prepare.hpp"

#include <algorithm>
#include <system_error>

#include "platform/sha256.hpp"

namespace storeedge::sync::hub {

std::string mutation_digest(const IncomingMutation& m) {
  std::string digest = sha256_hex({m.kind, "\n", m.payload});
  digest.resize(std::min<std::size_t>(digest.size(), 32));
  return digest;
}

PushPreparer::PushPreparer(const std::vector<IncomingMutation>& batch)
    : batch_(batch), prepared_(batch.size()) {
  if (batch.size() < kMinThreaded) return;
  try {
    thread_ = std::thread([this] { run(); });
  } catch (const std::system_error&) {
    // No thread: get() prepares on the request thread.
  }
}

PushPreparer::~PushPreparer() {
  stop_.store(true, std::memory_order_relaxed);
  if (thread_.joinable()) thread_.join();
}

void PushPreparer::prepare(std::size_t i) {
  const IncomingMutation& m = batch_[i];
  PreparedMutation& p = prepared_[i];
  p.digest = mutation_digest(m);
  if (m.kind == "order.completed" || m.kind == "order.returned") p.order = parse_edge_order(m.payload);
}

void PushPreparer::run() {
  for (std::size_t i = 0; i < batch_.size() && !stop_.load(std::memory_order_relaxed); ++i) {
    prepare(i);
    ready_.store(i + 1, std::memory_order_release);
    ready_.notify_one();
  }
}

const PreparedMutation& PushPreparer::get(std::size_t i) {
  if (!thread_.joinable()) {
    for (std::size_t next = ready_.load(std::memory_order_relaxed); next <= i; ++next) {
      prepare(next);
      ready_.store(next + 1, std::memory_order_relaxed);
    }
    return prepared_[i];
  }
  for (std::size_t seen = ready_.load(std::memory_order_acquire); seen <= i;
       seen = ready_.load(std::memory_order_acquire)) {
    ready_.wait(seen, std::memory_order_acquire);
  }
  return prepared_[i];
}

}  // namespace storeedge::sync::hub
