// Catalog benchmark: loading a large catalog and adding lines by barcode, each against its physical
// reference measured in the same run (a bare bulk insert, a bare primary-key lookup), so the ratios
// hold on a noisy machine. Prints `bench: NAME VALUE UNIT` lines.
//
//   catalog_bench [--products N] [--samples N] [--dir PATH]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edge/domain/cart.hpp"
#include "edge/store/catalog.hpp"
#include "edge/store/demo_data.hpp"
#include "edge/store/replica.hpp"
#include "platform/allocator.hpp"
#include "platform/clock.hpp"
#include "platform/sqlite/transaction.hpp"

namespace storeedge::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::int64_t products = 1'000'000;
  std::int64_t samples = 20'000;
  std::filesystem::path dir;
};

void print(std::string_view name, double value, std::string_view unit) {
  std::printf("bench: %.*s %.2f %.*s\n", static_cast<int>(name.size()), name.data(), value,
              static_cast<int>(unit.size()), unit.data());
  std::fflush(stdout);
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The q-quantile (nearest rank) of latencies in nanoseconds, in microseconds.
double percentile_us(std::vector<std::int64_t> ns, double q) {
  std::sort(ns.begin(), ns.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(ns.size())));
  return static_cast<double>(ns[std::max<std::size_t>(rank, 1) - 1]) / 1000.0;
}

std::uint64_t splitmix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// The physical reference: the same number of rows into a plain table, one transaction, durable.
Result<double> bare_insert_seconds(const std::filesystem::path& file, std::int64_t rows) {
  sqlite::OpenOptions plain_sqlite;  // the reference is SQLite as it comes: no WAL write batching
  plain_sqlite.batch_wal_writes = false;
  auto db = sqlite::Database::open(file, plain_sqlite);
  if (!db) return fail(db.error());
  if (auto s =
          db->exec("CREATE TABLE bare (id INTEGER PRIMARY KEY, gtin14 TEXT NOT NULL, name TEXT NOT NULL, "
                   "price INTEGER NOT NULL)");
      !s) {
    return fail(s.error());
  }
  const auto start = Clock::now();
  auto tx = sqlite::Transaction::begin(*db);
  if (!tx) return fail(tx.error());
  auto insert = db->prepare("INSERT INTO bare (id, gtin14, name, price) VALUES (?, ?, ?, ?)");
  if (!insert) return fail(insert.error());
  for (std::int64_t i = 0; i < rows; ++i) {
    Status s = insert->bind_all(i + 1, "0" + store::large_catalog_ean13(i), "Producto " + std::to_string(i),
                                i % 1000);
    if (s) s = insert->run();
    if (!s) return fail(s.error());
  }
  if (auto s = tx->commit(); !s) return fail(s.error());
  return seconds_since(start);
}

Result<double> bench_add_line(store::CatalogRepository& repo, const std::vector<std::string>& eans) {
  auto templates = repo.scan_templates();
  auto rates = repo.tax_rates();
  if (!templates || !rates) return fail((!templates ? templates.error() : rates.error()));
  const domain::scan::DecodeOptions options{.variable_measure_templates = *templates,
                                            .current_year = std::nullopt};
  const std::int64_t now = unix_millis(SystemClock().now());
  auto promotions = repo.promotions_at(now);
  if (!promotions) return fail(promotions.error());
  const domain::CartConfig config{
      .store = "0001", .tax_rates = *rates, .promotions = *promotions, .approvals = {}};

  std::vector<std::int64_t> ns;
  ns.reserve(eans.size());
  std::optional<domain::Cart> cart;
  for (std::size_t i = 0; i < eans.size(); ++i) {
    if (i % 50 == 0) {  // a new basket every 50 lines, outside the timed part
      auto fresh = domain::Cart::create("bench-" + std::to_string(i), config);
      if (!fresh) return fail(fresh.error());
      cart.emplace(std::move(*fresh));
    }
    const auto start = Clock::now();
    auto line = repo.resolve_scan(eans[i], "0001", now, options);
    if (!line) return fail(line.error().with_context("scanning " + eans[i]));
    auto id = cart->add_line(*line, now);
    const auto end = Clock::now();
    if (!id) return fail(id.error());
    ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count());
  }
  print("add_line_p50", percentile_us(ns, 0.50), "us");
  const double p99 = percentile_us(ns, 0.99);
  print("add_line_p99", p99, "us");
  return p99;
}

