#include <any>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "platform/http/client.hpp"
#include "platform/http/server.hpp"

namespace storeedge::http {
namespace {

// Runs a Server on its own io_context thread for the length of a test.
class ServerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.max_body_bytes = 1024;
    server_ = std::make_unique<Server>(io_, options);
    server_->route("GET", "/health", [](const Request&) {
      return Response{200, "application/json", R"({"ok":true})"};
    });
    server_->route("POST", "/echo", [](const Request& r) {
      return Response{200, "text/plain", r.headers.at("content-type") + "|" + r.body};
    });
    server_->route(
        "POST", "/bulk",
        [](const Request& r) {
          return Response{200, "text/plain", std::to_string(r.body.size())};
        },
        256 * 1024);
    auto port = server_->start();
    ASSERT_TRUE(port) << port.error().what();
    port_ = *port;
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    boost::asio::post(io_, [this] { server_->stop(); });
    thread_.join();
  }

  boost::asio::io_context io_;
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

TEST_F(ServerFixture, ServesRoutesOnAnEphemeralLoopbackPort) {
  EXPECT_NE(port_, 0);
  auto r = request("127.0.0.1", port_, "GET", "/health?verbose=1");
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"ok":true})");
  EXPECT_EQ(r->content_type, "application/json");
}

TEST_F(ServerFixture, PassesBodyAndHeaders) {
  auto r = request("127.0.0.1", port_, "POST", "/echo", "hello", std::chrono::seconds(5), "text/plain");
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->body, "text/plain|hello");
}

TEST_F(ServerFixture, UnknownPathIs404AndWrongMethodIs405WithJsonErrors) {
  auto missing = request("127.0.0.1", port_, "GET", "/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_NE(missing->body.find("\"code\":\"not_found\""), std::string::npos);
  auto wrong = request("127.0.0.1", port_, "DELETE", "/health");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_NE(wrong->body.find("DELETE is not allowed on /health"), std::string::npos);
}

TEST_F(ServerFixture, OversizedBodyIsRefusedWith413) {
  auto r = request("127.0.0.1", port_, "POST", "/echo", std::string(4096, 'x'));
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("body_too_large"), std::string::npos);
}

TEST_F(ServerFixture, ARouteWithItsOwnLimitTakesLargerBodiesAndOthersKeepTheDefault) {
  auto big = request("127.0.0.1", port_, "POST", "/bulk", std::string(200 * 1024, 'x'));
  ASSERT_TRUE(big) << big.error().what();
  EXPECT_EQ(big->status, 200);
  EXPECT_EQ(big->body, std::to_string(200 * 1024));
  auto too_big = request("127.0.0.1", port_, "POST", "/bulk", std::string(1024 * 1024, 'x'));
  ASSERT_TRUE(too_big) << "the refused body is drained, so the client reads the answer: "
                       << too_big.error().what();
  EXPECT_EQ(too_big->status, 413);
  EXPECT_NE(too_big->body.find("exceeds 262144 bytes"), std::string::npos) << too_big->body;
  auto other = request("127.0.0.1", port_, "POST", "/echo", std::string(200 * 1024, 'x'));
  ASSERT_TRUE(other) << other.error().what();
  EXPECT_EQ(other->status, 413);
}

