#include "sync/client/puller.hpp"

#include <algorithm>
#include <future>
#include <system_error>

#include "platform/sqlite/transaction.hpp"
#include "sync/client/sync_state.hpp"
#include "sync/proto/version.hpp"

namespace storeedge::sync::client {
namespace {

// The request for the changes after `result`: `sent` with the result's cursors.
proto::PullRequest next_request(const proto::PullRequest& sent, const proto::PullResult& result) {
  proto::PullRequest next = sent;
  for (auto& c : *next.mutable_cursors()) {
    for (const auto& r : result.cursors()) {
      if (r.stream() == c.stream()) c.set_cursor(r.cursor());
    }
  }
  return next;
}
}  // namespace

Puller::Puller(store::Replica& replica, HubChannel& channel, const Clock& clock, PullOptions options)
    : replica_(replica),
      channel_(channel),
      clock_(clock),
      options_(std::move(options)),
      applier_(replica.db(), clock, options_.store_code) {}

Result<proto::PullRequest> Puller::request() const {
  auto saved = load_cursors(replica_.db());
  if (!saved) return fail(saved.error());
  proto::PullRequest req;
  req.set_protocol_version(proto::kProtocolVersion);
  req.set_node_id(replica_.node_id());
  req.set_max_changes(options_.max_changes);
  for (proto::Stream stream : options_.streams) {
    proto::StreamCursor* c = req.add_cursors();
    c->set_stream(stream);
    if (auto it = saved->find(stream); it != saved->end()) c->set_cursor(it->second);
  }
  return req;
}

Result<PullReport> Puller::pull() {
  PullReport report;
  // While the hub says `more`, the next request is in flight on a second thread while this one
  // applies the current result: the hub reads and encodes reply N+1 while the replica writes reply N.
  // The future joins that thread on every way out of this function.
  std::future<Result<HubReply>> prefetched;
  proto::PullRequest sent;
  for (int round = 0; round < options_.max_rounds; ++round) {
    Result<HubReply> reply = fail(Errc::internal, "no pull request was sent");
    if (prefetched.valid()) {
      reply = prefetched.get();
    } else {
      auto req = request();
      if (!req) return fail(req.error());
      sent = std::move(*req);
      reply = channel_.call(kPullPath, sent);
    }
    if (!reply) return fail(reply.error().with_context("pulling changes"));
    if (reply->error) {
      // One clean re-sync per pull(): a hub that refuses fresh cursors too is not ours to fix.
      if (reply->error->code() == proto::ErrorReply::EPOCH_CHANGED && !report.resynced) {
        if (auto s = resync(0); !s) return fail(s.error());
        report.resynced = true;
        continue;
      }
      return fail(proto::from_error_reply(*reply->error).with_context("pulling changes"));
    }
    auto result = proto::decode_pull_result(reply->body);
    if (!result)
      return fail(Error(Errc::unavailable, result.error().message()).with_context("pulling changes"));
    auto saved = load_hub_epoch(replica_.db());
    if (!saved) return fail(saved.error());
    if (*saved && result->hub_epoch() != 0 && result->hub_epoch() != **saved) {
      if (report.resynced) return fail(Errc::conflict, "the hub epoch changed twice during one pull");
      if (auto s = resync(result->hub_epoch()); !s) return fail(s.error());
      report.resynced = true;
      continue;  // this result answered old cursors: start over from the beginning
    }
    ++report.rounds;
    if (result->more() && round + 1 < options_.max_rounds) {
      sent = next_request(sent, *result);
      try {
        prefetched =
            std::async(std::launch::async, [this, req = sent] { return channel_.call(kPullPath, req); });
      } catch (const std::system_error&) {
        // No thread to be had: the next round asks after applying, as without prefetching.
      }
    }
    if (auto s = apply_result(*result, report); !s) return fail(s.error());
    report.more = result->more();
    if (!report.more) break;
  }
  return report;
}

// Chunks bounded by chunk_size changes and chunk_time on the write lock, one transaction each; the
// last one also saves the cursors and the hub epoch, so the cursors never run ahead of the data.
Status Puller::apply_result(const proto::PullResult& result, PullReport& report) {
  auto& db = replica_.db();
  const std::size_t total = static_cast<std::size_t>(result.changes_size());
  const std::size_t chunk = std::max<std::size_t>(options_.chunk_size, 1);
  std::size_t at = 0;
  do {
    auto tx = sqlite::Transaction::begin(db);
    if (!tx) return fail(tx.error());
    const auto began = clock_.steady_now();
    std::size_t end = at;
    while (end < total) {
      auto outcome = applier_.apply(result.changes(static_cast<int>(end)));
      if (!outcome) return fail(outcome.error());
      ++(*outcome == ApplyOutcome::applied ? report.applied : report.ignored);
      ++end;
      if (end - at >= chunk || clock_.steady_now() - began >= options_.chunk_time) break;
    }
    if (end == total) {
      for (const auto& c : result.cursors()) {
        // A stream this build does not know (a newer hub) or did not ask for is not ours to keep.
        if (std::find(options_.streams.begin(), options_.streams.end(), c.stream()) == options_.streams.end())
          continue;
        if (auto s = save_cursor(db, c.stream(), c.cursor()); !s) return s;
      }
      if (result.hub_epoch() != 0) {
        if (auto s = save_hub_epoch(db, result.hub_epoch()); !s) return s;
      }
    }
    if (auto s = tx->commit(); !s) return fail(s.error().with_context("committing pulled changes"));
    report.received += static_cast<std::int64_t>(end - at);
    ++report.chunks;
    at = end;
  } while (at < total);
  return {};
}

Status Puller::resync(std::uint64_t epoch) {
  auto& db = replica_.db();
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) return fail(tx.error());
  if (auto s = clear_cursors(db); !s) return s;
  if (auto s = applier_.forget_pulled_events(); !s) return s;
  if (auto s = save_hub_epoch(db, epoch); !s) return s;
  if (auto s = tx->commit(); !s) return fail(s.error().with_context("re-syncing from a new hub epoch"));
  return {};
}

}  // namespace storeedge::sync::client
