// SIGHUP: what can change live changes, a broken file changes nothing.
#include <signal.h>

#include "tests/integration/daemon_fixture.hpp"

namespace storeedge::test {
namespace {

TEST_F(EdgeDaemonTest, SighupAppliesNewLogLevel) {
  start();
  EXPECT_EQ(health()["config"].as_object()["log_level"], "info");
  write_config(edge_config_text(data_dir(), "debug"));
  daemon_->signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return health()["config"].as_object()["reloads"].as_int64() == 1; },
                         std::chrono::seconds(10)));
  auto cfg = health()["config"].as_object();
  EXPECT_EQ(cfg["log_level"], "debug");
  EXPECT_TRUE(cfg["last_reload_error"].is_null());
  EXPECT_TRUE(daemon_->running());
}

TEST_F(EdgeDaemonTest, SighupWithABrokenFileKeepsThePreviousConfiguration) {
  start();
  write_config("[log]\nlevel = \"chatty\"\n");
  daemon_->signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return !health()["config"].as_object()["last_reload_error"].is_null(); },
                         std::chrono::seconds(10)));
  auto cfg = health()["config"].as_object();
  EXPECT_EQ(cfg["reloads"].as_int64(), 0);
  EXPECT_EQ(cfg["log_level"], "info");
  EXPECT_NE(std::string(cfg["last_reload_error"].as_string()).find("log.level: must be one of"),
            std::string::npos);
  EXPECT_TRUE(daemon_->running());
}

TEST_F(EdgeDaemonTest, SighupReportsSettingsThatNeedARestart) {
  start();
  write_config(edge_config_text(data_dir()) + "[database]\nbusy_timeout_ms = 100\n");
  std::string text = edge_config_text(data_dir());
  text.replace(text.find("\"07\""), 4, "\"08\"");
  write_config(text);
  daemon_->signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return health()["config"].as_object()["reloads"].as_int64() == 1; },
                         std::chrono::seconds(10)));
  EXPECT_EQ(health()["device_code"], "07") << "the device code must not change under a running daemon";
  EXPECT_TRUE(eventually(
      [&] { return daemon_->stderr_text().find("config_reload_needs_restart") != std::string::npos; },
      std::chrono::seconds(5)));
}

}  // namespace
}  // namespace storeedge::test
