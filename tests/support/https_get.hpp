#pragma once
// A GET over HTTPS with libcurl that trusts exactly one CA file, for tests of the TLS server and of
// storehub. The hub's real client (sync/client/curl) is POST-only and protobuf-shaped.
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "platform/error.hpp"

namespace storeedge::test {

struct HttpsReply {
  int status = 0;
  std::string body;
  // The certificate the server presented (PEM), read on a new connection; empty on a reused one.
  std::string server_certificate;
  bool reused_connection = false;  // the request went over a connection an earlier get() opened
};

// One libcurl handle: its connection stays open between get() calls while the server keeps it alive.
class HttpsClient {
 public:
  explicit HttpsClient(std::filesystem::path ca_file,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  // `url` like "https://127.0.0.1:8460/health". A failed connection or handshake is Errc::unavailable
  // with libcurl's message ("SSL certificate problem: ...").
  Result<HttpsReply> get(const std::string& url);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One GET on a connection of its own.
Result<HttpsReply> https_get(const std::string& url, const std::filesystem::path& ca_file,
                             std::chrono::milliseconds timeout = std::chrono::seconds(5));

// The first certificate in a PEM file (what a server configured with it presents), or "" if none.
std::string first_pem_certificate(const std::filesystem::path& pem_file);

}  // namespace storeedge::test
