// The sync fault matrix with the real binaries: storeedged -> FaultProxy -> storehub. Each case
// sells through the till's local API (collecting the order ids it acknowledged), injects a fault,
// lets the system recover, and compares what the till acknowledged with what the hub holds:
// lost = duplicated = unexpected = 0, nothing quarantined, and the till's outbox fully
// acknowledged. STOREEDGE_FAULT_ROUNDS raises the number of kill rounds for a longer soak.
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "platform/sqlite/database.hpp"
#include "sync/client/curl/curl_transport.hpp"
#include "sync/proto/codec.hpp"
#include "sync/proto/content_coding.hpp"
#include "sync/proto/version.hpp"
#include "sync/proto/zstd.hpp"
#include "tests/integration/daemon_fixture.hpp"
#include "tests/support/fault_proxy.hpp"

namespace storeedge::test {
namespace {

using namespace std::chrono_literals;
constexpr auto kRecoverDeadline = 45s;

sqlite::OpenOptions read_only() {
  sqlite::OpenOptions o;
  o.read_only = true;
  return o;
}

int fault_rounds(int fallback) {
  const char* env = std::getenv("STOREEDGE_FAULT_ROUNDS");
  const int n = env != nullptr ? std::atoi(env) : 0;
  return n > 0 ? std::min(n, 1000) : fallback;
}

constexpr const char* kAdminKey = "faults-hq-admin-key";

class SyncFaultsTest : public EdgeDaemonTest {
 protected:
  std::filesystem::path hub_config() const { return dir_ / "hub.toml"; }
  std::filesystem::path hub_dir() const { return dir_ / "hubdata"; }
  std::filesystem::path hub_addr() const { return hub_dir() / "storehub.addr"; }

  void SetUp() override {
    ASSERT_TRUE(
        write_file_atomically(hub_config(), std::string("[hub]\ndata_dir = \"hubdata\"\n[http]\nport = 0\n") +
                                                "[admin]\napi_keys = [\"" + kAdminKey + "\"]\n"));
    auto token = storehub({"issue-token", "--store", "0042"}, "token");
    ASSERT_EQ(token.exit_code, 0) << token.err;
    start_hub();
    proxy_ = std::make_unique<FaultProxy>(hub_port_);
    write_config(edge_config_text(data_dir()) +
                 "[sync]\nhub_url = \"http://127.0.0.1:" + std::to_string(proxy_->port()) +
                 "\"\nenrollment_token = \"" + token.out.substr(0, token.out.find('\n')) +
                 "\"\ninterval_ms = 100\nrequest_timeout_ms = 1000\nbackoff_max_ms = 300\n");
    auto demo = run_program(bin_dir() / "storectl", {"load-demo-data", "--config", config_path().string()},
                            dir_ / "demo");
    ASSERT_EQ(demo.exit_code, 0) << demo.err;
    auto db = sqlite::Database::open(data_dir() / "replica.db");
    ASSERT_TRUE(db);
    ean_ = demo_unit_ean(*db);
  }

  RunResult storehub(std::vector<std::string> args, const std::string& name) {
    args.insert(args.begin(), {"--config", hub_config().string()});
    return run_program(bin_dir() / "storehub", std::move(args), dir_ / name);
  }

  void start_hub() {
    std::error_code ec;
    std::filesystem::remove(hub_addr(), ec);  // a killed hub leaves its address behind
    hub_ = std::make_unique<Process>(bin_dir() / "storehub",
                                     std::vector<std::string>{"--config", hub_config().string()},
                                     dir_ / ("hub" + std::to_string(hub_starts_++)));
    ASSERT_TRUE(
        eventually([&] { return published_port(hub_addr()) != 0 || !hub_->running(); }, kStartDeadline))
        << hub_->stderr_text();
    ASSERT_TRUE(hub_->running()) << hub_->stderr_text();
    hub_port_ = published_port(hub_addr());
    if (proxy_) proxy_->set_upstream(hub_port_);
  }
  void stop_hub(int sig) {
    hub_->signal(sig);
    ASSERT_TRUE(hub_->wait_for(10s));
  }

