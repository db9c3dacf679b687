// Draining a queued outbox to the hub: N sales queued offline on an edge replica (made by the real
// sale path, store::complete_sale, on demo data; see sync_bench_support.hpp) are pushed by the real
// sync client (OutboxRelay over HubChannel and the libcurl transport, in this process) to the REAL
// storehub (a child process on durable SQLite) until the outbox is empty. Both databases are durable
// (WAL, synchronous=FULL) while draining.
//
// Prints, as `bench: NAME VALUE UNIT`:
//   drain_orders_per_s        N / time from the first push to the last acknowledged reply
//   drain_push_p50/p99        latency of one push (one batch) as the relay sees it
//   edge/hub_cpu_per_order    CPU time (user + system) each side spent per order while draining
//   edge_peak_rss / hub_peak_rss  VmHWM of this process (the edge; reset after set-up) and storehub
//   bare_commit_p50           the physical reference: one fsync'd one-row SQLite commit
// and checks that hub.db holds exactly N orders of this node, each once.
//
//   drain_bench [--orders N] [--batch ROWS] [--gzip LEVEL] [--in-flight 1|2] [--pairs K]
//               [--split-cpus 0|1] [--link-delay-ms MS] [--read-ahead 0|1]
// --in-flight sets RelayOptions::pushes_in_flight (default: the relay's, 2). --pairs K queues once
// and drains copies of that queue 2K times, alternating 2 and 1 pushes in flight (and which goes
// first), each into a fresh storehub, and prints the median, min and max of each
// (`..._2_in_flight_median`): on a noisy machine both then see the same moments. --split-cpus 1 pins
// the edge's threads to CPU 0 and storehub's to CPU 1, as if each had a machine of its own.
// --link-delay-ms MS holds every push reply MS ms in a proxy (tests/support/fault_proxy.hpp), as a
// store's link to a central hub does.
// Bodies go in zstd once the hub's first reply says it reads zstd, as the daemon's do; --gzip LEVEL
// keeps them in gzip at that level, to compare. The relay reads its batches through the VFS's
// read-ahead window (RelayOptions::read_ahead); --read-ahead 0 reads one page per call, to compare
// (edge_page_reads_per_order and edge_read_calls_per_order count what the window served).
#include <sched.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

#include "platform/sqlite/database.hpp"
#include "platform/sqlite/wal_batch_vfs.hpp"
#include "sync/client/curl/curl_transport.hpp"
#include "sync/client/enrollment.hpp"
#include "sync/client/hub_channel.hpp"
#include "sync/client/relay.hpp"
#include "tests/bench/sync_bench_support.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/temp_dir.hpp"

namespace storeedge::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct Args {
  std::int64_t orders = 100'000;
  std::size_t batch = sync::client::RelayOptions{}.max_batch;
  int gzip = sync::client::kDefaultGzipLevel;
  bool gzip_only = false;
  bool read_ahead = true;  // the edge reads the outbox through the VFS's read-ahead window
  int in_flight = sync::client::RelayOptions{}.pushes_in_flight;
  int pairs = 0;            // > 0: alternate 2 and 1 pushes in flight this many times on copies of one queue
  bool split_cpus = false;  // the edge on CPU 0, storehub on CPU 1: as on two machines
  int link_delay_ms = 0;    // > 0: every push reply is held this long by a proxy (a store's WAN link)
};

// Pins every thread of `pid` (0: this process's calling thread, whose new threads inherit it) to
// one CPU. False when the kernel refuses.
bool pin_to_cpu(pid_t pid, std::size_t cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (pid == 0) return sched_setaffinity(0, sizeof(set), &set) == 0;
  bool ok = true;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    const pid_t tid = static_cast<pid_t>(std::atoi(task.path().filename().c_str()));
    ok = sched_setaffinity(tid, sizeof(set), &set) == 0 && ok;
  }
  return ok && !ec;
}

int failed(const std::string& what, const Error& e) {
  std::fprintf(stderr, "drain_bench: %s: %s\n", what.c_str(), e.what().c_str());
  return 1;
}

// What one drain measured.
struct Drain {
  double seconds = 0;
  std::vector<double> push_ms{};
  double edge_cpu_ms = 0;
  double hub_cpu_ms = 0;
  std::int64_t edge_rss_kib = 0;
  std::int64_t hub_rss_kib = 0;
  std::int64_t connections = 0;
  std::int64_t page_reads = 0;  // database pages the edge's drain read, and the read calls for them
  std::int64_t read_calls = 0;
};

