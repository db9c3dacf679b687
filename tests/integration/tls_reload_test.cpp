// storehub picks up a new TLS certificate on SIGHUP: `init-tls --force` re-issues the server
// certificate from the same CA, SIGHUP makes the running hub serve it to new connections (clients
// pinned to the CA need nothing), and a broken certificate file + SIGHUP keeps the hub serving the
// one it had, with the error logged once and shown in /health.
#include <signal.h>

#include <boost/json.hpp>

#include "tests/integration/daemon_fixture.hpp"
#include "tests/support/https_get.hpp"

namespace storeedge::test {
namespace {

class TlsReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(write_file_atomically(config(), "[hub]\ndata_dir = \"hubdata\"\n[http]\nport = 0\n"));
    init_tls({});
    ASSERT_TRUE(write_file_atomically(config(),
                                      "[hub]\ndata_dir = \"hubdata\"\n[http]\nport = 0\n"
                                      "[tls]\ncert_file = \"hubdata/tls/server.pem\"\n"
                                      "key_file = \"hubdata/tls/server.key\"\n"));
    hub_ = std::make_unique<Process>(bin_dir() / "storehub",
                                     std::vector<std::string>{"--config", config().string()}, dir_ / "hub");
    ASSERT_TRUE(
        eventually([&] { return published_port(hub_addr()) != 0 || !hub_->running(); }, kStartDeadline));
    ASSERT_TRUE(hub_->running()) << hub_->stderr_text();
    port_ = published_port(hub_addr());
  }

  std::filesystem::path config() const { return dir_ / "hub.toml"; }
  std::filesystem::path hub_addr() const { return dir_ / "hubdata" / "storehub.addr"; }
  std::filesystem::path tls_dir() const { return dir_ / "hubdata" / "tls"; }

  void init_tls(std::vector<std::string> extra) {
    std::vector<std::string> args{"--config", config().string(), "init-tls", "--host", "127.0.0.1"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run_program(bin_dir() / "storehub", args, dir_ / ("init-tls-" + std::to_string(++inits_)));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // /health over HTTPS on a new connection, trusting the hub's CA: the certificate it was shown and
  // the body.
  std::pair<std::string, boost::json::object> fresh_health() {
    auto r = https_get("https://127.0.0.1:" + std::to_string(port_) + "/health", tls_dir() / "ca.pem");
    EXPECT_TRUE(r) << r.error().what();
    if (!r) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    return {r->server_certificate, boost::json::parse(r->body).as_object()};
  }
  std::string served_certificate() { return fresh_health().first; }

  std::size_t log_count(const std::string& event) const {
    const std::string text = hub_->stderr_text();
    std::size_t n = 0;
    for (auto at = text.find(event); at != std::string::npos; at = text.find(event, at + 1)) ++n;
    return n;
  }

  TempDir dir_;
  std::unique_ptr<Process> hub_;
  std::uint16_t port_ = 0;
  int inits_ = 0;
};

TEST_F(TlsReloadTest, SighupServesAReissuedCertificateWithoutARestart) {
  const std::string first = first_pem_certificate(tls_dir() / "server.pem");
  ASSERT_EQ(served_certificate(), first);
  const std::string first_sha = fresh_health().second["tls"].as_object()["sha256"].as_string().c_str();

  init_tls({"--host", "localhost", "--force"});  // same CA, new certificate and key, same files
  const std::string second = first_pem_certificate(tls_dir() / "server.pem");
  ASSERT_NE(second, first);
  EXPECT_EQ(served_certificate(), first) << "nothing changes before SIGHUP";

  const auto pid_before = hub_->pid();
  hub_->signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return log_count("tls_reloaded") == 1; }, std::chrono::seconds(10)))
      << hub_->stderr_text();
  auto [certificate, health] = fresh_health();
  EXPECT_EQ(certificate, second);
  EXPECT_NE(health["tls"].as_object()["sha256"].as_string(), first_sha);
  EXPECT_EQ(health["config"].as_object()["reloads"], 1);
  EXPECT_TRUE(health["config"].as_object()["last_reload_error"].is_null());
  EXPECT_EQ(hub_->pid(), pid_before);
  EXPECT_TRUE(hub_->running());
  // A client that trusts the CA reaches the hub by the name the new certificate added.
  auto by_name = https_get("https://localhost:" + std::to_string(port_) + "/health", tls_dir() / "ca.pem");
  ASSERT_TRUE(by_name) << by_name.error().what();
  EXPECT_EQ(by_name->status, 200);
}

TEST_F(TlsReloadTest, ABrokenCertificateFileAndSighupKeepTheHubServingTheOldCertificate) {
  const std::string first = first_pem_certificate(tls_dir() / "server.pem");
  const auto cert_file = tls_dir() / "server.pem";
  ASSERT_TRUE(
      write_file_atomically(cert_file, "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n"));
  hub_->signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return log_count("tls_reload_failed") > 0; }, std::chrono::seconds(10)))
      << hub_->stderr_text();
  ASSERT_TRUE(hub_->running()) << hub_->stderr_text();
  auto [certificate, health] = fresh_health();
  EXPECT_EQ(certificate, first) << "the hub keeps serving the certificate it had";
  const auto config = health["config"].as_object();
  ASSERT_TRUE(config.at("last_reload_error").is_string());
  EXPECT_NE(
      std::string(config.at("last_reload_error").as_string()).find("certificate file " + cert_file.string()),
      std::string::npos)
      << config;
  EXPECT_EQ(config.at("reloads"), 0);
  // Several clients later, the failure is still logged once: it is logged by the reload, not per
  // connection.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(served_certificate(), first);
  EXPECT_EQ(log_count("tls_reload_failed"), 1u) << hub_->stderr_text();

  // Fixed: a good certificate and another SIGHUP.
  init_tls({"--force"});
  const std::string fixed = first_pem_certificate(cert_file);
  hub_->signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return log_count("tls_reloaded") == 1; }, std::chrono::seconds(10)))
      << hub_->stderr_text();
  auto [now_served, healthy] = fresh_health();
  EXPECT_EQ(now_served, fixed);
  EXPECT_TRUE(healthy["config"].as_object()["last_reload_error"].is_null());
}

TEST_F(TlsReloadTest, AnInvalidFileChangesNothingAndAChangedPortWaitsForARestart) {
  const std::string first = first_pem_certificate(tls_dir() / "server.pem");
  const std::string valid = *read_file(config());
  ASSERT_TRUE(write_file_atomically(config(), valid + "[http]\nporrt = 1\n"));
  hub_->signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return log_count("config_reload_failed") == 1; }, std::chrono::seconds(10)))
      << hub_->stderr_text();
  auto [certificate, health] = fresh_health();
  EXPECT_EQ(certificate, first);
  EXPECT_NE(
      std::string(health["config"].as_object()["last_reload_error"].as_string()).find(config().string()),
      std::string::npos)
      << health;

  const std::string moved = valid.substr(0, valid.find("port = 0")) + "port = 1\n" +
                            valid.substr(valid.find("port = 0") + std::string("port = 0\n").size());
  ASSERT_TRUE(write_file_atomically(config(), moved));
  hub_->signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return log_count("config_reloaded") == 1; }, std::chrono::seconds(10)))
      << hub_->stderr_text();
  EXPECT_EQ(log_count("config_reload_needs_restart"), 1u) << hub_->stderr_text();
  EXPECT_EQ(served_certificate(), first) << "still listening where it started";
}

}  // namespace
}  // namespace storeedge::test
