// The HTTP server over TLS: clients that trust the hub's CA get answers; clients that do not, and
// plain-HTTP clients on the TLS port, fail their own connection and nobody else's.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "platform/clock.hpp"
#include "platform/http/client.hpp"
#include "platform/http/server.hpp"
#include "sync/hub/tls_setup.hpp"
#include "tests/support/https_get.hpp"
#include "tests/support/temp_dir.hpp"

namespace storeedge::http {
namespace {

using sync::hub::TlsSetupResult;

TlsSetupResult make_ca(const std::filesystem::path& dir) {
  SystemClock clock;
  sync::hub::TlsSetupOptions options;
  options.dir = dir;
  options.hosts = {"127.0.0.1", "localhost"};
  auto made = sync::hub::init_tls(options, clock);
  EXPECT_TRUE(made) << made.error().what();
  return made ? *made : TlsSetupResult{};
}

class TlsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_ = make_ca(dir_ / "hub");
    other_ = make_ca(dir_ / "other");
    ServerOptions options;
    options.tls = TlsFiles{hub_.server_cert, hub_.server_key};
    server_ = std::make_unique<Server>(io_, options);
    server_->route("GET", "/health", [](const Request&) {
      return Response{200, "application/json", R"({"ok":true})"};
    });
    auto port = server_->start();
    ASSERT_TRUE(port) << port.error().what();
    port_ = *port;
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    boost::asio::post(io_, [this] { server_->stop(); });
    if (thread_.joinable()) thread_.join();
  }

  std::string url(const std::string& host = "127.0.0.1") const {
    return "https://" + host + ":" + std::to_string(port_) + "/health";
  }

  test::TempDir dir_;
  TlsSetupResult hub_, other_;
  boost::asio::io_context io_;
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

TEST_F(TlsServerTest, GetWorksForAClientThatTrustsTheCa) {
  for (const char* host : {"127.0.0.1", "localhost"}) {
    auto r = test::https_get(url(host), hub_.ca_cert);
    ASSERT_TRUE(r) << r.error().what();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, R"({"ok":true})");
  }
}

TEST_F(TlsServerTest, AClientThatTrustsAnotherCaIsRefused) {
  auto r = test::https_get(url(), other_.ca_cert);
  ASSERT_FALSE(r) << "a client trusting another CA got a reply";
  EXPECT_NE(r.error().message().find("certificate"), std::string::npos) << r.error().what();
  auto good = test::https_get(url(), hub_.ca_cert);
  ASSERT_TRUE(good) << good.error().what();
  EXPECT_EQ(good->status, 200);
}

TEST_F(TlsServerTest, PlainHttpOnTheTlsPortFailsWhileOtherClientsKeepWorking) {
  // A client that connects and says nothing holds a handshake open for the whole test.
  boost::asio::io_context client_io;
  boost::asio::ip::tcp::socket silent(client_io);
  silent.connect({boost::asio::ip::make_address("127.0.0.1"), port_});

  std::atomic<int> plain_answered = 0;
  std::thread plain([&] {
    for (int i = 0; i < 20; ++i) {
      auto r = request("127.0.0.1", port_, "GET", "/health", {}, std::chrono::seconds(2));
      if (r && r->status == 200) ++plain_answered;
    }
  });
  int good = 0;
  for (int i = 0; i < 20; ++i) {
    auto r = test::https_get(url(), hub_.ca_cert);
    if (r && r->status == 200) ++good;
  }
  plain.join();
  EXPECT_EQ(good, 20) << "good clients must not notice plain-HTTP or silent clients";
  EXPECT_EQ(plain_answered.load(), 0) << "the TLS port must not answer plain HTTP";
}

ServerOptions tls_options(const std::filesystem::path& cert, const std::filesystem::path& key) {
  ServerOptions options;
  options.tls = TlsFiles{cert, key};
  return options;
}

TEST(TlsServerStart, MissingCertificateFileIsAnErrorNamingIt) {
  test::TempDir dir;
  const auto ca = make_ca(dir / "tls");
  boost::asio::io_context io;
  Server server(io, tls_options(dir / "nope.pem", ca.server_key));
  auto port = server.start();
  ASSERT_FALSE(port);
  EXPECT_NE(port.error().message().find((dir / "nope.pem").string()), std::string::npos)
      << port.error().what();
  EXPECT_NE(port.error().message().find("No such file"), std::string::npos) << port.error().what();
}

TEST(TlsServerStart, BrokenCertificateOrKeyIsAnErrorNamingTheFile) {
  test::TempDir dir;
  const auto ca = make_ca(dir / "tls");
  const auto garbage = dir / "garbage.pem";
  std::ofstream(garbage) << "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n";
  boost::asio::io_context io;
  {
    Server server(io, tls_options(garbage, ca.server_key));
    auto port = server.start();
    ASSERT_FALSE(port);
    EXPECT_NE(port.error().message().find("certificate file " + garbage.string()), std::string::npos)
        << port.error().what();
  }
  {
    Server server(io, tls_options(ca.server_cert, garbage));
    auto port = server.start();
    ASSERT_FALSE(port);
    EXPECT_NE(port.error().message().find("key file " + garbage.string()), std::string::npos)
        << port.error().what();
  }
}

TEST(TlsServerStart, KeyOfAnotherCertificateIsRefused) {
  test::TempDir dir;
  const auto one = make_ca(dir / "one");
  const auto two = make_ca(dir / "two");
  boost::asio::io_context io;
  Server server(io, tls_options(one.server_cert, two.server_key));
  auto port = server.start();
  ASSERT_FALSE(port);
  EXPECT_NE(port.error().message().find("does not match"), std::string::npos) << port.error().what();
  EXPECT_NE(port.error().message().find(two.server_key.string()), std::string::npos) << port.error().what();
}

}  // namespace
}  // namespace storeedge::http