// Drains a copy of the queued replica `queued` into a fresh storehub in `dir`, with `in_flight`
// pushes in flight, and checks that the hub holds every order of the node exactly once.
Result<Drain> drain(const Args& args, sqlite::Database& queued, const std::string& node_id,
                    const std::filesystem::path& dir, int in_flight) {
  SystemClock clock;
  std::filesystem::create_directories(dir);
  if (auto s = queued.backup_to(dir / "edge.db"); !s)
    return fail(s.error().with_context("copying the queue"));
  HubProcess hub(dir / "hub");
  if (auto s = hub.configure(); !s) return fail(s.error().with_context("configuring storehub"));
  auto tokens = hub.issue_tokens("0001", 1);
  if (!tokens) return fail(tokens.error().with_context("issuing a token"));
  if (auto s = hub.start(); !s) return fail(s.error().with_context("starting storehub"));
  if (args.split_cpus && (!pin_to_cpu(0, 0) || !pin_to_cpu(hub.pid(), 1))) {
    return fail(Errc::internal, "cannot pin the edge to CPU 0 and storehub to CPU 1");
  }

  // The edge reopens its replica durable and with the page cache of the daemon's sync thread
  // (edge/daemon/sync_runner.cpp).
  // A link with latency: a proxy in this process holds each push's reply (its CPU counts as the
  // edge's).
  std::unique_ptr<test::FaultProxy> link;
  std::string hub_url = hub.base_url();
  if (args.link_delay_ms > 0) {
    link = std::make_unique<test::FaultProxy>(static_cast<std::uint16_t>(hub.port()));
    link->add_rule({.fault = test::ProxyFault::delay_reply,
                    .path = std::string(sync::client::kPushPath),
                    .times = -1,
                    .delay = std::chrono::milliseconds(args.link_delay_ms)});
    hub_url = "http://127.0.0.1:" + std::to_string(link->port());
  }
  auto replica = store::Replica::open(dir / "edge.db", clock);
  if (!replica) return fail(replica.error().with_context("reopening the replica"));
  if (auto s = replica->db().exec("PRAGMA cache_size = -8192"); !s) return fail(s.error());
  sync::client::CurlOptions curl;
  curl.base_url = hub_url;
  curl.total_timeout = std::chrono::seconds(120);
  auto transport = sync::client::CurlTransport::create(curl);
  if (!transport) return fail(transport.error());
  auto key = sync::client::load_or_create_key(dir / "node.key");
  if (!key) return fail(key.error());
  if (auto s = sync::client::enroll(**transport, {tokens->front(), node_id, "0001", "01"}, *key); !s)
    return fail(s.error().with_context("enrolling"));
  sync::client::HubChannel channel(**transport, *key, node_id, clock, args.gzip);
  channel.allow_zstd(!args.gzip_only);
  sync::client::RelayOptions options;
  options.max_batch = args.batch;
  options.pushes_in_flight = in_flight;
  options.read_ahead = args.read_ahead;
  sync::client::OutboxRelay relay(*replica, channel, clock, options);

  reset_peak_rss();
  Drain out;
  std::int64_t acknowledged = 0;
  int failures = 0;
  const auto reads_start = sqlite::wal_batch_stats();
  const double edge_cpu_start = cpu_ms(getpid());
  const double hub_cpu_start = cpu_ms(hub.pid());
  const auto start = SteadyClock::now();
  const auto deadline = start + std::chrono::minutes(30);
  while (SteadyClock::now() < deadline) {
    const auto t0 = SteadyClock::now();
    auto r = relay.push_once();
    if (!r) {
      if (++failures > 20) return fail(r.error().with_context("pushing"));
      std::fprintf(stderr, "drain_bench: push failed, retrying: %s\n", r.error().what().c_str());
      continue;
    }
    if (r->sent == 0) break;
    out.push_ms.push_back(ms_between(t0, SteadyClock::now()));
    acknowledged += r->acknowledged;
    if (r->rejected != 0) std::fprintf(stderr, "drain_bench: rejected %s\n", r->last_rejection.c_str());
  }
  out.seconds = ms_between(start, SteadyClock::now()) / 1000;
  out.edge_cpu_ms = cpu_ms(getpid()) - edge_cpu_start;
  const auto reads = sqlite::wal_batch_stats();
  out.page_reads = reads.read_ahead_sqlite_reads - reads_start.read_ahead_sqlite_reads;
  out.read_calls = reads.read_ahead_os_reads - reads_start.read_ahead_os_reads;
  out.hub_cpu_ms = cpu_ms(hub.pid()) - hub_cpu_start;
  out.edge_rss_kib = peak_rss_kib(getpid());
  out.hub_rss_kib = peak_rss_kib(hub.pid());
  out.connections = (*transport)->connections_opened();
  if (auto s = hub.stop(); !s) return fail(s.error().with_context("stopping storehub"));

  sqlite::OpenOptions read_only;
  read_only.read_only = true;
  auto hub_db = sqlite::Database::open(hub.database(), read_only);
  if (!hub_db) return fail(hub_db.error().with_context("opening hub.db"));
  const auto orders =
      hub_db->query_one<std::int64_t>("SELECT COUNT(*) FROM hub_order WHERE origin_node = ?", node_id);
  const auto distinct = hub_db->query_one<std::int64_t>(
      "SELECT COUNT(DISTINCT order_id) FROM hub_order WHERE origin_node = ?", node_id);
  if (!orders || !distinct) return fail((!orders ? orders : distinct).error());
  const std::int64_t held = orders->value_or(0);
  if (held != args.orders || distinct->value_or(0) != args.orders || acknowledged != args.orders) {
    return fail(Errc::internal, "hub holds " + std::to_string(held) + " orders (" +
                                    std::to_string(distinct->value_or(0)) + " distinct), " +
                                    std::to_string(acknowledged) + " acknowledged; expected " +
                                    std::to_string(args.orders));
  }
  return out;
}

