#pragma once
// What a push's mutations need before they touch the database: each one's digest and, for a sale or
// return, its parsed order. A thread of its own works them out in mutation order while the request
// thread applies the mutations before them: parsing the orders and hashing the payloads were about a
// fifth of the request thread's time in a drain, and the request thread is what a drain with two
// pushes in flight waits for.
//
// Threads: the constructor starts the worker (not for small batches, nor when no thread can be
// started: get() then prepares on the caller's thread); get() is called by the request thread; the
// destructor stops the worker and joins it. The batch must outlive the preparer.
#include <atomic>
#include <cstddef>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "platform/error.hpp"
#include "sync/hub/edge_payloads.hpp"
#include "sync/hub/storage.hpp"

namespace storeedge::sync::hub {

// 128 bits of SHA-256 over kind, newline, payload, in hex: what identifies a mutation's content
// (mutation_digest rows). The HLC and payload version are left out: a resend of the same outbox row
// may carry a newer payload version.
std::string mutation_digest(const IncomingMutation& m);

struct PreparedMutation {
  std::string digest;
  std::optional<Result<EdgeOrder>> order;  // order.completed and order.returned only
};

class PushPreparer {
 public:
  // Batches smaller than this are prepared on the request thread: a thread costs more than it saves.
  static constexpr std::size_t kMinThreaded = 16;

  explicit PushPreparer(const std::vector<IncomingMutation>& batch);
  PushPreparer(const PushPreparer&) = delete;
  PushPreparer& operator=(const PushPreparer&) = delete;
  ~PushPreparer();

  // Mutation i of the batch, prepared (waiting for the worker when it is not there yet).
  const PreparedMutation& get(std::size_t i);
  // Whether a worker thread prepares the batch (for tests).
  bool threaded() const { return thread_.joinable(); }

 private:
  void prepare(std::size_t i);
  void run();

  const std::vector<IncomingMutation>& batch_;
  std::vector<PreparedMutation> prepared_;
  std::atomic<std::size_t> ready_{0};  // mutations [0, ready_) are prepared
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace storeedge::sync::hub
