// `storehub init-tls`: a private CA and a server certificate that verifies against it for exactly
// the hosts given, keys private to the owner, nothing overwritten unless asked.
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <memory>

#include <gtest/gtest.h>

#include "platform/atomic_file.hpp"
#include "sync/hub/tls_setup.hpp"
#include "tests/support/temp_dir.hpp"

namespace storeedge::sync::hub {
namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using Cert = std::unique_ptr<X509, X509Free>;

Cert load_cert(const std::filesystem::path& path) {
  auto text = read_file(path);
  EXPECT_TRUE(text) << path;
  if (!text) return nullptr;
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(text->data(), static_cast<int>(text->size())),
                                                &BIO_free);
  return Cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

// X509_verify_cert of `leaf` against `ca` alone, at `at`, for the TLS server purpose; the
// verification error code (X509_V_OK when it verifies).
int verify(X509* leaf, X509* ca, std::chrono::system_clock::time_point at) {
  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), &X509_STORE_free);
  X509_STORE_add_cert(store.get(), ca);
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(),
                                                                      &X509_STORE_CTX_free);
  X509_STORE_CTX_init(ctx.get(), store.get(), leaf, nullptr);
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
  X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx.get()), std::chrono::system_clock::to_time_t(at));
  X509_verify_cert(ctx.get());
  return X509_STORE_CTX_get_error(ctx.get());
}

// The file's content, or "" when it cannot be read.
std::string content(const std::filesystem::path& path) {
  auto text = read_file(path);
  return text ? *text : std::string();
}

