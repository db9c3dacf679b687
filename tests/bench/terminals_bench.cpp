// Many terminals pushing at once to one hub: T simulated terminals, each its own node (its own node
// id and Ed25519 key, enrolled with its own one-time token from `storehub issue-token`), push K
// queued sales each, in batches of B, concurrently (one thread and one libcurl channel per
// terminal) to the REAL storehub (a child process on durable SQLite).
//
// The sales are made once by the real sale path (store::complete_sale on demo data, see
// sync_bench_support.hpp) on one replica and dealt out K per terminal, with the payload's node_id
// set to the terminal's. A terminal is the sync client's push step without a replica of its own:
// HubChannel (protobuf, gzip, signature, libcurl) and the relay's request shape; a push is resent
// after a 503 (retry), as the relay does.
//
// Prints, as `bench: NAME VALUE UNIT`: terminals_orders_per_s (T*K / time from the start signal to
// the last reply), terminals_push_p50/p99 (one push's latency as a terminal sees it), hub_peak_rss,
// and bare_commit_p50 (the physical reference); checks that hub.db holds every order once.
//
//   terminals_bench [--terminals T] [--orders K] [--batch B]
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "edge/store/journal.hpp"
#include "platform/sqlite/database.hpp"
#include "sync/client/curl/curl_transport.hpp"
#include "sync/client/enrollment.hpp"
#include "sync/client/hub_channel.hpp"
#include "sync/proto/hlc.hpp"
#include "sync/proto/version.hpp"
#include "tests/bench/sync_bench_support.hpp"
#include "tests/support/temp_dir.hpp"

namespace storeedge::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct Args {
  int terminals = 200;
  int orders = 50;
  int batch = 10;
};

struct Terminal {
  std::string node_id;
  std::string token;
  std::vector<std::string> payloads;
  std::vector<std::int64_t> created_ms;
  std::vector<double> push_ms;
  std::string error;
};

int failed(const std::string& what, const Error& e) {
  std::fprintf(stderr, "terminals_bench: %s: %s\n", what.c_str(), e.what().c_str());
  return 1;
}

