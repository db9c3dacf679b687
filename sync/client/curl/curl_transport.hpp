#pragma once
// The libcurl Transport. One easy handle is kept for the life of the object, so consecutive
// requests reuse the connection (and the TLS session) to the hub.
//
// TLS: peer and host verification are always on for https; the CA is the hub's, from the node's
// configuration (CURLOPT_CAINFO), never the system store. An optional client certificate and key
// (PEM) are sent when configured. Plain http:// is accepted for loopback tests only by the caller's
// choice of base URL; the daemon's configuration should refuse it.
//
// Replies are accepted compressed (CURLOPT_ACCEPT_ENCODING "gzip"); libcurl inflates them as they
// arrive and the decoded bytes are capped at max_response_bytes (a zip bomb is cut off there), so
// the response's content_encoding is always empty.
//
// Threads: not thread-safe; one object per thread. libcurl's global init is done once per process
// on first construction (thread-safe since libcurl 7.84; Debian 12 ships 7.88).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "sync/client/transport.hpp"

namespace storeedge::sync::client {

struct CurlOptions {
  std::string base_url;                              // "https://hub.example:8443" (no trailing path)
  std::optional<std::filesystem::path> ca_file;      // PEM bundle with the hub's CA
  std::optional<std::filesystem::path> client_cert;  // PEM; with client_key
  std::optional<std::filesystem::path> client_key;   // PEM
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{30000};
  std::size_t max_response_bytes = std::size_t{17} << 20;  // a bit above one message at its limit
};

class CurlTransport final : public Transport {
 public:
  // Errc::config for a base URL that is not http(s)://host[:port], or a client certificate without
  // its key; Errc::internal when libcurl cannot be initialised.
  [[nodiscard]] static Result<std::unique_ptr<CurlTransport>> create(CurlOptions options);
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  Result<TransportResponse> post(std::string_view path, std::string body, const Headers& headers) override;

  // Connections opened so far (CURLINFO_NUM_CONNECTS summed): 1 after many calls to a hub that keeps
  // the connection alive. For diagnostics and tests.
  std::int64_t connections_opened() const;

 private:
  struct Impl;
  explicit CurlTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace storeedge::sync::client