mode_t file_mode(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

class InitTlsTest : public ::testing::Test {
 protected:
  Result<TlsSetupResult> run(std::vector<std::string> hosts, bool force = false, bool new_ca = false) {
    TlsSetupOptions options;
    options.dir = dir_ / "tls";
    options.hosts = std::move(hosts);
    options.force = force;
    options.new_ca = new_ca;
    return init_tls(options, clock_);
  }
  test::TempDir dir_;
  ManualClock clock_;
};

TEST_F(InitTlsTest, CreatesACaAndAServerCertificateThatVerifiesForTheGivenHosts) {
  auto made = run({"127.0.0.1", "hub.store.example", "::1"});
  ASSERT_TRUE(made) << made.error().what();
  EXPECT_TRUE(made->ca_created);
  EXPECT_EQ(made->ca_cert, dir_ / "tls" / "ca.pem");
  EXPECT_EQ(made->server_key, dir_ / "tls" / "server.key");
  EXPECT_EQ(file_mode(made->ca_key), 0600u);
  EXPECT_EQ(file_mode(made->server_key), 0600u);
  EXPECT_EQ(file_mode(made->ca_cert), 0644u);

  auto ca = load_cert(made->ca_cert);
  auto server = load_cert(made->server_cert);
  ASSERT_TRUE(ca && server);
  EXPECT_EQ(X509_check_ca(ca.get()), 1);
  EXPECT_EQ(X509_check_ca(server.get()), 0) << "the server certificate must not be able to sign others";
  EXPECT_EQ(verify(server.get(), ca.get(), clock_.now()), X509_V_OK);

  EXPECT_EQ(X509_check_ip_asc(server.get(), "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(server.get(), "::1", 0), 1);
  EXPECT_EQ(X509_check_host(server.get(), "hub.store.example", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(server.get(), "127.0.0.2", 0), 0);
  EXPECT_EQ(X509_check_host(server.get(), "other.example", 0, 0, nullptr), 0);
}

TEST_F(InitTlsTest, TheServerCertificateExpiresAndDoesNotVerifyAgainstAnotherCa) {
  auto made = run({"127.0.0.1"});
  ASSERT_TRUE(made) << made.error().what();
  TlsSetupOptions other_options;
  other_options.dir = dir_ / "other";
  other_options.hosts = {"127.0.0.1"};
  auto other = init_tls(other_options, clock_);
  ASSERT_TRUE(other) << other.error().what();
  auto server = load_cert(made->server_cert);
  auto ca = load_cert(made->ca_cert);
  auto other_ca = load_cert(other->ca_cert);
  EXPECT_NE(verify(server.get(), other_ca.get(), clock_.now()), X509_V_OK);
  EXPECT_EQ(verify(server.get(), ca.get(), clock_.now() + std::chrono::days(824)), X509_V_OK);
  EXPECT_EQ(verify(server.get(), ca.get(), clock_.now() + std::chrono::days(826)),
            X509_V_ERR_CERT_HAS_EXPIRED);
}

TEST_F(InitTlsTest, RefusesToOverwriteWithoutForce) {
  ASSERT_TRUE(run({"127.0.0.1"}));
  const auto ca_before = content(dir_ / "tls" / "ca.pem");
  const auto server_before = content(dir_ / "tls" / "server.pem");
  auto again = run({"127.0.0.1"});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind(), Errc::already_exists);
  EXPECT_NE(again.error().message().find("server.pem already exists"), std::string::npos)
      << again.error().what();
  EXPECT_EQ(content(dir_ / "tls" / "ca.pem"), ca_before);
  EXPECT_EQ(content(dir_ / "tls" / "server.pem"), server_before);
}

TEST_F(InitTlsTest, ForceReissuesTheServerCertificateWithTheSameCa) {
  ASSERT_TRUE(run({"127.0.0.1"}));
  const auto ca_before = content(dir_ / "tls" / "ca.pem");
  const auto server_before = content(dir_ / "tls" / "server.pem");
  auto again = run({"127.0.0.1", "hub.store.example"}, /*force=*/true);
  ASSERT_TRUE(again) << again.error().what();
  EXPECT_FALSE(again->ca_created);
  EXPECT_EQ(content(dir_ / "tls" / "ca.pem"), ca_before) << "edges keep trusting the same CA";
  EXPECT_NE(content(dir_ / "tls" / "server.pem"), server_before);
  auto server = load_cert(again->server_cert);
  auto ca = load_cert(again->ca_cert);
  EXPECT_EQ(verify(server.get(), ca.get(), clock_.now()), X509_V_OK);
  EXPECT_EQ(X509_check_host(server.get(), "hub.store.example", 0, 0, nullptr), 1);
}

TEST_F(InitTlsTest, ANewCaNeedsForceAndReplacesTheCa) {
  ASSERT_TRUE(run({"127.0.0.1"}));
  const auto ca_before = content(dir_ / "tls" / "ca.pem");
  auto refused = run({"127.0.0.1"}, /*force=*/false, /*new_ca=*/true);
  ASSERT_FALSE(refused);
  EXPECT_EQ(content(dir_ / "tls" / "ca.pem"), ca_before);
  auto replaced = run({"127.0.0.1"}, /*force=*/true, /*new_ca=*/true);
  ASSERT_TRUE(replaced) << replaced.error().what();
  EXPECT_TRUE(replaced->ca_created);
  EXPECT_NE(content(dir_ / "tls" / "ca.pem"), ca_before);
}

TEST_F(InitTlsTest, ABadHostIsRefusedAndNothingIsWritten) {
  for (const std::string host :
       {"", "hub store", "a,DNS:evil.example", "-bad.example", "x..y", "300.1.2.3.4/"}) {
    auto r = run({"127.0.0.1", host});
    ASSERT_FALSE(r) << "accepted \"" << host << "\"";
    EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
  }
  EXPECT_FALSE(run({}));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "tls" / "ca.pem"));
}

TEST_F(InitTlsTest, ABrokenExistingCaIsAnErrorNamingTheFile) {
  std::filesystem::create_directories(dir_ / "tls");
  ASSERT_TRUE(write_file_atomically(dir_ / "tls" / "ca.pem", "garbage"));
  ASSERT_TRUE(write_file_atomically(dir_ / "tls" / "ca.key", "garbage", 0600));
  auto r = run({"127.0.0.1"});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find((dir_ / "tls" / "ca.pem").string()), std::string::npos)
      << r.error().what();
  EXPECT_FALSE(std::filesystem::exists(dir_ / "tls" / "server.pem"));
}

}  // namespace
}  // namespace storeedge::sync::hub
