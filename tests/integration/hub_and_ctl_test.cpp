// storehub and storectl as programs: help, version, serving, and the technician's status view.
#include <signal.h>

#include "tests/integration/daemon_fixture.hpp"

namespace storeedge::test {
namespace {

TEST(Storehub, VersionHelpAndMissingConfig) {
  TempDir dir;
  auto v = run_program(bin_dir() / "storehub", {"--version"}, dir / "v");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out.rfind("storehub ", 0), 0u) << v.out;
  auto h = run_program(bin_dir() / "storehub", {"--help"}, dir / "h");
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.out.find("--config"), std::string::npos);
  auto bad = run_program(bin_dir() / "storehub", {"--config", (dir / "none.toml").string()}, dir / "b");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("none.toml: configuration file not found"), std::string::npos) << bad.err;
}

TEST(Storehub, ServesHealthWithAStableEpochAndStopsOnSigterm) {
  TempDir dir;
  ASSERT_TRUE(write_file_atomically(dir / "hub.toml", "[hub]\ndata_dir = \"hubdata\"\n[http]\nport = 0\n"));
  std::string epoch;
  for (int round = 0; round < 2; ++round) {
    Process hub(bin_dir() / "storehub", {"--config", (dir / "hub.toml").string()},
                dir / ("hub" + std::to_string(round)));
    ASSERT_TRUE(
        eventually([&] { return published_port(dir / "hubdata" / "storehub.addr") != 0; }, kStartDeadline))
        << hub.stderr_text();
    auto r = http::request("127.0.0.1", published_port(dir / "hubdata" / "storehub.addr"), "GET", "/health");
    ASSERT_TRUE(r);
    auto body = boost::json::parse(r->body).as_object();
    EXPECT_EQ(body["program"], "storehub");
    if (round == 0) epoch = body["epoch"].as_string();
    EXPECT_EQ(body["epoch"].as_string(), epoch) << "the hub epoch changes only when its database is replaced";
    hub.signal(SIGTERM);
    auto code = hub.wait_for(std::chrono::seconds(10));
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, 0) << hub.stderr_text();
  }
}

TEST_F(EdgeDaemonTest, StorectlStatusShowsARunningDaemon) {
  start();
  auto r = run_program(bin_dir() / "storectl", {"status", "--config", config_path().string()}, dir_ / "ctl");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("storeedged: running (ok)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(std::string(health()["node_id"].as_string())), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("journal_mode=wal synchronous=full"), std::string::npos) << r.out;
}

TEST_F(EdgeDaemonTest, StorectlStatusReadsTheReplicaWhenTheDaemonIsDown) {
  start();
  const std::string node_id(health()["node_id"].as_string());
  daemon_->signal(SIGTERM);
  ASSERT_TRUE(daemon_->wait_for(std::chrono::seconds(10)));
  auto r = run_program(bin_dir() / "storectl", {"status", "--config", config_path().string()}, dir_ / "ctl");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.out.find("storeedged: not running"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(node_id), std::string::npos) << r.out;
}

TEST(Storectl, VersionAndUsage) {
  TempDir dir;
  auto v = run_program(bin_dir() / "storectl", {"--version"}, dir / "v");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out.rfind("storectl ", 0), 0u);
  auto none = run_program(bin_dir() / "storectl", {}, dir / "n");
  EXPECT_EQ(none.exit_code, 2);
}

}  // namespace
}  // namespace storeedge::test

namespace storeedge::test {
namespace {

TEST_F(EdgeDaemonTest, StorectlLoadsDemoDataOnlyWhileTheDaemonIsStopped) {
  start();
  const auto cfg = config_path().string();
  auto refused = run_program(bin_dir() / "storectl", {"load-demo-data", "--config", cfg}, dir_ / "demo1");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("in use by another process"), std::string::npos) << refused.err;

  daemon_->signal(SIGTERM);
  ASSERT_TRUE(daemon_->wait_for(std::chrono::seconds(10)));
  auto loaded = run_program(bin_dir() / "storectl", {"load-demo-data", "--config", cfg}, dir_ / "demo2");
  EXPECT_EQ(loaded.exit_code, 0) << loaded.err;
  EXPECT_NE(loaded.out.find("loaded store 0042"), std::string::npos) << loaded.out;

  auto again = run_program(bin_dir() / "storectl", {"load-demo-data", "--config", cfg}, dir_ / "demo3");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("catalog"), std::string::npos) << again.err;
  auto if_empty =
      run_program(bin_dir() / "storectl", {"load-demo-data", "--if-empty", "--config", cfg}, dir_ / "demo4");
  EXPECT_EQ(if_empty.exit_code, 0) << if_empty.err;
  EXPECT_NE(if_empty.out.find("already has a catalog"), std::string::npos);

  start("after-demo");
  EXPECT_EQ(health()["status"], "ok");
}

}  // namespace
}  // namespace storeedge::test