void print_drain(const Args& args, const Drain& d, int in_flight, double bare) {
  print("drain_orders", static_cast<double>(args.orders), "count");
  print("drain_batch", static_cast<double>(args.batch), "rows");
  print("drain_pushes_in_flight", static_cast<double>(in_flight), "count");
  print("edge_connections", static_cast<double>(d.connections), "count");
  print("drain_seconds", d.seconds, "s");
  print("drain_orders_per_s", static_cast<double>(args.orders) / d.seconds, "orders/s");
  print("drain_pushes", static_cast<double>(d.push_ms.size()), "count");
  print("drain_push_p50", percentile(d.push_ms, 0.5), "ms");
  print("drain_push_p99", percentile(d.push_ms, 0.99), "ms");
  const double per_order = 1000.0 / static_cast<double>(args.orders);
  print("edge_cpu_per_order", d.edge_cpu_ms * per_order, "us");
  print("hub_cpu_per_order", d.hub_cpu_ms * per_order, "us");
  if (args.read_ahead) {
    print("edge_page_reads_per_order", static_cast<double>(d.page_reads) / static_cast<double>(args.orders),
          "count");
    print("edge_read_calls_per_order", static_cast<double>(d.read_calls) / static_cast<double>(args.orders),
          "count");
  }
  print("edge_peak_rss", static_cast<double>(d.edge_rss_kib) / 1024, "MiB");
  print("hub_peak_rss", static_cast<double>(d.hub_rss_kib) / 1024, "MiB");
  print("bare_commit_p50", bare, "ms");
  print("drain_order_vs_bare_commit", (d.seconds * 1000 / static_cast<double>(args.orders)) / bare, "x");
  print("hub_orders_verified", static_cast<double>(args.orders), "count");
}

// --pairs: 2 and 1 pushes in flight alternate on copies of the same queue, each against a fresh
// storehub, so both see the same moments of a noisy machine; the median, min and max of each.
void print_pairs(const Args& args, const std::map<int, std::vector<Drain>>& runs, double bare) {
  for (const auto& [in_flight, drains] : runs) {
    std::vector<double> rate, p50, p99, edge, hub;
    for (const auto& d : drains) {
      rate.push_back(static_cast<double>(args.orders) / d.seconds);
      p50.push_back(percentile(d.push_ms, 0.5));
      p99.push_back(percentile(d.push_ms, 0.99));
      edge.push_back(d.edge_cpu_ms * 1000.0 / static_cast<double>(args.orders));
      hub.push_back(d.hub_cpu_ms * 1000.0 / static_cast<double>(args.orders));
    }
    const std::string tag = "_" + std::to_string(in_flight) + "_in_flight";
    print("drain_orders_per_s" + tag + "_median", percentile(rate, 0.5), "orders/s");
    print("drain_orders_per_s" + tag + "_min", *std::min_element(rate.begin(), rate.end()), "orders/s");
    print("drain_orders_per_s" + tag + "_max", *std::max_element(rate.begin(), rate.end()), "orders/s");
    print("drain_push_p50" + tag + "_median", percentile(p50, 0.5), "ms");
    print("drain_push_p99" + tag + "_median", percentile(p99, 0.5), "ms");
    print("edge_cpu_per_order" + tag + "_median", percentile(edge, 0.5), "us");
    print("hub_cpu_per_order" + tag + "_median", percentile(hub, 0.5), "us");
  }
  print("bare_commit_p50", bare, "ms");
  print("hub_orders_verified", static_cast<double>(args.orders), "count");
}

