// The cost of the sale commit against its physical reference, measured in one run on one disk:
//  - sale_commit: complete_sale of a 10-line cart paid with cash and card (the cart is built and paid
//    outside the timed region; the commit writes order, lines, tenders, stock, loyalty, fiscal, audit,
//    outbox in one transaction);
//  - bare_commit: one row inserted and committed in WAL with synchronous=FULL, plain SQLite;
//  - bare_commit_batched_vfs: the same through the WAL-batching VFS the replica uses.
// The two are interleaved so that a noisy neighbour slows both alike. Prints `bench: NAME VALUE UNIT`.
// Usage: sale_bench [ITERATIONS] [--page-size BYTES] (default 400 iterations, the replica's page size).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "edge/domain/cart.hpp"
#include "edge/domain/fiscal/verifactu_recorder.hpp"
#include "edge/store/sales.hpp"
#include "platform/allocator.hpp"
#include "platform/sqlite/checkpoint.hpp"
#include "platform/sqlite/transaction.hpp"
#include "tests/support/temp_dir.hpp"

namespace storeedge::store {
namespace {

using Clock = std::chrono::steady_clock;

domain::Cart ten_line_cart(int n, domain::PaymentTerminal& terminal, std::int64_t now) {
  domain::CartConfig config;
  config.store = "0001";
  config.tax_rates = {{"general", 2100}, {"reduced", 1000}};
  domain::Cart cart = domain::Cart::create("bench-" + std::to_string(n), config).value();
  for (int i = 0; i < 10; ++i) {
    domain::LineRequest r;
    const std::string sku = "SKU" + std::to_string(i);
    r.product = domain::Product{
        sku, {}, "Item " + sku, "grocery", i % 2 ? "general" : "reduced", domain::SoldBy::unit, false};
    r.price = domain::Price{sku, "0001", 99 + 50 * i, {}, {}};
    r.quantity = 1 + i % 3;
    (void)cart.add_line(r, now).value();
  }
  if (!cart.begin_tendering(now)) std::abort();
  (void)cart.pay_card(terminal, 1000).value();
  (void)cart.pay_cash(cart.ledger()->remaining() + 35).value();
  return cart;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

int run(int argc, char** argv) {
  int iterations = 400;
  ReplicaOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--page-size" && i + 1 < argc) {
      options.page_size = std::atoi(argv[++i]);
    } else {
      iterations = std::max(10, std::atoi(argv[i]));
    }
  }
  test::TempDir dir{"sale-bench"};
  SystemClock clock;
  auto replica = Replica::open(dir / "replica.db", clock, options);
  sqlite::OpenOptions plain_sqlite;  // the reference is SQLite as it comes: no WAL write batching
  plain_sqlite.batch_wal_writes = false;
  auto bare = sqlite::Database::open(dir / "bare.db", plain_sqlite);
  // The same bare commit through the replica's WAL-batching VFS, printed beside it so the gain of the
  // VFS on a one-page commit is visible too (it saves one pwrite there).
  auto batched = sqlite::Database::open(dir / "bare-batched.db");
  if (!replica || !bare || !bare->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)") ||
      !batched || !batched->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")) {
    std::fprintf(stderr, "cannot open the benchmark databases\n");
    return 1;
  }
  domain::fiscal::VerifactuRecorder recorder(domain::fiscal::AeatEnvironment::test);
  domain::SimulatedPaymentTerminal terminal;
  const SaleContext ctx{"0001", "01", Channel::pos, "cashier-1", std::nullopt, "B12345674", recorder, {}};

  std::vector<double> sale_ms, bare_ms, batched_ms, sale_pages, bare_pages, checkpoint_ms;
  // WAL frames one commit added; a commit that restarted or checkpointed the WAL is not counted.
  const auto frames_added = [](int before, int after, std::vector<double>& out) {
    if (after > before) out.push_back(after - before);
  };
  const int warmup = 20;
  for (int n = 0; n < warmup + iterations; ++n) {
    domain::Cart cart = ten_line_cart(n, terminal, unix_millis(clock.now()));
    const int sale_frames = replica->db().wal_pending_frames();
    auto start = Clock::now();
    auto sale = complete_sale(*replica, cart, ctx, clock);
    const double sale_time = ms_since(start);
    frames_added(sale_frames, replica->db().wal_pending_frames(), sale_pages);
    if (!sale) {
      std::fprintf(stderr, "sale failed: %s\n", sale.error().what().c_str());
      return 1;
    }
    const int bare_frames = bare->wal_pending_frames();
    const auto bare_commit = [&](sqlite::Database& db) -> double {
      const auto begin = Clock::now();
      auto tx = sqlite::Transaction::begin(db);
      auto insert = db.cached("INSERT INTO t (v) VALUES (?)");
      if (!tx || !insert || !(*insert)->bind_all(sale->order_id) || !(*insert)->run() || !tx->commit())
        return -1;
      return ms_since(begin);
    };
    const double bare_time = bare_commit(*bare);
    const double batched_time = bare_commit(*batched);
    if (bare_time < 0 || batched_time < 0) {
      std::fprintf(stderr, "bare commit failed\n");
      return 1;
    }
    frames_added(bare_frames, bare->wal_pending_frames(), bare_pages);
    // Between sales the daemon is idle and checkpoints (edge/daemon): outside the timed commits,
    // but its effect on the next commit (a restarted WAL) is measured.
    start = Clock::now();
    const int pending = replica->db().wal_pending_frames();
    if (auto s = sqlite::checkpoint_if_needed(replica->db(), kIdleCheckpointPages); !s) {
      std::fprintf(stderr, "checkpoint failed: %s\n", s.error().what().c_str());
      return 1;
    }
    if (pending >= kIdleCheckpointPages) checkpoint_ms.push_back(ms_since(start));
    if (n >= warmup) {
      sale_ms.push_back(sale_time);
      bare_ms.push_back(bare_time);
      batched_ms.push_back(batched_time);
    }
  }
  const double s50 = percentile(sale_ms, 0.50), s99 = percentile(sale_ms, 0.99);
  const double b50 = percentile(bare_ms, 0.50), b99 = percentile(bare_ms, 0.99);
  std::printf("bench: sale_commit_p50 %.3f ms\n", s50);
  std::printf("bench: sale_commit_p99 %.3f ms\n", s99);
  std::printf("bench: bare_commit_p50 %.3f ms\n", b50);
  std::printf("bench: bare_commit_p99 %.3f ms\n", b99);
  std::printf("bench: sale_commit_ratio_p50 %.2f x\n", s50 / b50);
  std::printf("bench: sale_commit_ratio_p99 %.2f x\n", s99 / b99);
  const double v50 = percentile(batched_ms, 0.50);
  std::printf("bench: bare_commit_batched_vfs_p50 %.3f ms\n", v50);
  std::printf("bench: sale_commit_ratio_vs_batched_bare_p50 %.2f x\n", s50 / v50);
  std::printf("bench: sale_commit_wal_pages_p50 %.0f pages\n", percentile(sale_pages, 0.50));
  std::printf("bench: bare_commit_wal_pages_p50 %.0f pages\n", percentile(bare_pages, 0.50));
  if (!checkpoint_ms.empty())
    std::printf("bench: idle_checkpoint_p50 %.3f ms\n", percentile(checkpoint_ms, 0.50));
  std::printf("bench: sale_commit_iterations %d count\n", iterations);
  return 0;
}

}  // namespace
}  // namespace storeedge::store

int main(int argc, char** argv) {
  storeedge::keep_freed_heap_for_reuse();  // as storeedged does (platform/allocator.hpp)
  return storeedge::store::run(argc, argv);
}