  void start_edge() {
    std::error_code ec;
    std::filesystem::remove(address_file(), ec);
    start("edge" + std::to_string(edge_starts_++));
  }
  void kill_edge() {
    daemon_->signal(SIGKILL);
    ASSERT_TRUE(daemon_->wait_for(10s));
  }

  // `n` cash sales through the local API; the ids of those the till acknowledged join acked_.
  void sell(int n) { acked_.merge(sell_cash(ean_, n)); }

  // Sells one sale at a time until every fault rule was met (each pending sale makes a push);
  // bounded, and the caller checks rules_left().
  void sell_until_faults_met() {
    for (int i = 0; i < 20 && proxy_->rules_left() > 0; ++i) {
      sell(1);
      eventually([&] { return edge_pending() == 0; }, 5s);
    }
  }

  // Every order of the store at the hub, with repeats (read-only; the hub may be running).
  std::multiset<std::string> hub_orders() {
    std::multiset<std::string> out;
    auto db = sqlite::Database::open(hub_dir() / "hub.db", read_only());
    if (!db) return out;
    auto rows = db->prepare("SELECT order_id FROM hub_order WHERE store_code = '0042'");
    if (!rows) return out;
    while (true) {
      auto more = rows->step();
      if (!more || !*more) break;
      out.insert(rows->column_text(0));
    }
    return out;
  }
  std::int64_t edge_pending() {
    auto db = sqlite::Database::open(data_dir() / "replica.db", read_only());
    if (!db) return -1;
    auto n = db->query_one<std::int64_t>("SELECT COUNT(*) FROM outbox WHERE acked_at_ms IS NULL");
    return n && *n ? **n : -1;
  }

  // Waits until the hub holds as many orders as the till acknowledged and the till's outbox is
  // acknowledged, then compares them id by id.
  void expect_exactly_once(const std::string& what) {
    const bool settled = eventually(
        [&] { return hub_orders().size() >= acked_.size() && edge_pending() == 0; }, kRecoverDeadline);
    const auto at_hub = hub_orders();
    std::size_t lost = 0, duplicated = 0, unexpected = 0;
    for (const auto& id : acked_) {
      const auto n = at_hub.count(id);
      lost += n == 0 ? 1u : 0u;
      duplicated += n > 1 ? n - 1 : 0u;
    }
    for (const auto& id : at_hub) unexpected += acked_.contains(id) ? 0u : 1u;
    EXPECT_TRUE(settled) << what << ": not settled; hub has " << at_hub.size() << " of " << acked_.size()
                         << ", till pending " << edge_pending() << "\n"
                         << daemon_->stderr_text();
    EXPECT_EQ(lost, 0u) << what;
    EXPECT_EQ(duplicated, 0u) << what;
    EXPECT_EQ(unexpected, 0u) << what;
    EXPECT_EQ(edge_pending(), 0) << what << ": the till's outbox is not fully acknowledged";
    auto db = sqlite::Database::open(hub_dir() / "hub.db", read_only());
    ASSERT_TRUE(db);
    EXPECT_EQ(**db->query_one<std::int64_t>("SELECT COUNT(*) FROM quarantine"), 0) << what;
  }