// The reply gate (storehub's group commit): a held response is not written until released, from
// another thread; the io thread serves other connections meanwhile; release(false) answers 503.
TEST(HttpServerReplyGate, AHeldReplyWaitsForItsReleaseWhileOtherConnectionsAreServed) {
  boost::asio::io_context io;
  Server server(io, {});
  server.route("POST", "/sale", [](const Request& r) {
    return Response{200, "text/plain", "took " + r.body};
  });
  std::mutex mutex;
  std::promise<void> gated;
  std::vector<std::function<void(bool)>> held;
  server.set_reply_gate([&](std::function<void(bool)> release) {
    std::lock_guard lock(mutex);
    if (held.size() < 2 && release) {
      held.push_back(std::move(release));
      if (held.size() == 2) gated.set_value();
      return;
    }
    release(true);
  });
  auto port = server.start();
  ASSERT_TRUE(port) << port.error().what();
  std::thread runner([&] { io.run(); });
  auto first =
      std::async(std::launch::async, [&] { return request("127.0.0.1", *port, "POST", "/sale", "a"); });
  auto second =
      std::async(std::launch::async, [&] { return request("127.0.0.1", *port, "POST", "/sale", "b"); });
  ASSERT_EQ(gated.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  // Both handlers ran and both replies are held; a third connection is answered meanwhile.
  auto third = request("127.0.0.1", *port, "POST", "/sale", "c");
  ASSERT_TRUE(third) << third.error().what();
  EXPECT_EQ(third->body, "took c");
  EXPECT_EQ(first.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  EXPECT_EQ(second.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  std::thread([&] {
    std::lock_guard lock(mutex);
    held[0](true);
    held[1](false);
  }).join();
  auto a = first.get();
  auto b = second.get();
  ASSERT_TRUE(a && b);
  // Which request's reply was held first depends on arrival; one of each outcome.
  const bool a_first = a->status == 200;
  const auto& ok = a_first ? *a : *b;
  const auto& refused = a_first ? *b : *a;
  EXPECT_EQ(ok.status, 200);
  EXPECT_TRUE(ok.body == "took a" || ok.body == "took b") << ok.body;
  EXPECT_EQ(refused.status, 503);
  EXPECT_NE(refused.body.find("\"code\":\"unavailable\""), std::string::npos) << refused.body;
  boost::asio::post(io, [&] { server.stop(); });
  runner.join();
}

// ServerOptions::handler_thread (storehub): while a handler works, the io thread goes on reading
// other connections and runs their preparers; the handlers run off the io thread, one at a time, and
// a route pinned to the io thread is answered even while a handler is busy.
class HandlerThreadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.handler_thread = true;
    server_ = std::make_unique<Server>(io_, options);
  }
  void start() {
    auto port = server_->start();
    ASSERT_TRUE(port) << port.error().what();
    port_ = *port;
    thread_ = std::thread([this] { io_.run(); });
    io_thread_ = thread_.get_id();
  }
  void TearDown() override {
    if (!thread_.joinable()) return;
    boost::asio::post(io_, [this] { server_->stop(); });
    thread_.join();
  }
  std::future<Result<ClientResponse>> send(std::string target, std::string body = {}) {
    return std::async(std::launch::async, [this, target = std::move(target), body = std::move(body)] {
      return request("127.0.0.1", port_, "POST", target, body, std::chrono::seconds(10));
    });
  }

  boost::asio::io_context io_;
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::thread::id io_thread_;
};

TEST_F(HandlerThreadTest, TheNextRequestIsReadAndPreparedWhileAHandlerWorks) {
  std::promise<void> next_prepared;
  auto prepared = next_prepared.get_future().share();
  std::atomic<bool> handler_on_io{true};
  // The first handler waits (bounded) until the io thread has read and prepared the second request.
  server_->route("POST", "/apply", [&](const Request& r) {
    handler_on_io = std::this_thread::get_id() == io_thread_;
    if (r.body == "first") {
      const bool saw = prepared.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
      return Response{200, "text/plain", saw ? "applied while the next was prepared" : "next never prepared"};
    }
    return Response{200, "text/plain", "applied " + std::any_cast<std::string>(r.prepared)};
  });
  server_->prepare("POST", "/apply", [&](Request& r) {
    r.prepared = "prepared " + r.body;
    if (r.body == "second") next_prepared.set_value();
  });
  start();
  auto first = send("/apply", "first");
  // The second leaves once the first is with its handler (it may still wait for the second).
  ASSERT_TRUE(first.wait_for(std::chrono::milliseconds(300)) == std::future_status::timeout);
  auto second = send("/apply", "second");
  auto a = first.get();
  auto b = second.get();
  ASSERT_TRUE(a) << a.error().what();
  ASSERT_TRUE(b) << b.error().what();
  EXPECT_EQ(a->body, "applied while the next was prepared");
  EXPECT_EQ(b->body, "applied prepared second") << "the handler receives what the preparer made";
  EXPECT_FALSE(handler_on_io);
}

TEST_F(HandlerThreadTest, ARoutePinnedToTheIoThreadIsAnsweredWhileAHandlerIsBusy) {
  std::promise<void> release;
  auto released = release.get_future().share();
  server_->route("POST", "/slow", [&](const Request&) {
    released.wait_for(std::chrono::seconds(10));
    return Response{200, "text/plain", "slow done"};
  });
  std::atomic<bool> health_on_io{false};
  server_->route_on_io_thread("POST", "/health", [&](const Request&) {
    health_on_io = std::this_thread::get_id() == io_thread_;
    return Response{200, "text/plain", "up"};
  });
  start();
  auto slow = send("/slow");
  auto health = send("/health").get();
  ASSERT_TRUE(health) << health.error().what();
  EXPECT_EQ(health->body, "up");
  EXPECT_TRUE(health_on_io);
  EXPECT_EQ(slow.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout) << "still working";
  release.set_value();
  auto done = slow.get();
  ASSERT_TRUE(done) << done.error().what();
  EXPECT_EQ(done->body, "slow done");
}

TEST_F(HandlerThreadTest, HandlersRunOneAtATimeAndAThrowingPreparerLeavesTheWorkToTheHandler) {
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  server_->route("POST", "/count", [&](const Request& r) {
    const int now = ++running;
    most = std::max(most.load(), now);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    --running;
    const bool prepared = r.prepared.has_value();
    return Response{200, "text/plain", prepared ? "prepared" : "done here"};
  });
  server_->prepare("POST", "/count", [](Request& r) {
    r.prepared = 1;
    if (r.body == "bad") throw std::runtime_error("cannot prepare");
  });
  start();
  std::vector<std::future<Result<ClientResponse>>> replies;
  for (int i = 0; i < 6; ++i) replies.push_back(send("/count", i == 3 ? "bad" : "good"));
  int here = 0;
  for (auto& f : replies) {
    auto r = f.get();
    ASSERT_TRUE(r) << r.error().what();
    EXPECT_EQ(r->status, 200);
    here += r->body == "done here" ? 1 : 0;
  }
  EXPECT_EQ(most.load(), 1) << "the handlers share no locks: they must never overlap";
  EXPECT_EQ(here, 1);
}

TEST(HttpServer, BusyPortIsAClearError) {
  boost::asio::io_context io;
  Server first(io, {});
  auto port = first.start();
  ASSERT_TRUE(port);
  ServerOptions same;
  same.port = *port;
  Server second(io, same);
  auto r = second.start();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what().find("cannot listen on 127.0.0.1:" + std::to_string(*port)), std::string::npos);
}

TEST(HttpClient, ConnectionRefusedIsUnavailable) {
  boost::asio::io_context io;
  std::uint16_t port = 0;
  {
    Server s(io, {});
    port = *s.start();
  }
  auto r = request("127.0.0.1", port, "GET", "/health", {}, std::chrono::milliseconds(500));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::unavailable);
}

}  // namespace
}  // namespace storeedge::http
