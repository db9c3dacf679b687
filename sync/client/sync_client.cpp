#include "sync/client/sync_client.hpp"

#include <array>

#include "edge/store/journal.hpp"
#include "sync/client/sync_state.hpp"

namespace storeedge::sync::client {
namespace {

// What a round tells the state machine.
enum class Event {
  ok_quiet,        // succeeded, no failure within the degraded window
  ok_after_fault,  // succeeded, but a round failed within the window
  failed,          // failed, fewer than offline_after in a row
  failed_often,    // failed, offline_after or more in a row
};

struct Transition {
  Connectivity from;
  Event event;
  Connectivity to;
};

constexpr std::array<Transition, 12> kTransitions{{
    {Connectivity::online, Event::ok_quiet, Connectivity::online},
    {Connectivity::online, Event::ok_after_fault, Connectivity::degraded},
    {Connectivity::online, Event::failed, Connectivity::degraded},
    {Connectivity::online, Event::failed_often, Connectivity::offline},
    {Connectivity::degraded, Event::ok_quiet, Connectivity::online},
    {Connectivity::degraded, Event::ok_after_fault, Connectivity::degraded},
    {Connectivity::degraded, Event::failed, Connectivity::degraded},
    {Connectivity::degraded, Event::failed_often, Connectivity::offline},
    {Connectivity::offline, Event::ok_quiet, Connectivity::online},
    {Connectivity::offline, Event::ok_after_fault, Connectivity::degraded},
    {Connectivity::offline, Event::failed, Connectivity::offline},  // stays offline until a round succeeds
    {Connectivity::offline, Event::failed_often, Connectivity::offline},
}};

Connectivity next_state(Connectivity from, Event event) {
  for (const auto& t : kTransitions) {
    if (t.from == from && t.event == event) return t.to;
  }
  return from;
}

}  // namespace

std::string_view to_string(Connectivity c) {
  switch (c) {
    case Connectivity::online: return "online";
    case Connectivity::degraded: return "degraded";
    case Connectivity::offline: return "offline";
  }
  return "unknown";
}

SyncClient::SyncClient(store::Replica& replica, Transport& transport, const proto::SigningKey& key,
                       const Clock& clock, Backoff::Random random, SyncOptions options)
    : replica_(replica),
      clock_(clock),
      options_(std::move(options)),
      channel_(transport, key, replica.node_id(), clock),
      relay_(replica, channel_, clock, options_.relay),
      puller_(replica, channel_, clock, options_.pull),
      backoff_(clock, std::move(random), options_.backoff) {}

Status SyncClient::push_round(StepReport& report, bool& resync_needed) {
  for (int batch = 0; batch < options_.max_push_batches; ++batch) {
    // The round's last push leaves nothing in flight: the next round may be a while.
    auto r = relay_.push_once(batch + 1 < options_.max_push_batches ? NextCall::push : NextCall::other);
    if (!r) return fail(r.error());
    report.push.sent += r->sent;
    report.push.applied += r->applied;
    report.push.duplicate += r->duplicate;
    report.push.rejected += r->rejected;
    report.push.acknowledged += r->acknowledged;
    report.push.reopened += r->reopened;
    report.push.renumbered += r->renumbered;
    report.push.rewound = report.push.rewound || r->rewound;
    if (r->rewound) report.push.hub_last_applied = r->hub_last_applied;
    report.push.gap = report.push.gap || r->gap;
    if (!r->last_rejection.empty()) report.push.last_rejection = r->last_rejection;
    if (r->epoch_changed) {
      report.push.epoch_changed = true;
      resync_needed = true;
    }
    if (r->sent == 0) break;
    // A batch the hub answered without acknowledging anything (and no gap to act on) would be sent
    // again unchanged: leave it for the next step.
    if (r->acknowledged == 0 && r->reopened == 0 && r->renumbered == 0) break;
  }
  // The last batch's acknowledgement may still be held by the relay's pipeline.
  return relay_.settle();
}

Status SyncClient::reconcile(StepReport& report) {
  auto r = relay_.reconcile();
  if (!r) return fail(r.error());
  report.push.acknowledged += r->acknowledged;
  report.push.reopened += r->reopened;
  reconcile_needed_ = false;
  return {};
}

StepReport SyncClient::step() {
  StepReport report;
  report.state = state_;
  if (!backoff_.ready()) return report;
  report.attempted = true;
  bool resync_needed = false;
  Status outcome = reconcile_needed_ ? reconcile(report) : Status{};
  if (outcome) outcome = push_round(report, resync_needed);
  if (outcome && resync_needed) outcome = puller_.resync(0);
  if (outcome) {
    auto pulled = puller_.pull();
    if (pulled) {
      report.pull = *pulled;
      resync_needed = resync_needed || pulled->resynced;
    } else {
      outcome = fail(pulled.error());
    }
  }
  // A new hub epoch means a restored hub, which may lack mutations we hold as acknowledged: ask it
  // before the next push. Also done on the first round after a start, so a crash between saving the
  // new epoch and asking cannot hide the loss.
  if (resync_needed) reconcile_needed_ = true;
  settle(report, outcome);
  return report;
}

// Feeds the round's outcome to the backoff, the state table and the persisted figures.
void SyncClient::settle(StepReport& report, const Status& outcome) {
  const auto now = clock_.steady_now();
  Event event;
  if (outcome) {
    backoff_.succeeded();
    failures_in_a_row_ = 0;
    const bool recent = last_failure_ && now - *last_failure_ < options_.degraded_window;
    event = recent ? Event::ok_after_fault : Event::ok_quiet;
  } else {
    report.error = outcome.error();
    report.retry_in = backoff_.failed();
    last_failure_ = now;
    ++failures_in_a_row_;
    event = failures_in_a_row_ >= options_.offline_after ? Event::failed_often : Event::failed;
  }
  state_ = next_state(state_, event);
  report.state = state_;
  // Losing the figures is not worth failing the round for: the next round writes them again.
  (void)record_round(replica_.db(), unix_millis(clock_.now()), outcome);
}

Result<SyncStatus> SyncClient::status() {
  SyncStatus out;
  out.state = state_;
  auto pending = store::pending_mutation_count(replica_.db());
  if (!pending) return fail(pending.error());
  out.pending_mutations = *pending;
  auto stats = load_stats(replica_.db());
  if (!stats) return fail(stats.error());
  out.last_success_ms = stats->last_success_ms;
  out.last_failure_ms = stats->last_failure_ms;
  out.last_error = stats->last_error;
  out.consecutive_failures = stats->consecutive_failures;
  return out;
}

}  // namespace storeedge::sync::client
