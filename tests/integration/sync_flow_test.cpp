// Flow 1 of the sync issue with the real binaries: the hub is down, the till keeps selling, the hub
// comes back, and every acknowledged sale arrives exactly once.
#include <signal.h>

#include <set>

#include "platform/sqlite/database.hpp"
#include "tests/integration/daemon_fixture.hpp"

namespace storeedge::test {
namespace {

class SyncFlowTest : public EdgeDaemonTest {
 protected:
  std::filesystem::path hub_config() const { return dir_ / "hub.toml"; }
  std::filesystem::path hub_addr() const { return dir_ / "hubdata" / "storehub.addr"; }

  void write_hub_config(std::uint16_t port) {
    ASSERT_TRUE(write_file_atomically(
        hub_config(), "[hub]\ndata_dir = \"hubdata\"\n[http]\nport = " + std::to_string(port) + "\n"));
  }

  std::unique_ptr<Process> start_hub(const std::string& name) {
    auto hub = std::make_unique<Process>(
        bin_dir() / "storehub", std::vector<std::string>{"--config", hub_config().string()}, dir_ / name);
    EXPECT_TRUE(eventually([&] { return published_port(hub_addr()) != 0; }, kStartDeadline))
        << hub->stderr_text();
    return hub;
  }
};

TEST_F(SyncFlowTest, SalesMadeWhileTheHubIsDownArriveExactlyOnce) {
  constexpr int kSales = 40;
  // Learn a free port for the hub, then stop it: the till must start without it.
  write_hub_config(0);
  std::uint16_t hub_port = 0;
  {
    auto hub = start_hub("hub-probe");
    hub_port = published_port(hub_addr());
    hub->signal(SIGTERM);
    ASSERT_TRUE(hub->wait_for(std::chrono::seconds(10)));
  }
  write_hub_config(hub_port);
  auto token =
      run_program(bin_dir() / "storehub",
                  {"--config", hub_config().string(), "issue-token", "--store", "0042"}, dir_ / "token");
  ASSERT_EQ(token.exit_code, 0) << token.err;
  const std::string one_time = token.out.substr(0, token.out.find('\n'));

  write_config(edge_config_text(data_dir()) + "[sync]\nhub_url = \"http://127.0.0.1:" +
               std::to_string(hub_port) + "\"\nenrollment_token = \"" + one_time + "\"\ninterval_ms = 200\n");
  auto demo = run_program(bin_dir() / "storectl", {"load-demo-data", "--config", config_path().string()},
                          dir_ / "demo");
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  std::string ean;
  {
    auto db = sqlite::Database::open(data_dir() / "replica.db");
    ASSERT_TRUE(db);
    ean = demo_unit_ean(*db);
  }
  start();

  const std::set<std::string> acknowledged = sell_cash(ean, kSales);
  ASSERT_EQ(acknowledged.size(), static_cast<std::size_t>(kSales));
  EXPECT_EQ(health()["sync"].as_object()["enrolled"], false) << "the hub is down: nothing can enroll yet";

  auto hub = start_hub("hub");
  ASSERT_TRUE(eventually(
      [&] {
        auto sync = health()["sync"].as_object();
        return sync["enrolled"].as_bool() && sync["pending_mutations"].as_int64() == 0;
      },
      std::chrono::seconds(60)))
      << boost::json::serialize(health()["sync"]) << "\n"
      << daemon_->stderr_text();

  hub->signal(SIGTERM);
  ASSERT_TRUE(hub->wait_for(std::chrono::seconds(10)));
  auto db = sqlite::Database::open(dir_ / "hubdata" / "hub.db");
  ASSERT_TRUE(db);
  const HubDelivery delivery = hub_delivery(*db, "0042", acknowledged);
  EXPECT_EQ(delivery.lost, 0u);
  EXPECT_EQ(delivery.duplicated, 0u);
  EXPECT_EQ(delivery.unexpected, 0u);
  EXPECT_EQ(**db->query_one<std::int64_t>("SELECT COUNT(*) FROM quarantine"), 0);
}

}  // namespace
}  // namespace storeedge::test
