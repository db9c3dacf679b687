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
//   drain_bench [--orders N] [--batch ROWS] [--gzip LEVEL] [--in-flight 1|2]
// --in-flight sets RelayOptions::pushes_in_flight (default: the relay's, 2), to compare.
// Bodies go in zstd once the hub's first reply says it reads zstd, as the daemon's do; --gzip LEVEL
// keeps them in gzip at that level, to compare.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "platform/sqlite/database.hpp"
#include "sync/client/curl/curl_transport.hpp"
#include "sync/client/enrollment.hpp"
#include "sync/client/hub_channel.hpp"
#include "sync/client/relay.hpp"
#include "tests/bench/sync_bench_support.hpp"
#include "tests/support/temp_dir.hpp"

namespace storeedge::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct Args {
  std::int64_t orders = 100'000;
  std::size_t batch = sync::client::RelayOptions{}.max_batch;
  int gzip = sync::client::kDefaultGzipLevel;
  bool gzip_only = false;
  int in_flight = sync::client::RelayOptions{}.pushes_in_flight;
};

int failed(const std::string& what, const Error& e) {
  std::fprintf(stderr, "drain_bench: %s: %s\n", what.c_str(), e.what().c_str());
  return 1;
}

int run(const Args& args) {
  test::TempDir dir{"drain-bench"};
  SystemClock clock;

  auto bare = bare_commit_p50_ms(dir.path(), 200);
  if (!bare) return failed("bare commit", bare.error());

  const auto setup_start = SteadyClock::now();
  std::string node_id;
  {
    auto replica = store::Replica::open(dir / "edge.db", clock);
    if (!replica) return failed("opening the replica", replica.error());
    if (auto s = make_demo_sales(*replica, args.orders, clock); !s)
      return failed("queueing sales", s.error());
    node_id = replica->node_id();
  }
  std::fprintf(stderr, "drain_bench: %lld sales queued in %.1f s\n", static_cast<long long>(args.orders),
               ms_between(setup_start, SteadyClock::now()) / 1000);

  HubProcess hub(dir / "hub");
  if (auto s = hub.configure(); !s) return failed("configuring storehub", s.error());
  auto tokens = hub.issue_tokens("0001", 1);
  if (!tokens) return failed("issuing a token", tokens.error());
  if (auto s = hub.start(); !s) return failed("starting storehub", s.error());

  // The edge reopens its replica durable and with the page cache of the daemon's sync thread
  // (edge/daemon/sync_runner.cpp).
  auto replica = store::Replica::open(dir / "edge.db", clock);
  if (!replica) return failed("reopening the replica", replica.error());
  if (auto s = replica->db().exec("PRAGMA cache_size = -8192"); !s)
    return failed("sizing the page cache", s.error());
  sync::client::CurlOptions curl;
  curl.base_url = hub.base_url();
  curl.total_timeout = std::chrono::seconds(120);
  auto transport = sync::client::CurlTransport::create(curl);
  if (!transport) return failed("libcurl", transport.error());
  auto key = sync::client::load_or_create_key(dir / "node.key");
  if (!key) return failed("node key", key.error());
  if (auto s = sync::client::enroll(**transport, {tokens->front(), node_id, "0001", "01"}, *key); !s)
    return failed("enrolling", s.error());
  sync::client::HubChannel channel(**transport, *key, node_id, clock, args.gzip);
  channel.allow_zstd(!args.gzip_only);
  sync::client::RelayOptions options;
  options.max_batch = args.batch;
  options.pushes_in_flight = args.in_flight;
  sync::client::OutboxRelay relay(*replica, channel, clock, options);

  reset_peak_rss();
  std::vector<double> push_ms;
  std::int64_t acknowledged = 0;
  int failures = 0;
  const double edge_cpu_start = cpu_ms(getpid());
  const double hub_cpu_start = cpu_ms(hub.pid());
  const auto start = SteadyClock::now();
  const auto deadline = start + std::chrono::minutes(30);
  while (SteadyClock::now() < deadline) {
    const auto t0 = SteadyClock::now();
    auto r = relay.push_once();
    if (!r) {
      if (++failures > 20) return failed("pushing", r.error());
      std::fprintf(stderr, "drain_bench: push failed, retrying: %s\n", r.error().what().c_str());
      continue;
    }
    if (r->sent == 0) break;
    push_ms.push_back(ms_between(t0, SteadyClock::now()));
    acknowledged += r->acknowledged;
    if (r->rejected != 0) std::fprintf(stderr, "drain_bench: rejected %s\n", r->last_rejection.c_str());
  }
  const double seconds = ms_between(start, SteadyClock::now()) / 1000;
  const double edge_cpu = cpu_ms(getpid()) - edge_cpu_start;
  const double hub_cpu = cpu_ms(hub.pid()) - hub_cpu_start;
  const std::int64_t edge_rss = peak_rss_kib(getpid());
  const std::int64_t hub_rss = peak_rss_kib(hub.pid());
  if (auto s = hub.stop(); !s) return failed("stopping storehub", s.error());

  sqlite::OpenOptions read_only;
  read_only.read_only = true;
  auto hub_db = sqlite::Database::open(hub.database(), read_only);
  if (!hub_db) return failed("opening hub.db", hub_db.error());
  const auto orders =
      hub_db->query_one<std::int64_t>("SELECT COUNT(*) FROM hub_order WHERE origin_node = ?", node_id);
  const auto distinct = hub_db->query_one<std::int64_t>(
      "SELECT COUNT(DISTINCT order_id) FROM hub_order WHERE origin_node = ?", node_id);
  if (!orders || !distinct) return failed("counting hub orders", (!orders ? orders : distinct).error());
  const std::int64_t held = orders->value_or(0);
  if (held != args.orders || distinct->value_or(0) != args.orders || acknowledged != args.orders) {
    std::fprintf(stderr,
                 "drain_bench: hub holds %lld orders (%lld distinct), %lld acknowledged; expected %lld\n",
                 static_cast<long long>(held), static_cast<long long>(distinct->value_or(0)),
                 static_cast<long long>(acknowledged), static_cast<long long>(args.orders));
    return 1;
  }

  print("drain_orders", static_cast<double>(args.orders), "count");
  print("drain_batch", static_cast<double>(args.batch), "rows");
  print("drain_pushes_in_flight", static_cast<double>(args.in_flight), "count");
  print("edge_connections", static_cast<double>((*transport)->connections_opened()), "count");
  print("drain_seconds", seconds, "s");
  print("drain_orders_per_s", static_cast<double>(args.orders) / seconds, "orders/s");
  print("drain_pushes", static_cast<double>(push_ms.size()), "count");
  print("drain_push_p50", percentile(push_ms, 0.5), "ms");
  print("drain_push_p99", percentile(push_ms, 0.99), "ms");
  const double per_order = 1000.0 / static_cast<double>(args.orders);
  print("edge_cpu_per_order", edge_cpu * per_order, "us");
  print("hub_cpu_per_order", hub_cpu * per_order, "us");
  print("edge_peak_rss", static_cast<double>(edge_rss) / 1024, "MiB");
  print("hub_peak_rss", static_cast<double>(hub_rss) / 1024, "MiB");
  print("bare_commit_p50", *bare, "ms");
  print("drain_order_vs_bare_commit", (seconds * 1000 / static_cast<double>(args.orders)) / *bare, "x");
  print("hub_orders_verified", static_cast<double>(held), "count");
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
    } else if (flag == "--in-flight") {
      args.in_flight = std::atoi(argv[i + 1]);
    } else if (flag == "--gzip") {
      args.gzip = std::atoi(argv[i + 1]);
      args.gzip_only = true;
    } else {
      std::fprintf(stderr,
                   "usage: drain_bench [--orders N] [--batch ROWS] [--gzip LEVEL] [--in-flight 1|2]\n");
      return 2;
    }
  }
  return storeedge::bench::run(args);
}
