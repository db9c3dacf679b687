#include "tests/bench/sync_bench_support.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include "edge/domain/cart.hpp"
#include "edge/domain/fiscal/verifactu_recorder.hpp"
#include "edge/store/catalog.hpp"
#include "edge/store/demo_data.hpp"
#include "edge/store/sales.hpp"
#include "platform/sqlite/transaction.hpp"

namespace storeedge::bench {

void print(std::string_view name, double value, std::string_view unit) {
  std::printf("bench: %.*s %.3f %.*s\n", static_cast<int>(name.size()), name.data(), value,
              static_cast<int>(unit.size()), unit.data());
  std::fflush(stdout);
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

double ms_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

std::int64_t peak_rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atoll(line.c_str() + 6);
  }
  return 0;
}

double cpu_ms(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {  // fields 14 and 15: utime, stime in clock ticks
    if (i == 14) utime = std::atoll(field.c_str());
    if (i == 15) stime = std::atoll(field.c_str());
  }
  return static_cast<double>(utime + stime) * 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

void reset_peak_rss() {
  std::ofstream("/proc/self/clear_refs") << "5";
}

Result<double> bare_commit_p50_ms(const std::filesystem::path& dir, int samples) {
  sqlite::OpenOptions plain_sqlite;  // the reference is SQLite as it comes: no WAL write batching
  plain_sqlite.batch_wal_writes = false;
  auto db = sqlite::Database::open(dir / "bare.db", plain_sqlite);
  if (!db) return fail(db.error());
  if (auto s = db->exec("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)"); !s)
    return fail(s.error());
  std::vector<double> ms;
  for (int i = 0; i < samples; ++i) {
    const auto start = std::chrono::steady_clock::now();
    auto tx = sqlite::Transaction::begin(*db);
    if (!tx) return fail(tx.error());
    auto insert = db->cached("INSERT INTO t (v) VALUES (?)");
    if (!insert) return fail(insert.error());
    if (auto s = (*insert)->bind_all(std::string(36, 'x')); !s) return fail(s.error());
    if (auto s = (*insert)->run(); !s) return fail(s.error());
    if (auto s = tx->commit(); !s) return fail(s.error());
    ms.push_back(ms_between(start, std::chrono::steady_clock::now()));
  }
  return percentile(ms, 0.5);
}

namespace {

struct SaleInputs {
  domain::CartConfig config;
  std::vector<domain::LineRequest> lines;
  std::vector<std::string> members;
};

Result<SaleInputs> sale_inputs(store::Replica& replica, std::int64_t now_ms) {
  auto& db = replica.db();
  store::CatalogRepository catalog(db);
  SaleInputs in;
  in.config.store = "0001";
  auto rates = catalog.tax_rates();
  if (!rates) return fail(rates.error());
  in.config.tax_rates = std::move(*rates);
  auto promotions = catalog.promotions_at(now_ms);
  if (!promotions) return fail(promotions.error());
  in.config.promotions = std::move(*promotions);
  std::vector<std::string> skus;
  {
    auto q = db.prepare(
        "SELECT sku FROM product WHERE sold_by = 'unit' AND active = 1 AND age_restricted = 0 ORDER BY sku "
        "LIMIT 400");
    if (!q) return fail(q.error());
    while (true) {
      auto row = q->step();
      if (!row) return fail(row.error());
      if (!*row) break;
      skus.push_back(q->get<std::string>(0));
    }
  }
  for (const auto& sku : skus) {
    auto line = catalog.resolve_sku(sku, 1, "0001", now_ms);
    if (line) in.lines.push_back(std::move(*line));
  }
  auto q = db.prepare("SELECT customer_id FROM customer ORDER BY customer_id LIMIT 200");
  if (!q) return fail(q.error());
  while (true) {
    auto row = q->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    in.members.push_back(q->get<std::string>(0));
  }
  if (in.lines.size() < 10) return fail(Errc::internal, "the demo catalog has fewer than 10 priced products");
  return in;
}

}  // namespace

Status make_demo_sales(store::Replica& replica, std::int64_t count, const Clock& clock) {
  auto& db = replica.db();
  const std::int64_t now = unix_millis(clock.now());
  store::DemoOptions demo;
  demo.now_ms = now;
  if (auto s = store::load_demo_data(db, demo); !s) return s;
  auto in = sale_inputs(replica, now);
  if (!in) return fail(in.error());
  if (auto s = db.exec("PRAGMA synchronous = OFF"); !s) return s;
  domain::fiscal::VerifactuRecorder recorder(domain::fiscal::AeatEnvironment::test);
  const store::SaleContext ctx{.store_code = "0001",
                               .device_code = "01",
                               .channel = store::Channel::pos,
                               .cashier_id = "cashier-1",
                               .shift_id = std::nullopt,
                               .issuer_tax_id = "B12345674",
                               .recorder = recorder,
                               .loyalty = {}};
  for (std::int64_t n = 0; n < count; ++n) {
    auto cart = domain::Cart::create("bench-" + std::to_string(n), in->config);
    if (!cart) return fail(cart.error());
    const auto lines = static_cast<std::size_t>(1 + (n * 7) % 10);
    for (std::size_t i = 0; i < lines; ++i) {
      domain::LineRequest line = in->lines[(static_cast<std::size_t>(n) * 13 + i * 31) % in->lines.size()];
      line.quantity = 1 + (n + static_cast<std::int64_t>(i)) % 3;
      if (auto s = cart->add_line(line, now); !s) return fail(s.error());
    }
    if (n % 4 == 0 && !in->members.empty()) {
      const auto& id = in->members[static_cast<std::size_t>(n / 4) % in->members.size()];
      if (auto s = cart->attach_customer({id, true}); !s) return fail(s.error());
    }
    if (auto s = cart->begin_tendering(now); !s) return fail(s.error());
    if (auto s = cart->pay_cash(cart->ledger()->remaining()); !s) return fail(s.error());
    auto sale = store::complete_sale(replica, *cart, ctx, clock);
    if (!sale) return fail(sale.error().with_context("demo sale " + std::to_string(n)));
  }
  return db.exec("PRAGMA synchronous = FULL");
}

std::filesystem::path program_dir() {
  if (const char* dir = std::getenv("STOREEDGE_BIN_DIR")) return dir;
  return std::filesystem::read_symlink("/proc/self/exe").parent_path();
}

HubProcess::HubProcess(std::filesystem::path dir) : dir_(std::move(dir)) {}

HubProcess::~HubProcess() {
  if (process_) (void)stop();
}

Status HubProcess::configure() {
  std::filesystem::create_directories(dir_);
  std::ofstream conf(dir_ / "hub.toml");
  conf << "[hub]\ndata_dir = \"data\"\n[http]\naddress = \"127.0.0.1\"\nport = 0\n[log]\nlevel = \"warn\"\n";
  if (!conf) return fail(Errc::io, "cannot write " + (dir_ / "hub.toml").string());
  return {};
}

Result<std::vector<std::string>> HubProcess::issue_tokens(std::string_view store_code, int count) {
  std::vector<std::string> tokens;
  for (int i = 0; i < count; ++i) {
    auto r = test::run_program(program_dir() / "storehub",
                               {"--config", (dir_ / "hub.toml").string(), "issue-token", "--store",
                                std::string(store_code), "--region", "north"},
                               dir_ / "issue-token");
    if (r.exit_code != 0) return fail(Errc::internal, "storehub issue-token failed: " + r.err);
    tokens.push_back(r.out.substr(0, r.out.find('\n')));
  }
  return tokens;
}

Status HubProcess::start() {
  const auto addr = dir_ / "data" / "storehub.addr";
  process_ = std::make_unique<test::Process>(
      program_dir() / "storehub", std::vector<std::string>{"--config", (dir_ / "hub.toml").string()},
      dir_ / "storehub");
  const bool up = test::eventually(
      [&] {
        std::ifstream in(addr);
        std::string text;
        if (!std::getline(in, text)) return !process_->running();
        const auto colon = text.rfind(':');
        if (colon == std::string::npos) return false;
        port_ = std::atoi(text.c_str() + colon + 1);
        return port_ != 0;
      },
      std::chrono::seconds(20));
  if (!up || port_ == 0) return fail(Errc::internal, "storehub did not start: " + process_->stderr_text());
  return {};
}

Status HubProcess::stop() {
  if (!process_) return {};
  process_->signal(SIGTERM);
  auto code = process_->wait_for(std::chrono::seconds(20));
  const std::string err = process_->stderr_text();
  process_.reset();
  if (!code || *code != 0) return fail(Errc::internal, "storehub did not stop cleanly: " + err);
  return {};
}

pid_t HubProcess::pid() const {
  return process_ ? process_->pid() : -1;
}

}  // namespace storeedge::bench
