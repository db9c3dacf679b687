// The ways storeedged refuses to start, each with a message a technician can act on.
#include "platform/sqlite/database.hpp"
#include "tests/integration/daemon_fixture.hpp"

namespace storeedge::test {
namespace {

RunResult run_edge(const std::filesystem::path& config, const std::filesystem::path& log) {
  return run_program(bin_dir() / "storeedged", {"--config", config.string()}, log);
}

TEST_F(EdgeDaemonTest, SecondInstanceOnTheSameDataDirectoryIsRefused) {
  start();
  auto second = run_edge(config_path(), dir_ / "second");
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("is in use by another process (pid " + std::to_string(daemon_->pid()) + ")"),
            std::string::npos)
      << second.err;
  EXPECT_EQ(health()["status"], "ok") << "the first instance must keep serving";
}

TEST_F(EdgeDaemonTest, MalformedConfigExitsWithTwoNamingFileAndLine) {
  write_config("[node]\nstore_code = \"0042\"\ndevice_code = 7 7\n");
  auto r = run_edge(config_path(), dir_ / "bad");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(config_path().string() + ":3:"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(data_dir())) << "a refused start must not create anything";
}

TEST_F(EdgeDaemonTest, InvalidValueNamesTheKey) {
  write_config("[node]\nstore_code = \"42\"\n");
  auto r = run_edge(config_path(), dir_ / "bad");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("node.store_code: must be 4 digits, got \"42\""), std::string::npos) << r.err;
}

TEST_F(EdgeDaemonTest, NonLoopbackListenAddressIsRefused) {
  write_config("[http]\naddress = \"0.0.0.0\"\n");
  auto r = run_edge(config_path(), dir_ / "bad");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("http.address: must be a loopback address"), std::string::npos) << r.err;
}

TEST_F(EdgeDaemonTest, ReplicaNewerThanTheCodeIsRefusedAndLeftUntouched) {
  std::filesystem::create_directories(data_dir());
  {
    auto db = sqlite::Database::open(data_dir() / "replica.db");
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec("CREATE TABLE future (x INTEGER); PRAGMA user_version = 999;"));
  }
  write_config(edge_config_text(data_dir()));
  auto r = run_edge(config_path(), dir_ / "newer");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("newer than this build supports"), std::string::npos) << r.err;
  auto db = sqlite::Database::open(data_dir() / "replica.db");
  ASSERT_TRUE(db);
  EXPECT_EQ(*db->user_version(), 999);
}

TEST_F(EdgeDaemonTest, CorruptReplicaIsRefusedWithAClearError) {
  std::filesystem::create_directories(data_dir());
  std::ofstream(data_dir() / "replica.db") << std::string(8192, 'Z');
  write_config(edge_config_text(data_dir()));
  auto r = run_edge(config_path(), dir_ / "corrupt");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("replica.db"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("storeedged_start_failed"), std::string::npos) << r.err;
}

TEST(EdgeDaemonCli, VersionAndHelp) {
  TempDir dir;
  auto v = run_program(bin_dir() / "storeedged", {"--version"}, dir / "v");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out.rfind("storeedged ", 0), 0u) << v.out;
  auto h = run_program(bin_dir() / "storeedged", {"--help"}, dir / "h");
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.out.find("--config"), std::string::npos);
  auto missing = run_program(bin_dir() / "storeedged", {}, dir / "m");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("--config is required"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace storeedge::test
