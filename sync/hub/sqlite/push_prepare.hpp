#pragma once
// What a push's mutations need before they touch the database: each one's digest and, for a sale or
// return, its parsed order. A thread of its own works them out in mutation order while the request
// thread applies the mutations before them: parsing the orders and hashing the payloads were about a
// fifth of the request thread's time in a drain, and the request thread is what a drain with two
// pushes in flight waits for.
//
// The request thread never sleeps on a mutation nobody is preparing: when get(i) finds mutation i not
// yet taken by the worker (the worker is behind, or has no core to run on while the edge, the
// checkpointer and the kernel's writeback share the machine), it prepares it itself. Each mutation is
// taken once, by whichever thread claims it first; get(i) waits only for one the worker is preparing
// at that moment. (Sleeping until the worker caught up cost the request thread about a tenth of a
// drain, perf sched.)
//
// Threads: the constructor starts the worker (not for small batches, nor when no thread can be
// started: get() then prepares on the caller's thread); get() is called by the request thread; the
// destructor stops the worker and joins it. The batch must outlive the preparer.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "platform/error.hpp"
#include "sync/hub/edge_payloads.hpp"
#include "sync/hub/storage.hpp"

namespace storeedge::sync::hub {

// 128 bits of SHA-256 over kind, newline, payload, in hex (kDigestChars digits): what identifies a
// mutation's content (mutation_digest_run rows). The HLC and payload version are left out: a resend
// of the same outbox row may carry a newer payload version.
inline constexpr std::size_t kDigestChars = 32;
std::string mutation_digest(const IncomingMutation& m);

struct PreparedMutation {
  std::string digest;
  std::optional<Result<EdgeOrder>> order;  // order.completed and order.returned only
};

class PushPreparer {
 public:
  // Batches smaller than this are prepared on the request thread: a thread costs more than it saves.
  static constexpr std::size_t kMinThreaded = 16;

  explicit PushPreparer(const std::vector<IncomingMutation>& batch) : PushPreparer(batch, nullptr) {}
  // For tests: the worker runs `before_work` before it takes its first mutation (to hold it back).
  PushPreparer(const std::vector<IncomingMutation>& batch, std::function<void()> before_work);
  PushPreparer(const PushPreparer&) = delete;
  PushPreparer& operator=(const PushPreparer&) = delete;
  ~PushPreparer();

  // Mutation i of the batch, prepared: by the worker, or here when the worker has not taken it yet
  // (waiting only while the worker is preparing it).
  const PreparedMutation& get(std::size_t i);
  // Whether a worker thread prepares the batch (for tests).
  bool threaded() const { return thread_.joinable(); }
  // How many mutations the worker prepared; get()'s caller prepared the others. Final once get()
  // has returned for every mutation. For tests.
  std::size_t prepared_by_worker() const { return by_worker_.load(std::memory_order_relaxed); }

 private:
  enum State : std::uint8_t { kFree = 0, kTaken = 1, kDone = 2 };
  bool claim(std::size_t i);
  void prepare(std::size_t i);
  void run();

  const std::vector<IncomingMutation>& batch_;
  std::vector<PreparedMutation> prepared_;
  std::unique_ptr<std::atomic<std::uint8_t>[]> state_;  // per mutation: kFree, kTaken or kDone
  std::atomic<std::size_t> by_worker_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace storeedge::sync::hub
