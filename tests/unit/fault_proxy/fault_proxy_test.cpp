// The fault proxy itself, between the blocking HTTP client and a real Beast server: each knob does
// what the sync fault tests rely on, and only to the requests it names.
#include "tests/support/fault_proxy.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <thread>

#include "platform/http/client.hpp"
#include "platform/http/server.hpp"

namespace storeedge::test {
namespace {

using namespace std::chrono_literals;

class FaultProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<http::Server>(io_, http::ServerOptions{.address = "127.0.0.1", .port = 0});
    for (const char* path : {"/sync/v1/push", "/sync/v1/pull"}) {
      server_->route("POST", path, [this](const http::Request& req) {
        ++handled_;  // the "hub" commits before the proxy decides what the client sees
        return http::Response{200, "application/x-protobuf", "reply to " + req.body};
      });
    }
    auto port = server_->start();
    ASSERT_TRUE(port) << port.error().what();
    thread_ = std::thread([this] { io_.run(); });
    proxy_ = std::make_unique<FaultProxy>(*port);
  }
  void TearDown() override {
    proxy_.reset();
    io_.stop();
    thread_.join();
  }
  Result<http::ClientResponse> post(const std::string& path, const std::string& body = "x",
                                    std::chrono::milliseconds timeout = 2s) {
    return http::request("127.0.0.1", proxy_->port(), "POST", path, body, timeout);
  }

  boost::asio::io_context io_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  std::unique_ptr<FaultProxy> proxy_;
  std::atomic<int> handled_{0};
};

TEST_F(FaultProxyTest, PassesRequestsAndRepliesUnchanged) {
  auto r = post("/sync/v1/push", "abc");
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "reply to abc");
  EXPECT_EQ(proxy_->requests(), 1);
  EXPECT_EQ(proxy_->applied(ProxyFault::pass), 1);
}

TEST_F(FaultProxyTest, ADroppedReplyReachedTheServerButNotTheClient) {
  proxy_->add_rule({.fault = ProxyFault::drop_reply});
  EXPECT_FALSE(post("/sync/v1/push"));
  EXPECT_EQ(handled_, 1);
  auto next = post("/sync/v1/push");  // a rule with times = 1 is used up
  ASSERT_TRUE(next) << next.error().what();
  EXPECT_EQ(handled_, 2);
}

TEST_F(FaultProxyTest, AResetNeverReachesTheServer) {
  proxy_->add_rule({.fault = ProxyFault::reset, .times = 2});
  EXPECT_FALSE(post("/sync/v1/push"));
  EXPECT_FALSE(post("/sync/v1/push"));
  EXPECT_EQ(handled_, 0);
  EXPECT_TRUE(post("/sync/v1/push"));
  EXPECT_EQ(proxy_->applied(ProxyFault::reset), 2);
}

TEST_F(FaultProxyTest, TruncatedAndCorruptRepliesAreUnreadable) {
  proxy_->add_rule({.fault = ProxyFault::truncate_reply});
  proxy_->add_rule({.fault = ProxyFault::corrupt_reply});
  EXPECT_FALSE(post("/sync/v1/push", "a long enough body")) << "half a body is an error, not a reply";
  auto corrupt = post("/sync/v1/push", "abc");
  ASSERT_TRUE(corrupt) << corrupt.error().what();
  EXPECT_EQ(corrupt->body, std::string(std::string("reply to abc").size(), '\xFF'));
  EXPECT_EQ(handled_, 2);
}

TEST_F(FaultProxyTest, ADelayedReplyOutlastsAShortClientTimeout) {
  proxy_->add_rule({.fault = ProxyFault::delay_reply, .delay = 600ms});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(post("/sync/v1/push", "x", 200ms));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 550ms);
  EXPECT_EQ(handled_, 1);
  auto later = post("/sync/v1/push", "x", 2s);
  ASSERT_TRUE(later) << later.error().what();
}

TEST_F(FaultProxyTest, ADelayedRequestReachesTheServerLate) {
  proxy_->add_rule({.fault = ProxyFault::delay_request, .delay = 300ms});
  const auto start = std::chrono::steady_clock::now();
  auto r = post("/sync/v1/push");
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
  EXPECT_EQ(handled_, 1);
}

TEST_F(FaultProxyTest, RulesApplyOnlyToTheirPathAndUntilCleared) {
  proxy_->add_rule({.fault = ProxyFault::reset, .path = "/sync/v1/push", .times = -1});
  EXPECT_TRUE(post("/sync/v1/pull"));
  EXPECT_FALSE(post("/sync/v1/push"));
  EXPECT_FALSE(post("/sync/v1/push"));
  EXPECT_EQ(proxy_->rules_left(), 1u);
  proxy_->clear_rules();
  EXPECT_TRUE(post("/sync/v1/push"));
}

TEST_F(FaultProxyTest, ADownUpstreamLooksLikeADeadConnection) {
  proxy_->set_upstream(1);  // nothing listens on port 1
  EXPECT_FALSE(post("/sync/v1/push"));
  EXPECT_EQ(handled_, 0);
}

}  // namespace
}  // namespace storeedge::test