Result<double> bench_bare_lookup(sqlite::Database& db, const std::vector<std::string>& eans) {
  auto stmt = db.cached("SELECT sku FROM product_gtin WHERE gtin14 = ?");
  if (!stmt) return fail(stmt.error());
  std::vector<std::int64_t> ns;
  ns.reserve(eans.size());
  std::size_t found = 0;
  for (const std::string& ean : eans) {
    const std::string gtin14 = "0" + ean;  // outside the timed part, as resolve_scan's decode is inside
    const auto start = Clock::now();
    if (auto s = (*stmt)->bind(1, gtin14); !s) return fail(s.error());
    auto row = (*stmt)->step();
    if (!row) return fail(row.error());
    if (*row && !(*stmt)->column_text(0).empty()) ++found;
    (*stmt)->reset();
    ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count());
  }
  if (found != eans.size()) return fail(Errc::internal, "bare lookup missed GTINs");
  print("gtin_lookup_p50", percentile_us(ns, 0.50), "us");
  const double p99 = percentile_us(ns, 0.99);
  print("gtin_lookup_p99", p99, "us");
  return p99;
}

Status bench(const Args& args) {
  auto bare_result = bare_insert_seconds(args.dir / "bare.db", args.products);
  if (!bare_result) return fail(bare_result.error().with_context("bare insert"));
  const double bare = *bare_result;
  print("bare_insert", bare, "s");
  SystemClock clock;
  auto replica = store::Replica::open(args.dir / "replica.db", clock);
  if (!replica) return fail(replica.error());
  const auto start = Clock::now();
  if (auto s = store::load_large_catalog(replica->db(), args.products, "0001", 42); !s) return s;
  const double load = seconds_since(start);
  print("load_large_catalog", load, "s");
  print("load_large_catalog_rows_per_s", static_cast<double>(args.products) / load, "rows/s");
  print("load_vs_bare_ratio", load / bare, "x");

  std::uint64_t state = 2024;
  std::vector<std::string> eans;
  for (std::int64_t i = 0; i < args.samples; ++i) {
    eans.push_back(store::large_catalog_ean13(
        static_cast<std::int64_t>(splitmix(state) % static_cast<std::uint64_t>(args.products))));
  }
  store::CatalogRepository repo(replica->db());
  auto add_line = bench_add_line(repo, eans);
  if (!add_line) return fail(add_line.error());
  auto lookup = bench_bare_lookup(replica->db(), eans);
  if (!lookup) return fail(lookup.error());
  print("add_line_vs_lookup_p99_ratio", *add_line / *lookup, "x");
  return {};
}

Result<Args> parse(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) return fail(Errc::invalid_argument, "missing value after " + std::string(flag));
    const std::string value = argv[++i];
    if (flag == "--dir") {
      args.dir = value;
      continue;
    }
    std::int64_t n = 0;
    try {
      n = std::stoll(value);
    } catch (const std::exception&) {
      return fail(Errc::invalid_argument, std::string(flag) + " needs a number, got " + value);
    }
    if (n < 1) return fail(Errc::invalid_argument, std::string(flag) + " must be at least 1");
    if (flag == "--products") {
      args.products = n;
    } else if (flag == "--samples") {
      args.samples = n;
    } else {
      return fail(Errc::invalid_argument, "unknown option " + std::string(flag));
    }
  }
  return args;
}

int run(int argc, char** argv) {
  auto args = parse(argc, argv);
  if (!args) {
    std::fprintf(stderr,
                 "catalog_bench: %s\nusage: catalog_bench [--products N] [--samples N] [--dir PATH]\n",
                 args.error().what().c_str());
    return 2;
  }
  const bool own_dir = args->dir.empty();
  if (own_dir) {
    args->dir = std::filesystem::temp_directory_path() / ("catalog_bench." + std::to_string(::getpid()));
  }
  std::error_code ec;
  std::filesystem::create_directories(args->dir, ec);
  auto status = bench(*args);
  if (own_dir) std::filesystem::remove_all(args->dir, ec);
  if (!status) {
    std::fprintf(stderr, "catalog_bench: %s\n", status.error().what().c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace storeedge::bench

int main(int argc, char** argv) {
  storeedge::keep_freed_heap_for_reuse();  // as storeedged does (platform/allocator.hpp)
  return storeedge::bench::run(argc, argv);
}
