// storeedged as a technician and systemd see it: start, /health, stop on SIGTERM/SIGINT, restart.
#include <signal.h>

#include "tests/integration/daemon_fixture.hpp"

namespace storeedge::test {
namespace {

TEST_F(EdgeDaemonTest, ServesHealthOnLoopbackAndStopsCleanlyOnSigterm) {
  start();
  auto h = health();
  EXPECT_EQ(h["status"], "ok");
  EXPECT_EQ(h["program"], "storeedged");
  EXPECT_EQ(h["store_code"], "0042");
  EXPECT_EQ(h["device_code"], "07");
  EXPECT_EQ(h["node_id"].as_string().size(), 36u);
  EXPECT_GE(h["schema_version"].as_int64(), 1);
  EXPECT_EQ(h["database"].as_object()["journal_mode"], "wal");
  EXPECT_EQ(h["database"].as_object()["synchronous"], "full");

  daemon_->signal(SIGTERM);
  auto code = daemon_->wait_for(std::chrono::seconds(10));
  ASSERT_TRUE(code) << "storeedged did not stop within 10 s of SIGTERM";
  EXPECT_EQ(*code, 0) << daemon_->stderr_text();
  EXPECT_FALSE(std::filesystem::exists(address_file())) << "address file left behind";
  EXPECT_NE(daemon_->stderr_text().find("storeedged_stopped"), std::string::npos);
  EXPECT_FALSE(http::request("127.0.0.1", port_, "GET", "/health", {}, std::chrono::milliseconds(500)));
}

TEST_F(EdgeDaemonTest, StopsCleanlyOnSigint) {
  start();
  daemon_->signal(SIGINT);
  auto code = daemon_->wait_for(std::chrono::seconds(10));
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 0);
}

TEST_F(EdgeDaemonTest, NodeIdentitySurvivesRestart) {
  start("first");
  const std::string node_id(health()["node_id"].as_string());
  daemon_->signal(SIGTERM);
  ASSERT_TRUE(daemon_->wait_for(std::chrono::seconds(10)));
  start("second");
  EXPECT_EQ(health()["node_id"].as_string(), node_id);
}

TEST_F(EdgeDaemonTest, UnknownEndpointIsAJsonError) {
  start();
  auto r = http::request("127.0.0.1", port_, "GET", "/nope");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("\"not_found\""), std::string::npos);
}

}  // namespace
}  // namespace storeedge::test
