#pragma once
// Shared by the sync push benchmarks (drain_bench, terminals_bench): queued sales made by the real
// sale path on demo data, a real storehub child process on durable SQLite, enrollment with one-time
// tokens, the physical reference (a bare fsync'd one-row commit) and peak RSS from /proc.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "edge/store/replica.hpp"
#include "platform/clock.hpp"
#include "platform/error.hpp"
#include "tests/support/process.hpp"

namespace storeedge::bench {

void print(std::string_view name, double value, std::string_view unit);
double percentile(std::vector<double> v, double p);
double ms_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b);

// VmHWM (peak resident set) of a process in KiB, 0 when unreadable.
std::int64_t peak_rss_kib(pid_t pid);
// CPU time (user + system) a process has used so far, in ms; -1 when unreadable.
double cpu_ms(pid_t pid);
// Resets this process's VmHWM to its current RSS (/proc/self/clear_refs), so that a peak measured
// afterwards is the peak of what follows, not of the set-up.
void reset_peak_rss();

// p50 of `samples` bare commits: one row inserted into a table in WAL with synchronous=FULL, in
// `dir` (the disk the measured databases live on).
[[nodiscard]] Result<double> bare_commit_p50_ms(const std::filesystem::path& dir, int samples);

// Loads the demo store (store 0001) into a fresh replica and completes `count` sales through
// store::complete_sale: 1..10 lines of demo products at their price in force, quantities 1..3, every
// fourth sale to a loyalty member (earning points), paid in cash. The commits run with
// synchronous=OFF (set-up only: the replica is reopened durable by the caller), so a sale costs its
// writes but no fsync. Each sale queues one "order.completed" mutation.
[[nodiscard]] Status make_demo_sales(store::Replica& replica, std::int64_t count, const Clock& clock);

// The real storehub, started on an ephemeral loopback port with its data in `dir`.
class HubProcess {
 public:
  explicit HubProcess(std::filesystem::path dir);
  ~HubProcess();
  // Writes the configuration; tokens must be issued before start() (each is one `storehub
  // issue-token` run).
  [[nodiscard]] Status configure();
  [[nodiscard]] Result<std::vector<std::string>> issue_tokens(std::string_view store_code, int count);
  [[nodiscard]] Status start();
  [[nodiscard]] Status stop();  // SIGTERM and wait
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  pid_t pid() const;
  std::filesystem::path database() const { return dir_ / "data" / "hub.db"; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<test::Process> process_;
  int port_ = 0;
};

// The directory of storehub: $STOREEDGE_BIN_DIR, else this program's own directory.
std::filesystem::path program_dir();

}  // namespace storeedge::bench
