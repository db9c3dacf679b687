// storehub over HTTPS with the real binaries: `storehub init-tls` makes the hub's CA and certificate,
// the hub serves HTTPS only, and a storeedged that trusts the CA (`[sync] ca_file`) delivers every
// sale exactly once. A till with the wrong CA says why in /health, keeps its sales queued, and
// delivers them once its configuration is fixed.
#include <signal.h>

#include <set>

#include "platform/sqlite/database.hpp"
#include "tests/integration/daemon_fixture.hpp"
#include "tests/support/https_get.hpp"

namespace storeedge::test {
namespace {

class TlsSyncTest : public EdgeDaemonTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(write_file_atomically(hub_config(), "[hub]\ndata_dir = \"hubdata\"\n[http]\nport = 0\n"));
    auto tls = run_program(bin_dir() / "storehub",
                           {"--config", hub_config().string(), "init-tls", "--host", "127.0.0.1"},
                           dir_ / "init-tls");
    ASSERT_EQ(tls.exit_code, 0) << tls.err;
    EXPECT_NE(tls.out.find("ca_file = \"" + hub_ca().string() + "\""), std::string::npos) << tls.out;
    // Relative paths: resolved against the configuration file's directory.
    ASSERT_TRUE(write_file_atomically(hub_config(),
                                      "[hub]\ndata_dir = \"hubdata\"\n[http]\nport = 0\n"
                                      "[tls]\ncert_file = \"hubdata/tls/server.pem\"\n"
                                      "key_file = \"hubdata/tls/server.key\"\n"));
    hub_ = std::make_unique<Process>(
        bin_dir() / "storehub", std::vector<std::string>{"--config", hub_config().string()}, dir_ / "hub");
    ASSERT_TRUE(
        eventually([&] { return published_port(hub_addr()) != 0 || !hub_->running(); }, kStartDeadline));
    ASSERT_TRUE(hub_->running()) << hub_->stderr_text();
    hub_port_ = published_port(hub_addr());

    auto token =
        run_program(bin_dir() / "storehub",
                    {"--config", hub_config().string(), "issue-token", "--store", "0042"}, dir_ / "token");
    ASSERT_EQ(token.exit_code, 0) << token.err;
    token_ = token.out.substr(0, token.out.find('\n'));
    write_edge_config("hubdata/tls/ca.pem");  // relative to the edge's configuration file
    auto demo = run_program(bin_dir() / "storectl", {"load-demo-data", "--config", config_path().string()},
                            dir_ / "demo");
    ASSERT_EQ(demo.exit_code, 0) << demo.err;
    auto db = sqlite::Database::open(data_dir() / "replica.db");
    ASSERT_TRUE(db);
    ean_ = demo_unit_ean(*db);
  }

  std::filesystem::path hub_config() const { return dir_ / "hub.toml"; }
  std::filesystem::path hub_addr() const { return dir_ / "hubdata" / "storehub.addr"; }
  std::filesystem::path hub_ca() const { return dir_ / "hubdata" / "tls" / "ca.pem"; }
  std::string hub_url() const { return "https://127.0.0.1:" + std::to_string(hub_port_); }

  void write_edge_config(const std::string& ca_file) {
    write_config(edge_config_text(data_dir()) + "[sync]\nhub_url = \"" + hub_url() + "\"\nca_file = \"" +
                 ca_file + "\"\nenrollment_token = \"" + token_ + "\"\ninterval_ms = 200\n");
  }

  void stop_edge() {
    daemon_->signal(SIGTERM);
    ASSERT_TRUE(daemon_->wait_for(std::chrono::seconds(10)));
  }

  boost::json::object sync_state() { return health()["sync"].as_object(); }

  std::set<std::string> sell(int count) { return sell_cash(ean_, count); }

  void expect_delivered_once(const std::set<std::string>& acknowledged) {
    hub_->signal(SIGTERM);
    ASSERT_TRUE(hub_->wait_for(std::chrono::seconds(10)));
    auto db = sqlite::Database::open(dir_ / "hubdata" / "hub.db");
    ASSERT_TRUE(db);
    const HubDelivery delivery = hub_delivery(*db, "0042", acknowledged);
    EXPECT_EQ(delivery.lost, 0u);
    EXPECT_EQ(delivery.duplicated, 0u);
    EXPECT_EQ(delivery.at_hub, acknowledged.size()) << "the hub has orders nobody sold";
  }

