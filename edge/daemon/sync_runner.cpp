#include "edge/daemon/sync_runner.hpp"

#include <algorithm>

#include "edge/store/replica.hpp"
#include "platform/atomic_file.hpp"
#include "platform/clock.hpp"
#include "platform/log.hpp"
#include "sync/client/curl/curl_transport.hpp"
#include "sync/client/enrollment.hpp"
#include "sync/client/sync_client.hpp"

namespace storeedge::daemon {

void SyncRunner::start() {
  if (settings_.hub_url.empty()) return;
  {
    std::lock_guard lock(mutex_);
    snapshot_.enabled = true;
  }
  thread_ = std::thread([this] { run(); });
}

void SyncRunner::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

SyncSnapshot SyncRunner::snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

void SyncRunner::publish(const SyncSnapshot& s) {
  std::lock_guard lock(mutex_);
  snapshot_ = s;
}

void SyncRunner::run() {
  SystemClock clock;
  SyncSnapshot snap;
  snap.enabled = true;
  auto fail_setup = [&](const Error& e) {
    snap.last_error = e.what();
    publish(snap);
    log::error("sync_disabled", {{"reason", e.what()}});
  };
  auto replica = store::Replica::open(settings_.replica_path, clock);
  if (!replica) return fail_setup(replica.error());
  // The sync thread's own connection gets an 8 MiB page cache (SQLite's default is 2 MiB), so a
  // bootstrap's chunks find their B-tree pages in memory and do not spill dirty pages to the WAL
  // mid-transaction. Durability is untouched: synchronous stays FULL.
  if (auto s = replica->db().exec("PRAGMA cache_size = -8192"); !s) return fail_setup(s.error());
  sync::client::CurlOptions options;
  options.base_url = settings_.hub_url;
  if (!settings_.ca_file.empty()) options.ca_file = settings_.ca_file;
  options.total_timeout = settings_.request_timeout;
  options.connect_timeout =
      std::min<std::chrono::milliseconds>(std::chrono::seconds(3), options.total_timeout);
  auto transport = sync::client::CurlTransport::create(options);
  if (!transport) return fail_setup(transport.error());
  auto key = sync::client::load_or_create_key(settings_.data_dir / "node.key");
  if (!key) return fail_setup(key.error());
  const auto marker = settings_.data_dir / "hub.enrolled";
  std::error_code ec;
  snap.enrolled = std::filesystem::exists(marker, ec);

  sync::client::SyncOptions sync_options;
  sync_options.pull.store_code = settings_.store_code;
  sync_options.relay.max_batch = settings_.push_batch;
  sync_options.backoff.cap = settings_.backoff_cap;
  sync_options.backoff.base = std::min(sync_options.backoff.base, settings_.backoff_cap);
  sync::client::SyncClient client(*replica, **transport, *key, clock, sync::client::system_random(),
                                  sync_options);
  while (true) {
    if (!snap.enrolled) {
      auto enrolled = sync::client::enroll(
          **transport,
          {settings_.enrollment_token, replica->node_id(), settings_.store_code, settings_.device_code},
          *key);
      if (enrolled && write_file_atomically(marker, settings_.hub_url + "\n")) {
        snap.enrolled = true;
        log::info("sync_enrolled", {{"hub", settings_.hub_url}, {"node", replica->node_id()}});
      } else if (!enrolled) {
        snap.last_error = enrolled.error().what();
      }
    }
    bool more = false;  // the hub has more changes for us: a bootstrap or catch-up goes on at once
    if (snap.enrolled) {
      const auto report = client.step();
      more = report.pull.more && !report.error;
      snap.rounds++;
      snap.state = std::string(sync::client::to_string(report.state));
      snap.last_error = report.error ? report.error->what() : std::string();
      if (report.push.rewound) {
        // The replica was restored from an older backup; its new mutations moved above the hub's.
        log::warn("outbox_renumbered", {{"renumbered", std::to_string(report.push.renumbered)},
                                        {"hub_last_applied", std::to_string(report.push.hub_last_applied)},
                                        {"receipts_continue_after", report.push.receipts_continue_after}});
      }
      if (auto status = client.status()) snap.pending = status->pending_mutations;
    }
    publish(snap);
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, more ? std::chrono::milliseconds(0) : settings_.interval,
                       [this] { return stopping_; })) {
      return;
    }
  }
}

}  // namespace storeedge::daemon
