#pragma once
// The libcurl Transport. Easy handles are kept for the life of the object, so consecutive requests
// reuse their connection to the hub: a call takes an idle handle (or makes one), and gives it back
// when done; up to kKeptHandles idle handles are kept. The outbox relay's two pushes in flight
// therefore run on two persistent connections. The handles share one TLS session and DNS cache, so a
// second connection resumes the first one's TLS session instead of a full handshake.
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
// Threads: post() is safe from several threads at once (each call runs on its own handle);
// connections_opened() too. libcurl's global init is done once per process on first construction
// (thread-safe since libcurl 7.84; Debian 12 ships 7.88).
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
  // Idle easy handles (and so connections) kept between calls: one per push the relay keeps in flight.
  static constexpr std::size_t kKeptHandles = 2;

  // Errc::config for a base URL that is not http(s)://host[:port], or a client certificate without
  // its key; Errc::internal when libcurl cannot be initialised.
  [[nodiscard]] static Result<std::unique_ptr<CurlTransport>> create(CurlOptions options);
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  Result<TransportResponse> post(std::string_view path, std::string body, const Headers& headers) override;

  // Connections opened so far (CURLINFO_NUM_CONNECTS summed over all handles): 1 after many calls
  // one at a time to a hub that keeps connections alive, 2 with two calls at a time. For diagnostics
  // and tests.
  std::int64_t connections_opened() const;

 private:
  struct Impl;
  explicit CurlTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace storeedge::sync::client
