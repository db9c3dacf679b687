// The sale that is never lost: a child completes sales in a loop and acknowledges each one (fsynced
// order id) only after complete_sale returned; we SIGKILL it at random moments, restart it, and after
// every kill check that every acknowledged sale is there and whole, that no partial sale exists, that
// the audit and fiscal chains verify and that SQLite's integrity check passes.
// STOREEDGE_CRASH_KILLS raises the number of kills (default 200) for a soak.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "edge/domain/fiscal/verifactu_recorder.hpp"
#include "edge/store/fiscal_rows.hpp"
#include "edge/store/journal.hpp"
#include "edge/store/replica.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace storeedge::store {
namespace {

int kills_wanted() {
  const char* env = std::getenv("STOREEDGE_CRASH_KILLS");
  const int n = env ? std::atoi(env) : 0;
  return n > 0 ? n : 200;
}

// Complete lines only: a kill may cut the last one short before its fsync returned.
std::vector<std::string> acknowledged(const std::filesystem::path& file) {
  std::vector<std::string> ids;
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t start = 0;
  for (std::size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
    ids.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return ids;
}

std::int64_t scalar(sqlite::Database& db, const std::string& sql) {
  auto v = db.query_one<std::int64_t>(sql);
  EXPECT_TRUE(v) << sql << ": " << v.error().what();
  return v ? v->value_or(-1) : -1;
}

// Orders that miss a part or whose parts disagree: must always be zero.
const char* const kPartialChecks[] = {
    "SELECT COUNT(*) FROM sales_order o WHERE NOT EXISTS (SELECT 1 FROM order_line l WHERE l.order_id = "
    "o.order_id)",
    "SELECT COUNT(*) FROM sales_order o WHERE NOT EXISTS (SELECT 1 FROM order_tender t WHERE t.order_id = "
    "o.order_id)",
    // Tables without an index on the order id are grouped once rather than scanned per order.
    "SELECT COUNT(*) FROM sales_order o LEFT JOIN (SELECT order_id, COUNT(*) AS n FROM stock_move GROUP BY "
    "order_id) m USING (order_id) WHERE COALESCE(m.n, 0) = 0",
    "SELECT COUNT(*) FROM sales_order o LEFT JOIN (SELECT order_id, COUNT(*) AS n FROM fiscal_record GROUP "
    "BY "
    "order_id) f USING (order_id) WHERE COALESCE(f.n, 0) != 1",
    "SELECT COUNT(*) FROM sales_order o LEFT JOIN (SELECT entity_id, COUNT(*) AS n FROM outbox GROUP BY "
    "entity_id) x ON x.entity_id = o.order_id WHERE COALESCE(x.n, 0) != 1",
    "SELECT COUNT(*) FROM sales_order o LEFT JOIN (SELECT subject, COUNT(*) AS n FROM audit_log GROUP BY "
    "subject) a ON a.subject = o.order_id WHERE COALESCE(a.n, 0) != 1",
    "SELECT COUNT(*) FROM sales_order o WHERE o.total_cents != (SELECT SUM(net_cents) FROM order_line l "
    "WHERE l.order_id = o.order_id) OR o.total_cents != (SELECT SUM(amount_cents) FROM order_tender t "
    "WHERE t.order_id = o.order_id)",
    "SELECT COUNT(*) FROM sales_order o JOIN fiscal_record f USING (order_id) WHERE f.total_cents != "
    "o.total_cents",
    "SELECT COUNT(*) FROM fiscal_record f WHERE NOT EXISTS (SELECT 1 FROM sales_order o WHERE o.order_id = "
    "f.order_id)",
    "SELECT COUNT(*) FROM outbox x WHERE NOT EXISTS (SELECT 1 FROM sales_order o WHERE o.order_id = "
    "x.entity_id)",
    "SELECT (SELECT COUNT(*) FROM sales_order) - COALESCE((SELECT next_number - 1 FROM receipt_series), 0)",
    "SELECT (SELECT COUNT(*) FROM outbox) - COALESCE((SELECT MAX(mutation_id) FROM outbox), 0)",
    // Every queued mutation has its payload, and no payload is without its mutation.
    "SELECT COUNT(*) FROM outbox x LEFT JOIN outbox_payload p USING (mutation_id) WHERE p.payload IS NULL",
    "SELECT COUNT(*) FROM outbox_payload p WHERE NOT EXISTS (SELECT 1 FROM outbox x WHERE x.mutation_id = "
    "p.mutation_id)",
};

void check_after_kill(const std::filesystem::path& db_path, const std::vector<std::string>& acks, int kill) {
  SCOPED_TRACE("after kill " + std::to_string(kill));
  ManualClock clock;
  auto replica = Replica::open(db_path, clock);
  ASSERT_TRUE(replica) << replica.error().what();
  sqlite::Database& db = replica->db();
  ASSERT_TRUE(db.integrity_check());
  for (const char* sql : kPartialChecks) EXPECT_EQ(scalar(db, sql), 0) << sql;
  for (const std::string& id : acks) {
    auto lines = db.query_one<std::int64_t>("SELECT COUNT(*) FROM order_line WHERE order_id = ?", id);
    ASSERT_TRUE(lines);
    auto order = db.query_one<std::int64_t>("SELECT COUNT(*) FROM sales_order WHERE order_id = ?", id);
    ASSERT_TRUE(order);
    ASSERT_EQ(**order, 1) << "acknowledged sale " << id << " is missing";
    ASSERT_GE(**lines, 3) << "acknowledged sale " << id << " lost lines";
  }
  auto audit = verify_audit_chain(db);
  EXPECT_TRUE(audit) << audit.error().what();
  auto chain = read_fiscal_chain(db);
  ASSERT_TRUE(chain) << chain.error().what();
  domain::fiscal::VerifactuRecorder recorder(domain::fiscal::AeatEnvironment::test);
  auto fiscal = recorder.verify_chain(*chain);
  EXPECT_TRUE(fiscal) << fiscal.error().what();
}

TEST(SaleCrash, EveryAcknowledgedSaleSurvivesSigkillWholeAndNoPartialSaleExists) {
  test::TempDir dir{"sale-crash"};
  const auto db_path = dir / "replica.db";
  const auto ack_path = dir / "acks.txt";
  const auto child = test::bin_dir() / "sale_crash_child";
  const int kills = kills_wanted();
  std::mt19937 rng(std::random_device{}());
  // Calibration, which is also the first kill: how long this machine and build (ASan is several times
  // slower, a loaded CI runner more) take from the child's start to its first acknowledged sale. Kill
  // moments are then drawn up to twice that plus a margin, so they fall during start-up, migrations
  // and commits alike whatever the speed, and some sales are always acknowledged.
  int first_ack_ms = 0;
  {
    const auto start = std::chrono::steady_clock::now();
    test::Process p(child, {db_path.string(), ack_path.string(), "01"}, dir / "child");
    const bool acked = test::eventually([&] { return !acknowledged(ack_path).empty() || !p.running(); },
                                        std::chrono::seconds(30));
    first_ack_ms = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
            .count());
    ASSERT_TRUE(acked && p.running()) << "the child acknowledged no sale within 30 s: " << p.stderr_text();
    p.signal(SIGKILL);
    ASSERT_TRUE(p.wait_for(std::chrono::seconds(5))) << "child did not die";
  }
  const int max_delay_ms = std::max(60, 2 * first_ack_ms + 20);
  std::uniform_int_distribution<int> delay_ms(3, max_delay_ms);
  // Bounded in time too: room for each kill's delay plus the restart and checks, at least a minute.
  // The checks read every sale so far, so the later kills take longer, and under ctest -j2 the other
  // tests share the cores: a second per kill (64 s alone for 200 kills, up to ~165 s beside them).
  const auto deadline =
      std::chrono::steady_clock::now() +
      std::chrono::milliseconds(std::max(60'000 + 250 * kills, kills * (max_delay_ms + 1000)));

  int done = 1;
  std::size_t last_acks = acknowledged(ack_path).size();
  check_after_kill(db_path, acknowledged(ack_path), done);
  if (::testing::Test::HasFatalFailure() || ::testing::Test::HasNonfatalFailure()) return;
  for (; done < kills && std::chrono::steady_clock::now() < deadline; ++done) {
    {
      test::Process p(child, {db_path.string(), ack_path.string(), "01"}, dir / "child");
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
      if (!p.running()) FAIL() << "child exited early: " << p.stderr_text();
      p.signal(SIGKILL);
      ASSERT_TRUE(p.wait_for(std::chrono::seconds(5))) << "child did not die";
    }
    const auto acks = acknowledged(ack_path);
    ASSERT_GE(acks.size(), last_acks);
    last_acks = acks.size();
    check_after_kill(db_path, acks, done + 1);
    if (::testing::Test::HasFatalFailure() || ::testing::Test::HasNonfatalFailure()) return;
  }
  // A machine loaded far beyond CI (other builds beside ctest -j2) may run out of time: every kill
  // made was checked in full; a quarter of them is still a real test, fewer is not.
  EXPECT_GE(done, std::max(1, kills / 4)) << "ran out of time after " << done << " of " << kills << " kills";
  if (done < kills) std::printf("crash: out of time after %d of %d kills\n", done, kills);
  EXPECT_GT(last_acks, 0u) << "no sale was ever acknowledged: the delays are too short to test anything";
  std::printf("crash: %d kills, %zu acknowledged sales, first ack after %d ms\n", done, last_acks,
              first_ack_ms);
}

}  // namespace
}  // namespace storeedge::store
