// Bootstrap benchmark: an empty edge pulls a large catalog (products, their GTINs, a price each) from
// the real storehub, against its physical reference measured in the same run: a bare bulk insert of
// the same rows into the same replica tables (one transaction, prepared statements). Also prints the
// peak RSS (VmHWM) of both daemons. The reference is SQLite as it comes; the same insert through the
// WAL-batching VFS the edge uses (platform/sqlite/wal_batch_vfs.hpp) is printed beside it, so the
// VFS's share of the ratio is visible. Prints `bench: NAME VALUE UNIT` lines.
//
//   bootstrap_bench [--products N] [--dir PATH] [--timeout-s N]
//
// The hub database is set up through HubStorage (not measured). The clock starts when storeedged is
// spawned (enrolment with a one-time token included) and stops when the replica holds the last
// product's price: a stream is delivered in sequence order and each chunk commits whole, so that
// row is the last to land; the full counts are checked afterwards.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include "edge/store/demo_data.hpp"
#include "edge/store/replica.hpp"
#include "platform/atomic_file.hpp"
#include "platform/clock.hpp"
#include "platform/sqlite/transaction.hpp"
#include "sync/hub/sqlite/sqlite_storage.hpp"
#include "tests/support/process.hpp"

namespace storeedge::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr std::string_view kStore = "0042";

struct Args {
  std::int64_t products = 1'000'000;
  std::int64_t timeout_s = 1800;
  fs::path dir;
};

void print(std::string_view name, double value, std::string_view unit) {
  std::printf("bench: %.*s %.2f %.*s\n", static_cast<int>(name.size()), name.data(), value,
              static_cast<int>(unit.size()), unit.data());
  std::fflush(stdout);
}

double seconds_since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// Row i of the synthetic catalog: the same for the hub and the bare reference.
struct Row {
  std::string sku, name, category, tax_class, gtin14;
  std::int64_t price_cents = 0;
  bool age_restricted = false;
};

Row row(std::int64_t i) {
  static constexpr std::string_view kCategories[] = {"Despensa", "Bebidas", "Drogueria", "Frescos"};
  static constexpr std::string_view kTaxClasses[] = {"reduced", "general", "general", "super_reduced"};
  const auto c = static_cast<std::size_t>(i % 4);
  Row r;
  r.sku = store::large_catalog_sku(i);
  r.name = "Producto " + r.sku;
  r.category = kCategories[c];
  r.tax_class = kTaxClasses[c];
  r.gtin14 = "0" + store::large_catalog_ean13(i);
  r.price_cents = 49 + (i * 37) % 2000;
  r.age_restricted = i % 50 == 0;
  return r;
}

// Hub data: the store, the Spanish tax rates, N products with one GTIN each and a price in the store.
// Loaded in slices so that setup memory stays bounded; every slice is one load (one transaction).
Status setup_hub(const fs::path& db_path, std::int64_t products) {
  SystemClock clock;
  auto storage = sync::hub::SqliteStorage::open(db_path, clock);
  if (!storage) return fail(storage.error());
  auto& hub = **storage;
  if (auto s = hub.upsert_store({std::string(kStore), "ES-MD", sync::hub::CustomerScope::region}); !s)
    return s;
  constexpr std::int64_t kSlice = 50'000;
  for (std::int64_t from = 0; from < products; from += kSlice) {
    sync::hub::CatalogLoad load;
    if (from == 0) {
      load.tax_rates = {{"general", 2100, "IVA general"},
                        {"reduced", 1000, "IVA reducido"},
                        {"super_reduced", 400, "IVA superreducido"}};
    }
    std::vector<sync::hub::Price> prices;
    for (std::int64_t i = from; i < std::min(products, from + kSlice); ++i) {
      Row r = row(i);
      prices.push_back({std::string(kStore), r.sku, r.price_cents, 0, std::nullopt});
      load.products.push_back(
          {r.sku, r.name, r.category, r.tax_class, "unit", r.age_restricted, true, {r.gtin14}});
    }
    if (auto n = hub.load_catalog(load); !n) return fail(n.error());
    if (auto n = hub.load_prices(prices); !n) return fail(n.error());
  }
  return {};
}

