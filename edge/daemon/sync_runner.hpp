#pragma once
// Runs the sync client beside checkout: on its own thread with its own replica connection, so a slow
// or absent hub never blocks a sale (WAL lets the two connections work side by side; each sync write
// is a short transaction). It enrolls the node once with the configured token, then pushes the outbox
// and pulls the hub's changes every interval.
//
// Thread-safety: construct, start() and stop() from the daemon's thread; snapshot() from any thread.
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include "platform/error.hpp"

namespace storeedge::daemon {

struct SyncSettings {
  std::string hub_url;  // empty: sync is off
  std::filesystem::path ca_file;
  std::string enrollment_token;
  std::chrono::milliseconds interval{2000};
  std::size_t push_batch = 1000;                     // outbox rows per push
  std::chrono::milliseconds request_timeout{20000};  // one request to the hub, connect included
  std::chrono::milliseconds backoff_cap{60000};      // longest pause after failed rounds
  std::filesystem::path replica_path;
  std::filesystem::path data_dir;
  std::string store_code;
  std::string device_code;
};

struct SyncSnapshot {
  bool enabled = false;
  bool enrolled = false;
  std::string state = "offline";  // online, degraded, offline
  std::int64_t pending = 0;
  std::int64_t rounds = 0;
  std::string last_error;
};

class SyncRunner {
 public:
  explicit SyncRunner(SyncSettings settings) : settings_(std::move(settings)) {}
  ~SyncRunner() { stop(); }
  SyncRunner(const SyncRunner&) = delete;
  SyncRunner& operator=(const SyncRunner&) = delete;

  void start();
  void stop();
  SyncSnapshot snapshot() const;

 private:
  void run();
  void publish(const SyncSnapshot& s);

  SyncSettings settings_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  SyncSnapshot snapshot_;
};

}  // namespace storeedge::daemon