int run(const Args& args) {
  test::TempDir dir{"drain-bench"};
  SystemClock clock;

  auto bare = bare_commit_p50_ms(dir.path(), 200);
  if (!bare) return failed("bare commit", bare.error());

  const auto setup_start = SteadyClock::now();
  std::string node_id;
  {
    auto replica = store::Replica::open(dir / "queued.db", clock);
    if (!replica) return failed("opening the replica", replica.error());
    if (auto s = make_demo_sales(*replica, args.orders, clock); !s)
      return failed("queueing sales", s.error());
    node_id = replica->node_id();
  }
  std::fprintf(stderr, "drain_bench: %lld sales queued in %.1f s\n", static_cast<long long>(args.orders),
               ms_between(setup_start, SteadyClock::now()) / 1000);
  auto queued = sqlite::Database::open(dir / "queued.db");
  if (!queued) return failed("opening the queue", queued.error());

  if (args.pairs <= 0) {
    auto d = drain(args, *queued, node_id, dir / "run", args.in_flight);
    if (!d) return failed("draining", d.error());
    print_drain(args, *d, args.in_flight, *bare);
    return 0;
  }
  std::map<int, std::vector<Drain>> runs;
  for (int pair = 0; pair < args.pairs; ++pair) {
    // Which goes first alternates too: the first drain of all runs on colder caches.
    for (int in_flight : pair % 2 == 0 ? std::array{2, 1} : std::array{1, 2}) {
      const auto run_dir = dir / ("run-" + std::to_string(pair) + "-" + std::to_string(in_flight));
      auto d = drain(args, *queued, node_id, run_dir, in_flight);
      if (!d) return failed("draining", d.error());
      std::fprintf(stderr, "drain_bench: pair %d, %d in flight: %.0f orders/s, push p50 %.1f ms\n", pair,
                   in_flight, static_cast<double>(args.orders) / d->seconds, percentile(d->push_ms, 0.5));
      runs[in_flight].push_back(std::move(*d));
      std::filesystem::remove_all(run_dir);
    }
  }
  print_pairs(args, runs, *bare);
  return 0;
}

}  // namespace
}  // namespace storeedge::bench

int main(int argc, char** argv) {
  storeedge::bench::Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--orders") {
      args.orders = std::max<std::int64_t>(1, std::atoll(argv[i + 1]));
    } else if (flag == "--batch") {
      args.batch = static_cast<std::size_t>(std::max(1, std::atoi(argv[i + 1])));
    } else if (flag == "--split-cpus") {
      args.split_cpus = std::atoi(argv[i + 1]) != 0;
    } else if (flag == "--link-delay-ms") {
      args.link_delay_ms = std::max(0, std::atoi(argv[i + 1]));
    } else if (flag == "--pairs") {
      args.pairs = std::atoi(argv[i + 1]);
    } else if (flag == "--in-flight") {
      args.in_flight = std::atoi(argv[i + 1]);
    } else if (flag == "--read-ahead") {
      args.read_ahead = std::atoi(argv[i + 1]) != 0;
    } else if (flag == "--gzip") {
      args.gzip = std::atoi(argv[i + 1]);
      args.gzip_only = true;
    } else {
      std::fprintf(stderr,
                   "usage: drain_bench [--orders N] [--batch ROWS] [--gzip LEVEL] [--in-flight 1|2] [--pairs "
                   "K] [--split-cpus 0|1] [--link-delay-ms MS] [--read-ahead 0|1]\n");
      return 2;
    }
  }
  return storeedge::bench::run(args);
}
