#pragma once
// A small HTTP/1.1 server on Boost.Beast for the daemon's local API and the hub, plain or over TLS
// (OpenSSL through Boost.Asio's ssl::stream; TLS 1.2 at least).
// Handlers run on the io_context thread that drives the server, one request at a time per connection;
// a handler must not block for long (the checkout path is in-process and fast). With
// ServerOptions::handler_thread they run instead on one thread of the server's own, one at a time in
// the order their requests were read, while the io thread goes on reading, decoding and writing the
// other connections (see there).
//
// Thread-safety: construct, route() and start() on one thread before running the io_context;
// stop() must be called from the io_context thread (post it).
#include <any>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "platform/error.hpp"

namespace boost::asio {
class io_context;
}

namespace storeedge::http {

struct Request {
  std::string method;                          // "GET"
  std::string target;                          // "/health?verbose=1"
  std::string path;                            // "/health"
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  // What the route's preparer (Server::prepare) made of the request, for its handler; empty without one.
  std::any prepared{};
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers{};  // extra headers ("WWW-Authenticate")
};

// A JSON error body {"error":{"code":"...","message":"..."}} with the matching status.
Response error_response(int status, std::string_view code, std::string_view message);

using Handler = std::function<Response(const Request&)>;
// Runs on the io thread once a request's body is read, before its handler (Server::prepare).
using Preparer = std::function<void(Request&)>;

// PEM files for serving HTTPS: the certificate chain (server certificate first) and its private key.
struct TlsFiles {
  std::filesystem::path cert_file;
  std::filesystem::path key_file;
};

// The certificate a TLS server presents, for logs and /health.
struct TlsCertificateInfo {
  std::string subject;    // RFC 2253, e.g. "CN=storehub"
  std::string not_after;  // UTC, "2029-03-05T10:00:00Z"
  std::string sha256;     // fingerprint of the DER certificate, upper-case hex pairs joined by ':'
};

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;                // 0: an ephemeral port, read back from start()
  std::size_t max_body_bytes = 1 << 20;  // for routes that set no limit of their own
  std::string server_name = "storeedge";
  // Set: every connection is TLS (HTTPS only); a failed handshake closes that connection alone.
  std::optional<TlsFiles> tls{};
  // Run the handlers (and the reply gate) on one thread the server starts, in the order requests were
  // read, instead of on the io thread. The io thread then keeps reading, decrypting and parsing other
  // connections' requests (and running their preparers) while a handler works: storehub applies a
  // push while the next one arrives and is decompressed. The handlers still run one at a time, so
  // what they share needs no locks; what the io thread also touches does (Server::route_on_io_thread).
  bool handler_thread = false;
};

class Server {
 public:
  Server(boost::asio::io_context& io, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // `max_body_bytes` 0: ServerOptions::max_body_bytes. A larger body is answered 413 before the
  // handler runs.
  void route(std::string method, std::string path, Handler handler, std::size_t max_body_bytes = 0);
  // A route whose handler runs on the io thread even with ServerOptions::handler_thread (one that
  // reads what the io thread changes, such as the TLS certificate on reload).
  void route_on_io_thread(std::string method, std::string path, Handler handler);
  // Work for a route's requests that needs nothing the handlers share (decompressing, decoding): it
  // runs on the io thread right before the request goes to the handler thread, so with
  // ServerOptions::handler_thread it overlaps the handler working on an earlier request. Without the
  // option it runs just before the handler, on the same thread. It may leave its result in
  // Request::prepared. Set before start().
  void prepare(std::string method, std::string path, Preparer preparer);
  // Holds every response until the gate releases it. The gate is called on the thread that ran the
  // handler (the io thread, or the handler thread with ServerOptions::handler_thread) right after it,
  // with `release`, which must be called exactly once, from any thread; the response is
  // then written on the io thread. release(false) sends a 503 "unavailable" instead. Meanwhile the
  // io thread serves other connections; this one reads its next request after the response.
  // storehub's gate holds what it answers until its database has made it durable (group commit).
  // Set before start().
  using ReplyGate = std::function<void(std::function<void(bool ok)> release)>;
  void set_reply_gate(ReplyGate gate);
  // Loads the TLS files if any (a missing or broken file is an error naming it), binds and starts
  // accepting; returns the bound port.
  Result<std::uint16_t> start();
  // Stops accepting and closes open connections.
  void stop();

  // Replaces the TLS certificate and key with those in `files`, read now. Connections accepted from
  // then on use them; connections already open finish on the previous ones. A missing, broken or
  // mismatched file is an error naming it and changes nothing: the server keeps serving the previous
  // certificate. An error too for a server started without TLS (turning TLS on needs a restart).
  // Call on the io_context thread, or before it runs.
  [[nodiscard]] Status reload_tls(const TlsFiles& files);
  // The certificate served to new connections; empty for a plain-HTTP server or before start().
  std::optional<TlsCertificateInfo> tls_certificate() const;

  struct Impl;  // defined in server.cpp; public only so connection sessions can share it

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace storeedge::http
