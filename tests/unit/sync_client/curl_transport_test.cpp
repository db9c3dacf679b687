// The libcurl transport against a small Beast server on 127.0.0.1, port 0.
#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include "platform/http/server.hpp"
#include "sync/client/curl/curl_transport.hpp"
#include "sync/proto/gzip.hpp"

namespace storeedge::sync::client {
namespace {

class CurlTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    http::ServerOptions options;
    options.max_body_bytes = 4 << 20;
    server_ = std::make_unique<http::Server>(io_, options);
    server_->route("POST", "/sync/v1/push", [](const http::Request& r) {
      auto it = r.headers.find("content-encoding");
      if (it == r.headers.end() || it->second != "gzip") return http::Response{400, "text/plain", "not gzip"};
      auto plain = proto::gzip_decompress(r.body);
      if (!plain) return http::Response{400, "text/plain", plain.error().what()};
      return http::Response{200, "application/x-protobuf",
                            "got:" + *plain + "|" + r.headers.at("x-storeedge-node")};
    });
    auto port = server_->start();
    ASSERT_TRUE(port) << port.error().what();
    port_ = *port;
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    boost::asio::post(io_, [this] { server_->stop(); });
    thread_.join();
  }

  std::unique_ptr<CurlTransport> transport(std::uint16_t port) {
    CurlOptions o;
    o.base_url = "http://127.0.0.1:" + std::to_string(port);
    o.connect_timeout = std::chrono::seconds(5);
    o.total_timeout = std::chrono::seconds(10);
    auto t = CurlTransport::create(o);
    EXPECT_TRUE(t) << t.error().what();
    return t ? std::move(*t) : nullptr;
  }

  boost::asio::io_context io_;
  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

TEST_F(CurlTransportTest, GzipBodiesArriveDecompressibleAndTheConnectionIsReused) {
  auto t = transport(port_);
  ASSERT_TRUE(t);
  const std::string message(100'000, 'x');
  for (int i = 0; i < 3; ++i) {
    auto r = t->post("/sync/v1/push", proto::gzip_compress(message).value(),
                     {{"Content-Encoding", "gzip"}, {"X-Storeedge-Node", "node-1"}});
    ASSERT_TRUE(r) << r.error().what();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "got:" + message + "|node-1");
  }
  EXPECT_EQ(t->connections_opened(), 1);
}

// The relay's two pushes in flight post from two threads at once: each gets its own reply, and the
// transport keeps two connections alive instead of opening one per post.
TEST_F(CurlTransportTest, TwoPostsAtOnceGetTheirOwnRepliesOverTwoKeptConnections) {
  auto t = transport(port_);
  ASSERT_TRUE(t);
  const std::string message(200'000, 'y');
  const std::string body = proto::gzip_compress(message).value();
  for (int round = 0; round < 4; ++round) {
    std::array<std::optional<Result<TransportResponse>>, 2> replies;
    std::array<std::thread, 2> posts;
    for (std::size_t i = 0; i < posts.size(); ++i) {
      posts[i] = std::thread([&, i] {
        replies[i] =
            t->post("/sync/v1/push", body,
                    {{"Content-Encoding", "gzip"}, {"X-Storeedge-Node", "node-" + std::to_string(i)}});
      });
    }
    for (auto& p : posts) p.join();
    for (std::size_t i = 0; i < replies.size(); ++i) {
      ASSERT_TRUE(*replies[i]) << replies[i]->error().what();
      EXPECT_EQ((*replies[i])->status, 200);
      EXPECT_EQ((*replies[i])->body, "got:" + message + "|node-" + std::to_string(i));
    }
  }
  EXPECT_GE(t->connections_opened(), 1);
  EXPECT_LE(t->connections_opened(), 2) << "a new connection per post";
}

TEST_F(CurlTransportTest, HttpErrorsAreRepliesNotTransportFailures) {
  auto t = transport(port_);
  ASSERT_TRUE(t);
  auto r = t->post("/sync/v1/push", "plain", {});
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->status, 400);
}

TEST_F(CurlTransportTest, ARefusedConnectionIsUnavailable) {
  std::uint16_t closed = 0;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    closed = a.local_endpoint().port();
  }  // closed again: nothing listens there
  auto t = transport(closed);
  ASSERT_TRUE(t);
  auto r = t->post("/sync/v1/push", "x", {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::unavailable);
  EXPECT_NE(r.error().what().find("127.0.0.1"), std::string::npos) << r.error().what();
}

TEST(CurlTransportOptions, RefusesABadBaseUrlOrACertificateWithoutItsKey) {
  auto bad =
      CurlTransport::create({.base_url = "ftp://hub", .ca_file = {}, .client_cert = {}, .client_key = {}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind(), Errc::config);
  auto path = CurlTransport::create(
      {.base_url = "https://hub/sync", .ca_file = {}, .client_cert = {}, .client_key = {}});
  EXPECT_FALSE(path);
  CurlOptions o;
  o.base_url = "https://hub:8443";
  o.client_cert = "/etc/storeedge/node.pem";
  auto half = CurlTransport::create(o);
  ASSERT_FALSE(half);
  EXPECT_EQ(half.error().kind(), Errc::config);
}

}  // namespace
}  // namespace storeedge::sync::client