// The physical reference: the same rows into the same tables of an empty replica, one transaction.
// `batched`: through the WAL-batching VFS the edge uses; otherwise SQLite as it comes (the reference).
Result<double> bare_insert_seconds(const fs::path& file, std::int64_t products, bool batched) {
  SystemClock clock;
  store::ReplicaOptions options;
  options.batch_wal_writes = batched;
  auto replica = store::Replica::open(file, clock, options);
  if (!replica) return fail(replica.error());
  auto& db = replica->db();
  const auto start = SteadyClock::now();
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) return fail(tx.error());
  for (const auto& [tax_class, rate, name] :
       {std::tuple{"general", 2100, "IVA general"}, std::tuple{"reduced", 1000, "IVA reducido"},
        std::tuple{"super_reduced", 400, "IVA superreducido"}}) {
    auto s = db.prepare("INSERT INTO tax_rate (tax_class, rate_bp, name) VALUES (?, ?, ?)");
    if (!s) return fail(s.error());
    if (auto b = s->bind_all(tax_class, rate, name); !b) return fail(b.error());
    if (auto r = s->run(); !r) return fail(r.error());
  }
  auto product = db.prepare(
      "INSERT INTO product (sku, name, category, tax_class, sold_by, age_restricted, active) "
      "VALUES (?, ?, ?, ?, 'unit', ?, 1)");
  auto gtin = db.prepare("INSERT INTO product_gtin (gtin14, sku) VALUES (?, ?)");
  auto price =
      db.prepare("INSERT INTO price (store_code, sku, valid_from_ms, unit_price_cents) VALUES (?, ?, 0, ?)");
  if (!product || !gtin || !price) return fail(Errc::internal, "preparing the bare insert");
  for (std::int64_t i = 0; i < products; ++i) {
    const Row r = row(i);
    Status s = product->bind_all(r.sku, r.name, r.category, r.tax_class, int{r.age_restricted});
    if (s) s = product->run();
    if (s) s = gtin->bind_all(r.gtin14, r.sku);
    if (s) s = gtin->run();
    if (s) s = price->bind_all(std::string(kStore), r.sku, r.price_cents);
    if (s) s = price->run();
    if (!s) return fail(s.error());
  }
  if (auto s = tx->commit(); !s) return fail(s.error());
  return seconds_since(start);
}

// VmHWM of a live process in MB, or -1 when it cannot be read.
double peak_rss_mb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return -1;
}

// User + system CPU seconds a live process has used, or -1 when it cannot be read.
double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string skip;
  for (int i = 3; i < 14; ++i) fields >> skip;  // state .. cmajflt
  double user = 0, system = 0;
  fields >> user >> system;
  return (user + system) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::uint16_t published_port(const fs::path& address_file) {
  auto text = read_file(address_file);
  if (!text || text->find('\n') == std::string::npos) return 0;
  return static_cast<std::uint16_t>(std::stoi(text->substr(text->rfind(':') + 1)));
}

Status fail_with_log(std::string message, const test::Process& p) {
  return fail(Errc::internal, message + "\n" + p.stderr_text());
}

Result<std::int64_t> count(sqlite::Database& db, const std::string& sql) {
  auto n = db.query_one<std::int64_t>(sql);
  if (!n) return fail(n.error());
  return n->value_or(0);
}

