// The HTTP server over TLS: clients that trust the hub's CA get answers; clients that do not, and
// plain-HTTP clients on the TLS port, fail their own connection and nobody else's.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <fstream>
#include <future>
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

  // Server::reload_tls on the io thread, as storehub's SIGHUP handler calls it.
  Status reload(const TlsFiles& files) {
    std::promise<Status> done;
    boost::asio::post(io_, [&] { done.set_value(server_->reload_tls(files)); });
    auto result = done.get_future();
    if (result.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
      return fail(Errc::internal, "reload_tls did not run within 5 s");
    }
    return result.get();
  }
  std::optional<TlsCertificateInfo> served() {
    std::promise<std::optional<TlsCertificateInfo>> done;
    boost::asio::post(io_, [&] { done.set_value(server_->tls_certificate()); });
    auto result = done.get_future();
    if (result.wait_for(std::chrono::seconds(5)) != std::future_status::ready) return std::nullopt;
    return result.get();
  }
  // The certificate a new connection is shown, or "" when the request fails.
  std::string certificate_of_new_connection() {
    auto r = test::https_get(url(), hub_.ca_cert);
    EXPECT_TRUE(r) << r.error().what();
    if (!r) return "";
    EXPECT_EQ(r->status, 200);
    return r->server_certificate;
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

TEST_F(TlsServerTest, AReloadServesTheNewCertificateToNewConnectionsWhileOpenOnesFinish) {
  const std::string first = test::first_pem_certificate(hub_.server_cert);
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(certificate_of_new_connection(), first);
  const auto before = served();
  ASSERT_TRUE(before);
  EXPECT_NE(before->subject.find("CN="), std::string::npos) << before->subject;
  EXPECT_EQ(before->sha256.size(), 95u) << before->sha256;  // 32 bytes as "AB:" pairs
  EXPECT_EQ(before->not_after.size(), 20u) << before->not_after;

  test::HttpsClient open_connection(hub_.ca_cert);
  auto opened = open_connection.get(url());
  ASSERT_TRUE(opened) << opened.error().what();
  EXPECT_EQ(opened->server_certificate, first);

  // `init-tls --force`: a new server certificate and key from the same CA, in the same files.
  SystemClock clock;
  sync::hub::TlsSetupOptions reissue{.dir = dir_ / "hub", .hosts = {"127.0.0.1", "localhost"}, .force = true};
  ASSERT_TRUE(sync::hub::init_tls(reissue, clock));
  const std::string second = test::first_pem_certificate(hub_.server_cert);
  ASSERT_NE(second, first);
  EXPECT_EQ(certificate_of_new_connection(), first) << "the server reads its files only when told to";

  ASSERT_TRUE(reload(TlsFiles{hub_.server_cert, hub_.server_key}));
  EXPECT_EQ(certificate_of_new_connection(), second);
  const auto after = served();
  ASSERT_TRUE(after);
  EXPECT_NE(after->sha256, before->sha256);

  auto again = open_connection.get(url());
  ASSERT_TRUE(again) << "a connection opened before the reload keeps working: " << again.error().what();
  EXPECT_TRUE(again->reused_connection);
  EXPECT_EQ(again->status, 200);
}

TEST_F(TlsServerTest, AFailedReloadKeepsServingThePreviousCertificate) {
  const std::string first = test::first_pem_certificate(hub_.server_cert);
  const auto garbage = dir_ / "garbage.pem";
  std::ofstream(garbage) << "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n";
  const struct {
    TlsFiles files;
    std::string error;
  } broken[] = {
      {{dir_ / "missing.pem", hub_.server_key}, (dir_ / "missing.pem").string() + ": No such file"},
      {{garbage, hub_.server_key}, "certificate file " + garbage.string() + " is not a PEM certificate"},
      {{hub_.server_cert, garbage}, "key file " + garbage.string()},
      {{other_.server_cert, hub_.server_key}, "does not match the certificate"},
  };
  for (const auto& b : broken) {
    auto s = reload(b.files);
    ASSERT_FALSE(s) << b.error;
    EXPECT_NE(s.error().message().find(b.error), std::string::npos) << s.error().what();
    EXPECT_EQ(certificate_of_new_connection(), first) << "after: " << b.error;
  }
}

TEST(TlsServerReload, APlainServerCannotStartServingTlsWithoutARestart) {
  test::TempDir dir;
  const auto ca = make_ca(dir / "tls");
  boost::asio::io_context io;
  Server server(io, ServerOptions{});
  ASSERT_TRUE(server.start());
  auto s = server.reload_tls(TlsFiles{ca.server_cert, ca.server_key});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("needs a restart"), std::string::npos) << s.error().what();
  EXPECT_FALSE(server.tls_certificate());
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
