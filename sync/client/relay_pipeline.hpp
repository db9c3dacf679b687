#pragma once
// Internal to sync/client: the state OutboxRelay keeps between pushes (relay.cpp sends batches,
// relay_replies.cpp acts on what the hub answers). Not part of the relay's interface.
#include <future>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "sync/client/relay.hpp"

namespace storeedge::sync::client {

// Consecutive outbox rows, oldest first: a batch, an acknowledgement held, a push on the wire.
struct OutboxRelay::Range {
  std::int64_t first = 0;
  std::int64_t last = 0;
  std::int64_t count = 0;

  // This range and `next`, which starts right after it.
  Range joined(const Range& next) const { return Range{first, next.last, count + next.count}; }
};

// A batch read from the outbox, encoded for the wire. Its stamps for `fresh` rows exist only in
// memory until persist_stamps() commits them; a batch is sent only after that.
struct OutboxRelay::Batch : Range {
  std::vector<std::pair<std::int64_t, std::int64_t>> fresh{};  // (mutation_id, stamp as stored)
  std::uint64_t hlc_base = 0;  // the saved clock the fresh stamps continue from
  std::uint64_t hlc_last = 0;  // the clock after them
  PreparedBody body{};
};

// Rows the hub acknowledged whose acknowledgement the replica does not hold yet: it is committed
// while the hub applies the next batch (or by settle()). Lost in a crash, it costs a resend, which
// the hub answers with DUPLICATE.
struct OutboxRelay::Held : Range {
  std::int64_t acked_at_ms = 0;
};

// A push on the wire: its batch's rows and the worker thread posting it. wait() joins the worker;
// so does the destructor, so no thread outlives the relay. The worker holds only the channel.
struct OutboxRelay::Flight : Range {
  bool early = false;           // sent while the batch before it was in flight (see the header)
  std::future<void> started{};  // ready once the worker runs (valid only with a worker)
  std::future<Result<HubReply>> reply{};
  std::thread worker{};

  Flight() = default;
  Flight(const Flight&) = delete;
  Flight& operator=(const Flight&) = delete;
  ~Flight() {
    if (worker.joinable()) worker.join();
  }
  Result<HubReply> wait() {
    if (worker.joinable()) worker.join();
    return reply.get();
  }
};

struct OutboxRelay::Pipeline {
  // Reused for every batch: cleared mutations keep their objects and string buffers.
  proto::PushRequest request;
  // Stamped durably and encoded: what the next push sends, if its rows are still the first pending
  // (right after `held`, when there is one).
  std::unique_ptr<Batch> next;
  // Sent early and still on the wire (always with `held`, the batch before it): the next push takes
  // its reply, if its rows are still the first pending after `held`'s.
  std::unique_ptr<Flight> in_flight;
  std::optional<Held> held;
};

namespace relay_detail {

// True when the push result acknowledges every row of the batch first..last (`count` rows): each
// has a status this build knows, or is at or below the hub's watermark.
bool acknowledges_all(const proto::PushResult& result, std::int64_t first, std::int64_t last,
                      std::int64_t count);

// Counts the results into the report.
void tally(const proto::PushResult& result, PushReport& report);

}  // namespace relay_detail

}  // namespace storeedge::sync::client