Status bench(const Args& args) {
  const fs::path bin = test::bin_dir();
  const fs::path hub_dir = args.dir / "hubdata";
  fs::create_directories(hub_dir);
  const auto setup_start = SteadyClock::now();
  if (auto s = setup_hub(hub_dir / "hub.db", args.products); !s)
    return fail(s.error().with_context("hub setup"));
  std::fprintf(stderr, "bootstrap_bench: hub set up with %lld products in %.1f s\n",
               static_cast<long long>(args.products), seconds_since(setup_start));

  const fs::path hub_config = args.dir / "hub.toml";
  if (auto s = write_file_atomically(hub_config, "[hub]\ndata_dir = \"" + hub_dir.string() +
                                                     "\"\n[http]\nport = 0\n[log]\nlevel = \"warn\"\n");
      !s) {
    return s;
  }
  auto token = test::run_program(
      bin / "storehub", {"--config", hub_config.string(), "issue-token", "--store", std::string(kStore)},
      args.dir / "token");
  if (token.exit_code != 0) return fail(Errc::internal, "storehub issue-token: " + token.err);
  const std::string one_time = token.out.substr(0, token.out.find('\n'));

  test::Process hub(bin / "storehub", {"--config", hub_config.string()}, args.dir / "hub");
  if (!test::eventually([&] { return published_port(hub_dir / "storehub.addr") != 0 || !hub.running(); },
                        std::chrono::seconds(60)) ||
      !hub.running()) {
    return fail_with_log("storehub did not start", hub);
  }
  const std::uint16_t hub_port = published_port(hub_dir / "storehub.addr");

  const fs::path edge_dir = args.dir / "edge";
  const fs::path edge_config = args.dir / "storeedged.toml";
  if (auto s = write_file_atomically(
          edge_config, "[node]\nstore_code = \"" + std::string(kStore) +
                           "\"\ndevice_code = \"01\"\ndata_dir = \"" + edge_dir.string() +
                           "\"\n[http]\nport = 0\n[log]\nlevel = \"warn\"\n[sync]\nhub_url = " +
                           "\"http://127.0.0.1:" + std::to_string(hub_port) + "\"\nenrollment_token = \"" +
                           one_time + "\"\ninterval_ms = 100\n");
      !s) {
    return s;
  }
  const std::string last_sku = store::large_catalog_sku(args.products - 1);
  const auto start = SteadyClock::now();
  test::Process edge(bin / "storeedged", {"--config", edge_config.string()}, args.dir / "edge");
  std::unique_ptr<sqlite::Database> replica;
  bool done = false;
  while (!done) {
    if (!edge.running()) {
      return fail_with_log("storeedged stopped during the bootstrap (exit " +
                               std::to_string(edge.wait_for(std::chrono::milliseconds(0)).value_or(-1)) + ")",
                           edge);
    }
    if (!hub.running()) return fail_with_log("storehub stopped during the bootstrap", hub);
    if (seconds_since(start) > static_cast<double>(args.timeout_s))
      return fail_with_log("the bootstrap did not finish in time", edge);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (!replica && published_port(edge_dir / "storeedged.addr") != 0) {
      auto db = sqlite::Database::open(edge_dir / "replica.db");
      if (!db) return fail(db.error());
      replica = std::make_unique<sqlite::Database>(std::move(*db));
    }
    if (!replica) continue;
    auto last = replica->query_one<std::int64_t>("SELECT 1 FROM price WHERE store_code = ? AND sku = ?",
                                                 std::string(kStore), last_sku);
    done = last && *last;  // a busy replica is asked again at the next poll
  }
  const double bootstrap = seconds_since(start);
  const double edge_rss = peak_rss_mb(edge.pid());
  const double hub_rss = peak_rss_mb(hub.pid());
  const double edge_cpu = cpu_seconds(edge.pid());
  const double hub_cpu = cpu_seconds(hub.pid());
  edge.signal(SIGTERM);
  hub.signal(SIGTERM);
  if (!edge.wait_for(std::chrono::seconds(30)) || !hub.wait_for(std::chrono::seconds(30)))
    return fail(Errc::internal, "a daemon did not stop on SIGTERM");

  for (const char* table : {"product", "product_gtin", "price"}) {
    auto n = count(*replica, std::string("SELECT COUNT(*) FROM ") + table);
    if (!n) return fail(n.error());
    if (*n != args.products) {
      return fail(Errc::internal, std::string("the replica holds ") + std::to_string(*n) + " rows in " +
                                      table + ", expected " + std::to_string(args.products));
    }
  }
  replica.reset();

  fs::create_directories(args.dir / "bare");
  const std::clock_t bare_cpu_start = std::clock();
  auto bare = bare_insert_seconds(args.dir / "bare" / "replica.db", args.products, false);
  if (!bare) return fail(bare.error().with_context("bare insert"));
  const double bare_cpu = static_cast<double>(std::clock() - bare_cpu_start) / CLOCKS_PER_SEC;
  fs::create_directories(args.dir / "bare-batched");
  auto batched = bare_insert_seconds(args.dir / "bare-batched" / "replica.db", args.products, true);
  if (!batched) return fail(batched.error().with_context("bare insert through the batching VFS"));
  print("bootstrap_seconds", bootstrap, "s");
  print("bootstrap_products_per_s", static_cast<double>(args.products) / bootstrap, "products/s");
  print("bare_insert_seconds", *bare, "s");
  print("bare_insert_cpu_seconds", bare_cpu, "s");
  print("bootstrap_ratio", bootstrap / *bare, "x");
  print("bare_insert_batched_vfs_seconds", *batched, "s");
  print("bootstrap_ratio_vs_batched_bare", bootstrap / *batched, "x");
  print("edge_peak_rss_mb", edge_rss, "MB");
  print("hub_peak_rss_mb", hub_rss, "MB");
  print("edge_cpu_seconds", edge_cpu, "s");
  print("hub_cpu_seconds", hub_cpu, "s");
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
    } else if (flag == "--timeout-s") {
      args.timeout_s = n;
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
                 "bootstrap_bench: %s\nusage: bootstrap_bench [--products N] [--dir PATH] [--timeout-s N]\n",
                 args.error().what().c_str());
    return 2;
  }
  if (std::getenv("STOREEDGE_BIN_DIR") == nullptr) {  // run by hand: the daemons sit beside the bench
    ::setenv("STOREEDGE_BIN_DIR", fs::read_symlink("/proc/self/exe").parent_path().c_str(), 1);
  }
  const bool own_dir = args->dir.empty();
  if (own_dir) args->dir = fs::temp_directory_path() / ("bootstrap_bench." + std::to_string(::getpid()));
  std::error_code ec;
  fs::create_directories(args->dir, ec);
  auto status = bench(*args);
  if (own_dir) fs::remove_all(args->dir, ec);
  if (!status) {
    std::fprintf(stderr, "bootstrap_bench: %s\n", status.error().what().c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace storeedge::bench

int main(int argc, char** argv) {
  return storeedge::bench::run(argc, argv);
}