  // Until every sale made so far is pushed and the last round succeeded. /health shows the figures of
  // the last finished round, and the round under way may have read the outbox before the last sale:
  // only from the second round after now are the figures about every sale.
  void wait_until_drained() {
    const auto after = sync_state()["rounds"].as_int64() + 2;
    ASSERT_TRUE(eventually(
        [&] {
          auto s = sync_state();
          return s["rounds"].as_int64() >= after && s["enrolled"].as_bool() &&
                 s["pending_mutations"].as_int64() == 0 && s["state"] == "online";
        },
        std::chrono::seconds(60)))
        << boost::json::serialize(sync_state()) << "\n"
        << daemon_->stderr_text();
  }

  std::unique_ptr<Process> hub_;
  std::uint16_t hub_port_ = 0;
  std::string token_;
  std::string ean_;
};

TEST_F(TlsSyncTest, TheHubServesHttpsOnlyAndEverySaleArrivesOnce) {
  auto health = https_get(hub_url() + "/health", hub_ca());
  ASSERT_TRUE(health) << health.error().what();
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(boost::json::parse(health->body).as_object()["scheme"], "https") << health->body;
  EXPECT_FALSE(http::request("127.0.0.1", hub_port_, "GET", "/health", {}, std::chrono::seconds(2)))
      << "the hub answered plain HTTP on its HTTPS port";
  EXPECT_NE(hub_->stderr_text().find("listen=https://127.0.0.1:"), std::string::npos) << hub_->stderr_text();

  const auto cert_before = read_file(dir_ / "hubdata" / "tls" / "server.pem");
  auto again =
      run_program(bin_dir() / "storehub",
                  {"--config", hub_config().string(), "init-tls", "--host", "127.0.0.1"}, dir_ / "again");
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
  EXPECT_EQ(*read_file(dir_ / "hubdata" / "tls" / "server.pem"), *cert_before);

  start();
  const auto sold = sell(10);
  wait_until_drained();
  expect_delivered_once(sold);
}

TEST_F(TlsSyncTest, AWrongCaIsReportedSalesStayQueuedAndArriveOnceFixed) {
  start();
  auto sold = sell(1);
  wait_until_drained();

  // Another hub's CA, as after a botched CA replacement.
  ASSERT_TRUE(write_file_atomically(dir_ / "other.toml", "[hub]\ndata_dir = \"otherhub\"\n"));
  auto other = run_program(bin_dir() / "storehub",
                           {"--config", (dir_ / "other.toml").string(), "init-tls", "--host", "127.0.0.1"},
                           dir_ / "other-tls");
  ASSERT_EQ(other.exit_code, 0) << other.err;
  stop_edge();
  write_edge_config((dir_ / "otherhub" / "tls" / "ca.pem").string());
  start("edge-wrong-ca");
  const auto queued = sell(5);
  ASSERT_TRUE(eventually(
      [&] {
        auto s = sync_state();
        return s["rounds"].as_int64() >= 2 && s["pending_mutations"].as_int64() == 5 &&
               std::string_view(s["last_error"].as_string()).find("SSL certificate problem") !=
                   std::string_view::npos;
      },
      std::chrono::seconds(30)))
      << boost::json::serialize(sync_state());
  EXPECT_NE(sync_state()["state"], "online");

  stop_edge();
  write_edge_config(hub_ca().string());
  start("edge-fixed");
  wait_until_drained();
  sold.insert(queued.begin(), queued.end());
  expect_delivered_once(sold);
}

TEST(StorehubTlsConfig, AHalfTlsSectionOrAMissingFileStopsTheStartNamingIt) {
  TempDir dir;
  const auto config = dir / "hub.toml";
  ASSERT_TRUE(write_file_atomically(
      config, "[hub]\ndata_dir = \"d\"\n[http]\nport = 0\n[tls]\ncert_file = \"c.pem\"\n"));
  auto half = run_program(bin_dir() / "storehub", {"--config", config.string()}, dir / "half");
  EXPECT_EQ(half.exit_code, 2);
  EXPECT_NE(half.err.find("cert_file and key_file go together"), std::string::npos) << half.err;

  ASSERT_TRUE(write_file_atomically(
      config,
      "[hub]\ndata_dir = \"d\"\n[http]\nport = 0\n[tls]\ncert_file = \"c.pem\"\nkey_file = \"k.pem\"\n"));
  auto missing = run_program(bin_dir() / "storehub", {"--config", config.string()}, dir / "missing");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("TLS certificate file " + (dir / "c.pem").string() + ": No such file"),
            std::string::npos)
      << missing.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "d" / "storehub.addr"))
      << "a hub without its certificate must not serve";
}

}  // namespace
}  // namespace storeedge::test