  std::unique_ptr<Process> hub_;
  std::uint16_t hub_port_ = 0;
  int hub_starts_ = 0;
  int edge_starts_ = 0;
  std::unique_ptr<FaultProxy> proxy_;
  std::string ean_;
  std::set<std::string> acked_;
};

TEST_F(SyncFaultsTest, HubCommitsThenItsReplyIsLost) {
  proxy_->add_rule({.fault = ProxyFault::drop_reply, .path = "/sync/v1/push", .times = 3});
  start_edge();
  sell(12);
  expect_exactly_once("dropped push replies");
  EXPECT_EQ(proxy_->applied(ProxyFault::drop_reply), 3);
}

// docs/protocol.md, "Transport": the real hub says it reads zstd, the till then sends zstd, and a
// body in a coding the hub does not read, or that does not decode, is refused and changes nothing.
TEST_F(SyncFaultsTest, TheTillSendsZstdToTheRealHubWhichRefusesCodingsItCannotRead) {
  start_edge();
  sell(12);
  expect_exactly_once("zstd request bodies");
  EXPECT_GT(proxy_->requests_in("zstd"), 0) << "gzip: " << proxy_->requests_in("gzip");

  sync::client::CurlOptions o;
  o.base_url = "http://127.0.0.1:" + std::to_string(hub_port_);
  auto direct = sync::client::CurlTransport::create(o);
  ASSERT_TRUE(direct) << direct.error().what();
  const auto before = hub_orders();
  auto br = (*direct)->post("/sync/v1/push", "irrelevant", {{"Content-Encoding", "br"}});
  ASSERT_TRUE(br) << br.error().what();
  EXPECT_EQ(br->status, 415);
  EXPECT_EQ(br->accept_encoding, sync::proto::kHubAcceptEncoding);
  EXPECT_NE(br->body.find("'br'"), std::string::npos) << br->body;
  auto bad = (*direct)->post("/sync/v1/push", "not a zstd frame", {{"Content-Encoding", "zstd"}});
  ASSERT_TRUE(bad) << bad.error().what();
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("zstd body"), std::string::npos) << bad->body;
  // The hub decompresses a push's body before its handler authenticates it (the io thread prepares
  // the next push while one applies): a well-formed push without a signature is still refused.
  sync::proto::PushRequest unsigned_push;
  unsigned_push.set_protocol_version(sync::proto::kProtocolVersion);
  unsigned_push.set_node_id("not-enrolled");
  auto* m = unsigned_push.add_mutations();
  m->set_node_id("not-enrolled");
  m->set_mutation_id(1);
  m->set_kind("order.completed");
  m->set_payload(R"({"order_id":"forged"})");
  auto encoded = sync::proto::encode(unsigned_push);
  ASSERT_TRUE(encoded) << encoded.error().what();
  auto packed = sync::proto::zstd_compress(*encoded);
  ASSERT_TRUE(packed) << packed.error().what();
  auto forged = (*direct)->post("/sync/v1/push", *packed, {{"Content-Encoding", "zstd"}});
  ASSERT_TRUE(forged) << forged.error().what();
  EXPECT_EQ(forged->status, 401) << forged->body;
  EXPECT_EQ(hub_orders(), before);
}

// A queue drained in many small batches (push_batch = 3), so the relay keeps two pushes in flight on
// two connections, while the proxy drops, delays and resets some of them: the one hit may be the
// batch sent early, which then overtakes nothing or is refused, and is sent again.
TEST_F(SyncFaultsTest, AQueueDrainedWithTwoPushesInFlightThroughFaultsArrivesOnce) {
  std::stringstream config;
  config << std::ifstream(config_path()).rdbuf();
  write_config(config.str() + "push_batch = 3\n");  // the [sync] section is the last one
  proxy_->add_rule({.fault = ProxyFault::reset, .path = "/sync/v1/push", .times = -1});
  start_edge();
  sell(30);  // queued: every push is refused for now
  proxy_->clear_rules();
  proxy_->add_rule({.fault = ProxyFault::drop_reply, .path = "/sync/v1/push", .times = 2});
  proxy_->add_rule({.fault = ProxyFault::delay_reply, .path = "/sync/v1/push", .times = 2, .delay = 150ms});
  proxy_->add_rule({.fault = ProxyFault::reset, .path = "/sync/v1/push", .times = 2});
  expect_exactly_once("two pushes in flight through faults");
  EXPECT_EQ(proxy_->rules_left(), 0u) << "every fault was met";
}

TEST_F(SyncFaultsTest, TruncatedAndCorruptRepliesAreRetried) {
  proxy_->add_rule({.fault = ProxyFault::truncate_reply, .path = "/sync/v1/push", .times = 2});
  proxy_->add_rule({.fault = ProxyFault::corrupt_reply, .path = "/sync/v1/push", .times = 2});
  proxy_->add_rule({.fault = ProxyFault::truncate_reply, .path = "/sync/v1/pull", .times = 1});
  proxy_->add_rule({.fault = ProxyFault::corrupt_reply, .path = "/sync/v1/pull", .times = 1});
  start_edge();
  sell(8);
  sell_until_faults_met();
  expect_exactly_once("truncated and corrupt replies");
  EXPECT_EQ(proxy_->rules_left(), 0u) << "every fault was met";
}

TEST_F(SyncFaultsTest, ASlowHubOutlastsTheClientTimeoutOnceThenAnswers) {
  // 1.5 s > request_timeout_ms = 1000: the till gives up on a push the hub has committed.
  proxy_->add_rule({.fault = ProxyFault::delay_reply, .path = "/sync/v1/push", .times = 1, .delay = 1500ms});
  start_edge();
  sell(8);
  expect_exactly_once("slow hub");
  EXPECT_EQ(proxy_->applied(ProxyFault::delay_reply), 1);
}

TEST_F(SyncFaultsTest, RefusedConnectionsThenRecovery) {
  proxy_->add_rule({.fault = ProxyFault::reset, .times = 5});
  start_edge();
  sell(6);
  expect_exactly_once("reset connections");
  EXPECT_EQ(proxy_->applied(ProxyFault::reset), 5);
}

TEST_F(SyncFaultsTest, HubKilledDuringPushesAndRestarted) {
  start_edge();
  const int rounds = fault_rounds(2);
  std::mt19937 random(4242);
  for (int round = 0; round < rounds; ++round) {
    if (round % 2 == 0) {
      // A push is on its way to the hub when the hub dies: the till never gets an answer.
      proxy_->add_rule(
          {.fault = ProxyFault::delay_request, .path = "/sync/v1/push", .times = 1, .delay = 400ms});
      const auto before = proxy_->applied(ProxyFault::delay_request);
      sell(6);
      ASSERT_TRUE(eventually([&] { return proxy_->applied(ProxyFault::delay_request) > before; }, 20s));
    } else {
      // At a random moment while pushes flow: the hub may die inside a push's transaction.
      sell(6);
      std::this_thread::sleep_for(std::chrono::milliseconds(random() % 200));
    }
    stop_hub(SIGKILL);
    sell(3);  // the till keeps selling while the hub is down
    proxy_->clear_rules();
    start_hub();
  }
  expect_exactly_once("hub killed during pushes");
}

TEST_F(SyncFaultsTest, TillKilledBetweenCommitAndPushAndBetweenPushAndAck) {
  start_edge();
  std::mt19937 random(20261201);
  const int rounds = fault_rounds(3);
  for (int round = 0; round < rounds; ++round) {
    if (round % 2 == 0) {
      // Between push and acknowledgement: the hub has committed the batch, the till dies waiting.
      proxy_->add_rule(
          {.fault = ProxyFault::delay_reply, .path = "/sync/v1/push", .times = 1, .delay = 800ms});
      const auto before = proxy_->applied(ProxyFault::delay_reply);
      sell(5);
      ASSERT_TRUE(eventually([&] { return proxy_->applied(ProxyFault::delay_reply) > before; }, 20s));
      std::this_thread::sleep_for(std::chrono::milliseconds(100 + random() % 300));
    } else {
      // Between commit and push: killed at a random moment right after the sales committed.
      sell(5);
      std::this_thread::sleep_for(std::chrono::milliseconds(random() % 150));
    }
    kill_edge();
    proxy_->clear_rules();
    start_edge();
  }
  sell(2);
  expect_exactly_once("till killed while draining");
}

TEST_F(SyncFaultsTest, HubRestoredFromAnOlderBackupGetsWhatItLostFromTheTill) {
  start_edge();
  sell(6);
  expect_exactly_once("before the backup");
  const auto backup = dir_ / "hub-backup.db";
  auto saved = storehub({"backup", "--to", backup.string()}, "backup");
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  sell(6);
  expect_exactly_once("after the backup");

  auto refused = storehub({"restore", "--from", backup.string()}, "restore-running");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("stop storehub first"), std::string::npos) << refused.err;

