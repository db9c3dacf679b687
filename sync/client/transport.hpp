#pragma once
// How the sync client reaches the hub: one POST of a protobuf body to a path under the hub's base
// URL. The libcurl backend is curl/curl_transport.hpp; tests route requests to an in-process hub.
//
// Contract for implementations:
// - `body` is the encoded request as it goes on the wire; when a "Content-Encoding" header (gzip or
//   zstd) is passed it is already compressed (the signature covers these exact bytes).
// - Any HTTP reply, 2xx or not, is a TransportResponse: the caller reads the ErrorReply of a non-2xx.
// - No reply at all (refused, reset, timeout, TLS failure) is Errc::unavailable: the request may or
//   may not have reached the hub, and the caller retries it (push and pull are idempotent).
// - `body` of the response is as received; `content_encoding` says whether it is still gzip.
// - `accept_encoding` is the reply's Accept-Encoding header (the request codings the hub reads), or
//   empty when it sent none.
//
// Threads: post() may be called from two threads at once: the outbox relay keeps up to two pushes in
// flight, each posted from its own short-lived worker thread (relay.hpp). Each call is a request of
// its own; an implementation that keeps connections uses one per call in progress (CurlTransport
// keeps two alive).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "platform/error.hpp"

namespace storeedge::sync::client {

struct TransportResponse {
  int status = 0;                  // HTTP status
  std::string body{};              // as received
  std::string content_encoding{};  // "gzip" or empty
  std::string accept_encoding{};   // "zstd, gzip" from a current hub; empty from an older one
};

using Headers = std::vector<std::pair<std::string, std::string>>;

class Transport {
 public:
  virtual ~Transport() = default;
  // `path` is absolute ("/sync/v1/push").
  [[nodiscard]] virtual Result<TransportResponse> post(std::string_view path, std::string body,
                                                       const Headers& headers) = 0;
};

}  // namespace storeedge::sync::client