// One terminal: enroll, wait for the start signal, push its sales batch by batch.
void run_terminal(Terminal& t, const std::string& base_url, int batch, const Clock& clock,
                  const std::function<void()>& wait_for_start) {
  auto fail_with = [&](const std::string& what, const Error& e) { t.error = what + ": " + e.what(); };
  sync::client::CurlOptions curl;
  curl.base_url = base_url;
  curl.total_timeout = std::chrono::seconds(120);
  auto transport = sync::client::CurlTransport::create(curl);
  auto key = sync::proto::SigningKey::generate();
  if (!transport || !key) {
    t.error = "set-up failed";
    wait_for_start();
    return;
  }
  const std::string device = std::to_string(t.node_id.back() - '0');
  auto enrolled = sync::client::enroll(**transport, {t.token, t.node_id, "0001", device}, *key);
  wait_for_start();
  if (!enrolled) return fail_with("enrolling", enrolled.error());
  sync::client::HubChannel channel(**transport, *key, t.node_id, clock);
  sync::proto::Hlc hlc;
  const auto total = static_cast<std::int64_t>(t.payloads.size());
  std::vector<std::uint64_t> stamps;
  for (std::int64_t i = 0; i < total; ++i) {
    auto s = hlc.now(t.created_ms[static_cast<std::size_t>(i)]);
    if (!s) return fail_with("stamping", s.error());
    stamps.push_back(*s);
  }
  for (std::int64_t first = 0; first < total; first += batch) {
    const std::int64_t last = std::min(total, first + batch);
    sync::proto::PushRequest request;
    request.set_protocol_version(sync::proto::kProtocolVersion);
    request.set_node_id(t.node_id);
    for (std::int64_t i = first; i < last; ++i) {
      auto* m = request.add_mutations();
      m->set_node_id(t.node_id);
      m->set_mutation_id(static_cast<std::uint64_t>(i + 1));
      m->set_hlc(stamps[static_cast<std::size_t>(i)]);
      m->set_schema_version(static_cast<std::uint32_t>(store::kOutboxPayloadVersion));
      m->set_kind("order.completed");
      m->set_payload(t.payloads[static_cast<std::size_t>(i)]);
      m->set_created_at_ms(t.created_ms[static_cast<std::size_t>(i)]);
    }
    for (int attempt = 0;; ++attempt) {
      const auto t0 = SteadyClock::now();
      auto reply = channel.call(sync::client::kPushPath, request);
      const double ms = ms_between(t0, SteadyClock::now());
      if (reply && !reply->error) {
        auto result = sync::proto::decode_push_result(reply->body);
        if (!result) return fail_with("reading a push result", result.error());
        for (const auto& r : result->results()) {
          if (r.status() != sync::proto::MutationResult::APPLIED &&
              r.status() != sync::proto::MutationResult::DUPLICATE) {
            t.error = "mutation " + std::to_string(r.mutation_id()) + " not applied: " + r.reason();
            return;
          }
        }
        t.push_ms.push_back(ms);
        break;
      }
      if (attempt >= 20) {
        t.error = reply ? "hub refused: " + reply->error->message() : reply.error().what();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
}

Result<std::vector<std::pair<std::string, std::int64_t>>> queued_payloads(store::Replica& replica) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  auto q = replica.db().prepare(
      "SELECT payload, created_at_ms FROM outbox JOIN outbox_payload USING (mutation_id) ORDER BY "
      "mutation_id");
  if (!q) return fail(q.error());
  while (true) {
    auto row = q->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    out.emplace_back(q->get<std::string>(0), q->get<std::int64_t>(1));
  }
  return out;
}

int run(const Args& args) {
  test::TempDir dir{"terminals-bench"};
  SystemClock clock;
  auto bare = bare_commit_p50_ms(dir.path(), 200);
  if (!bare) return failed("bare commit", bare.error());

  const std::int64_t total = static_cast<std::int64_t>(args.terminals) * args.orders;
  std::vector<Terminal> terminals(static_cast<std::size_t>(args.terminals));
  {
    auto replica = store::Replica::open(dir / "edge.db", clock);
    if (!replica) return failed("opening the replica", replica.error());
    if (auto s = make_demo_sales(*replica, total, clock); !s) return failed("making sales", s.error());
    auto payloads = queued_payloads(*replica);
    if (!payloads) return failed("reading the outbox", payloads.error());
    for (std::size_t i = 0; i < terminals.size(); ++i) {
      char id[32];
      std::snprintf(id, sizeof id, "bench-term-%03zu", i);
      terminals[i].node_id = id;
      for (int j = 0; j < args.orders; ++j) {
        const auto& [text, created] =
            (*payloads)[i * static_cast<std::size_t>(args.orders) + static_cast<std::size_t>(j)];
        auto doc = boost::json::parse(text).as_object();
        doc["node_id"] = terminals[i].node_id;
        terminals[i].payloads.push_back(boost::json::serialize(doc));
        terminals[i].created_ms.push_back(created);
      }
    }
  }

  HubProcess hub(dir / "hub");
  if (auto s = hub.configure(); !s) return failed("configuring storehub", s.error());
  auto tokens = hub.issue_tokens("0001", args.terminals);
  if (!tokens) return failed("issuing tokens", tokens.error());
  for (std::size_t i = 0; i < terminals.size(); ++i) terminals[i].token = (*tokens)[i];
  if (auto s = hub.start(); !s) return failed("starting storehub", s.error());

  std::mutex mutex;
  std::condition_variable cv;
  int ready = 0;
  bool go = false;
  SteadyClock::time_point start;
  const auto wait_for_start = [&] {
    std::unique_lock lock(mutex);
    if (++ready == args.terminals) {
      go = true;
      start = SteadyClock::now();
      cv.notify_all();
    }
    cv.wait(lock, [&] { return go; });
  };
  const double hub_cpu_start = cpu_ms(hub.pid());
  std::vector<std::thread> threads;
  for (auto& t : terminals) {
    threads.emplace_back(
        [&, url = hub.base_url()] { run_terminal(t, url, args.batch, clock, wait_for_start); });
  }
  for (auto& th : threads) th.join();
  const double seconds = ms_between(start, SteadyClock::now()) / 1000;
  const double hub_cpu = cpu_ms(hub.pid()) - hub_cpu_start;
  const std::int64_t hub_rss = peak_rss_kib(hub.pid());
  if (auto s = hub.stop(); !s) return failed("stopping storehub", s.error());

  std::vector<double> push_ms;
  for (const auto& t : terminals) {
    if (!t.error.empty()) {
      std::fprintf(stderr, "terminals_bench: %s: %s\n", t.node_id.c_str(), t.error.c_str());
      return 1;
    }
    push_ms.insert(push_ms.end(), t.push_ms.begin(), t.push_ms.end());
  }
  sqlite::OpenOptions read_only;
  read_only.read_only = true;
  auto hub_db = sqlite::Database::open(hub.database(), read_only);
  if (!hub_db) return failed("opening hub.db", hub_db.error());
  auto held = hub_db->query_one<std::int64_t>(
      "SELECT COUNT(DISTINCT order_id) FROM hub_order WHERE origin_node LIKE 'bench-term-%'");
  auto rows =
      hub_db->query_one<std::int64_t>("SELECT COUNT(*) FROM hub_order WHERE origin_node LIKE 'bench-term-%'");
  if (!held || !rows) return failed("counting hub orders", (!held ? held : rows).error());
  if (held->value_or(0) != total || rows->value_or(0) != total) {
    std::fprintf(stderr, "terminals_bench: hub holds %lld orders (%lld distinct), expected %lld\n",
                 static_cast<long long>(rows->value_or(0)), static_cast<long long>(held->value_or(0)),
                 static_cast<long long>(total));
    return 1;
  }

  print("terminals", args.terminals, "count");
  print("terminals_orders_each", args.orders, "count");
  print("terminals_batch", args.batch, "rows");
  print("terminals_seconds", seconds, "s");
  print("terminals_orders_per_s", static_cast<double>(total) / seconds, "orders/s");
  print("terminals_pushes", static_cast<double>(push_ms.size()), "count");
  print("terminals_push_p50", percentile(push_ms, 0.5), "ms");
  print("terminals_push_p99", percentile(push_ms, 0.99), "ms");
  print("hub_cpu_per_order", hub_cpu * 1000.0 / static_cast<double>(total), "us");
  print("hub_peak_rss", static_cast<double>(hub_rss) / 1024, "MiB");
  print("bare_commit_p50", *bare, "ms");
  print("terminals_push_p50_vs_bare_commit", percentile(push_ms, 0.5) / *bare, "x");
  print("hub_orders_verified", static_cast<double>(total), "count");
  return 0;
}

}  // namespace
}  // namespace storeedge::bench

int main(int argc, char** argv) {
  storeedge::bench::Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const int value = std::max(1, std::atoi(argv[i + 1]));
    if (flag == "--terminals") {
      args.terminals = value;
    } else if (flag == "--orders") {
      args.orders = value;
    } else if (flag == "--batch") {
      args.batch = value;
    } else {
      std::fprintf(stderr, "usage: terminals_bench [--terminals T] [--orders K] [--batch B]\n");
      return 2;
    }
  }
  return storeedge::bench::run(args);
}