  stop_hub(SIGTERM);
  auto restored = storehub({"restore", "--from", backup.string()}, "restore");
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  EXPECT_EQ(hub_orders().size(), 6u) << "the restored hub has only what the backup had";
  start_hub();
  // Nothing is pending at the till: only the epoch change can tell it that the hub lost 6 sales.
  expect_exactly_once("after the restore");
  sell(3);
  expect_exactly_once("selling after the restore");
}

// A till whose replica is restored from an older backup mints mutation ids the hub already holds.
// The hub compares content, refuses them with NODE_REWOUND and flags the node; the till renumbers
// them above the hub's watermark. Every sale it acknowledged before and after the restore is at the
// hub exactly once (the sales between backup and restore were already there).
TEST_F(SyncFaultsTest, TillRestoredFromAnOlderBackupLosesNoSaleItAcknowledged) {
  start_edge();
  sell(4);
  expect_exactly_once("before the till's backup");
  const auto backup = dir_ / "replica-backup.db";
  {
    auto live = sqlite::Database::open(data_dir() / "replica.db");  // online, as a nightly job does
    ASSERT_TRUE(live) << live.error().what();
    auto saved = live->backup_to(backup);
    ASSERT_TRUE(saved) << saved.error().what();
  }
  sell(5);
  expect_exactly_once("after the till's backup");

  daemon_->signal(SIGTERM);
  ASSERT_TRUE(daemon_->wait_for(10s));
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ec;
    std::filesystem::remove(data_dir() / ("replica.db" + std::string(suffix)), ec);
  }
  std::filesystem::copy_file(backup, data_dir() / "replica.db");
  start_edge();
  sell(3);  // under ids 5, 6, 7 again: the hub holds other sales there
  expect_exactly_once("after the till's restore");
  sell(2);
  expect_exactly_once("selling on after the renumbering");

  // The renumbered sales follow the hub's watermark (9 before the restore) in the till's outbox.
  auto replica = sqlite::Database::open(data_dir() / "replica.db", read_only());
  ASSERT_TRUE(replica);
  EXPECT_EQ(**replica->query_one<std::int64_t>("SELECT MAX(mutation_id) FROM outbox"), 14);
  EXPECT_EQ(
      **replica->query_one<std::int64_t>("SELECT COUNT(*) FROM outbox WHERE mutation_id BETWEEN 5 AND 9"), 0);

  // The hub shows the node to a technician.
  EXPECT_EQ(http::request("127.0.0.1", hub_port_, "GET", "/admin/v1/nodes")->status, 401)
      << "not without the key";
  auto nodes = http::request("127.0.0.1", hub_port_, "GET", "/admin/v1/nodes", {}, std::chrono::seconds(5),
                             "application/json", {{"Authorization", std::string("Bearer ") + kAdminKey}});
  ASSERT_TRUE(nodes && nodes->status == 200) << (nodes ? nodes->body : nodes.error().what());
  const auto list = boost::json::parse(nodes->body).as_object().at("nodes").as_array();
  ASSERT_EQ(list.size(), 1u);
  const auto& rewound = list[0].as_object().at("rewound");
  ASSERT_TRUE(rewound.is_object()) << nodes->body;
  EXPECT_EQ(rewound.as_object().at("mutation_id").as_int64(), 5);
  EXPECT_NE(boost::json::serialize(rewound).find("restored from an older backup"), std::string::npos);
}

}  // namespace
}  // namespace storeedge::test
