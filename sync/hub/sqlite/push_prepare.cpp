#include "sync/hub/sqlite/push_prepare.hpp"

#include <algorithm>
#include <system_error>

#include "platform/sha256.hpp"

namespace storeedge::sync::hub {

std::string mutation_digest(const IncomingMutation& m) {
  std::string digest = sha256_hex({m.kind, "\n", m.payload});
  digest.resize(std::min(digest.size(), kDigestChars));
  return digest;
}

PushPreparer::PushPreparer(const std::vector<IncomingMutation>& batch, std::function<void()> before_work)
    : batch_(batch),
      prepared_(batch.size()),
      state_(std::make_unique<std::atomic<std::uint8_t>[]>(batch.size())) {
  for (std::size_t i = 0; i < batch.size(); ++i) state_[i].store(kFree, std::memory_order_relaxed);
  if (batch.size() < kMinThreaded) return;
  try {
    thread_ = std::thread([this, before = std::move(before_work)] {
      if (before) before();
      run();
    });
  } catch (const std::system_error&) {
    // No thread: get() prepares on the request thread.
  }
}

PushPreparer::~PushPreparer() {
  stop_.store(true, std::memory_order_relaxed);
  if (thread_.joinable()) thread_.join();
}

bool PushPreparer::claim(std::size_t i) {
  std::uint8_t expected = kFree;
  return state_[i].compare_exchange_strong(expected, kTaken, std::memory_order_acquire,
                                           std::memory_order_relaxed);
}

void PushPreparer::prepare(std::size_t i) {
  const IncomingMutation& m = batch_[i];
  PreparedMutation& p = prepared_[i];
  p.digest = mutation_digest(m);
  if (m.kind == "order.completed" || m.kind == "order.returned") p.order = parse_edge_order(m.payload);
}

void PushPreparer::run() {
  for (std::size_t i = 0; i < batch_.size() && !stop_.load(std::memory_order_relaxed); ++i) {
    if (!claim(i)) continue;  // the request thread took it
    prepare(i);
    by_worker_.fetch_add(1, std::memory_order_relaxed);
    state_[i].store(kDone, std::memory_order_release);
    state_[i].notify_one();
  }
}

const PreparedMutation& PushPreparer::get(std::size_t i) {
  if (claim(i)) {
    prepare(i);
    state_[i].store(kDone, std::memory_order_relaxed);
    return prepared_[i];
  }
  // Taken: prepared already, or being prepared by the worker right now.
  for (std::uint8_t seen = state_[i].load(std::memory_order_acquire); seen != kDone;
       seen = state_[i].load(std::memory_order_acquire)) {
    state_[i].wait(seen, std::memory_order_acquire);
  }
  return prepared_[i];
}

}  // namespace storeedge::sync::hub
