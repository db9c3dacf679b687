#pragma once
// A GET over HTTPS with libcurl that trusts exactly one CA file, for tests of the TLS server and of
// storehub. The hub's real client (sync/client/curl) is POST-only and protobuf-shaped.
#include <chrono>
#include <filesystem>
#include <string>

#include "platform/error.hpp"

namespace storeedge::test {

struct HttpsReply {
  int status = 0;
  std::string body;
};

// `url` like "https://127.0.0.1:8460/health". A failed connection or handshake is Errc::unavailable
// with libcurl's message ("SSL certificate problem: ...").
Result<HttpsReply> https_get(const std::string& url, const std::filesystem::path& ca_file,
                             std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace storeedge::test
