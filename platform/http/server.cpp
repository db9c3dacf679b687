#include "platform/http/server.hpp"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <list>
#include <set>
#include <thread>
#include <type_traits>

#include "platform/log.hpp"

namespace storeedge::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

Response error_response(int status, std::string_view code, std::string_view message) {
  boost::json::object err;
  err["code"] = code;
  err["message"] = message;
  return Response{status, "application/json", boost::json::serialize(boost::json::object{{"error", err}})};
}

namespace {
constexpr auto kIdleTimeout = std::chrono::seconds(30);
// A client must finish the TLS handshake (and the closing exchange) within this time.
constexpr auto kHandshakeTimeout = std::chrono::seconds(10);
// The most a body read asks the socket for (Beast's own cap per read).
constexpr std::size_t kBodyReadBytes = 64 * 1024;

// What Server::stop() needs of a connection, whatever its stream.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void close() = 0;
};
}  // namespace

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(asio::io_context& io_, ServerOptions o) : io(io_), options(std::move(o)), acceptor(io_) {}

  asio::io_context& io;
  ServerOptions options;
  tcp::acceptor acceptor;
  // Set: every connection is TLS. Each TLS session holds the context it was accepted with, so a reload
  // (a new context here) leaves open connections on the previous one until they end.
  std::shared_ptr<asio::ssl::context> tls;
  std::optional<TlsCertificateInfo> tls_info;  // of `tls`
  std::map<std::pair<std::string, std::string>, Handler> routes;
  std::map<std::pair<std::string, std::string>, std::size_t> body_limits;  // routes with their own limit
  std::size_t largest_body_limit = 0;
  std::map<std::pair<std::string, std::string>, Preparer> preparers;
  std::set<std::pair<std::string, std::string>> io_thread_routes;  // route_on_io_thread()
  Server::ReplyGate gate;
  std::list<std::weak_ptr<SessionBase>> sessions;
  bool stopped = false;
  // ServerOptions::handler_thread: the handlers' own context and the thread running it (start()).
  std::unique_ptr<asio::io_context> handler_io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> handler_work;
  std::thread handler_worker;

  void accept();
  Response dispatch(const Request& req) const;
  // Runs the request's preparer, if its route has one. A preparer that throws leaves nothing prepared:
  // the handler then does that work itself.
  void prepare(Request& req) const {
    auto it = preparers.find({req.method, req.path});
    if (it == preparers.end()) return;
    try {
      it->second(req);
    } catch (const std::exception&) {
      req.prepared.reset();
    }
  }
  // Where the request's handler runs: the handler thread, when there is one and the route is not
  // pinned to the io thread.
  bool on_handler_thread(const Request& req) const {
    return handler_io && !io_thread_routes.contains({req.method, req.path});
  }
  std::size_t body_limit(const std::string& method, std::string_view target) const {
    auto it = body_limits.find({method, std::string(target.substr(0, target.find('?')))});
    return it == body_limits.end() ? options.max_body_bytes : it->second;
  }
};

namespace {

// One connection: plain TCP (beast::tcp_stream) or TLS over it (beast::ssl_stream<tcp_stream>).
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

 public:
  // `tls`: the context `args` built the stream from (null for plain TCP), kept alive as long as the
  // connection.
  template <class... StreamArgs>
  Session(std::shared_ptr<Server::Impl> server, std::shared_ptr<asio::ssl::context> tls, StreamArgs&&... args)
      : tls_(std::move(tls)), stream_(std::forward<StreamArgs>(args)...), server_(std::move(server)) {}

  void start() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(kHandshakeTimeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->handshake_failed(ec);
                                self->read();
                              });
    } else {
      read();
    }
  }

  // Closes at once (server stop, broken connection).
  void close() override {
    auto& tcp_layer = beast::get_lowest_layer(stream_);
    beast::error_code ec;
    tcp_layer.socket().shutdown(tcp::socket::shutdown_both, ec);
    tcp_layer.close();
  }

 private:
  // Ends a healthy connection: TLS says close_notify first, bounded in time.
  void finish() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(kHandshakeTimeout);
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->close(); });
    } else {
      close();
    }
  }

  // A plain-HTTP client on the TLS port, a client that does not trust our CA, a port scanner: the
  // connection is closed and nothing else is affected. Logged at debug level only, so scanners cannot
  // flood the log; the client sees the reason on its side.
  void handshake_failed(beast::error_code ec) {
    beast::error_code peer_ec;
    const auto peer = beast::get_lowest_layer(stream_).socket().remote_endpoint(peer_ec);
    const std::string who = peer_ec ? std::string("?") : peer.address().to_string();
    log::debug("tls_handshake_failed", {{"peer", who}, {"reason", ec.message()}});
    close();
  }

  // The header first: the body limit depends on the route.
  void read() {
    parser_.emplace();
    limit_ = std::max(server_->options.max_body_bytes, server_->largest_body_limit);
    parser_->body_limit(limit_);
    beast::get_lowest_layer(stream_).expires_after(kIdleTimeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read(ec);
    const auto& head = parser_->get();
    limit_ = server_->body_limit(std::string(head.method_string()), head.target());
    // A declared length was checked against the largest limit only; chunked bodies are counted
    // against the limit set here as they arrive.
    if (parser_->content_length() && *parser_->content_length() > limit_) {
      return on_read(bhttp::error::body_limit);
    }
    parser_->body_limit(limit_);
    // A body is read in pieces as large as the buffer's free room, and the buffer only grew by what
    // each read brought: a 200 KB push took ~300 reads, each with its epoll wait and timer update.
    if (const auto length = parser_->content_length();
        length && *length > buffer_.capacity() - buffer_.size()) {
      buffer_.reserve(buffer_.size() +
                      static_cast<std::size_t>(std::min<std::uint64_t>(*length, kBodyReadBytes)));
    }
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec2, std::size_t) { self->on_read(ec2); });
  }

  void on_read(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream) return finish();
    if (ec == asio::error::operation_aborted) return close();
    if (ec == bhttp::error::body_limit) {
      draining_ = true;
      return reply(
          error_response(413, "body_too_large", "request body exceeds " + std::to_string(limit_) + " bytes"),
          false, 11);
    }
    if (ec) return close();
    auto msg = parser_->release();
    if (buffer_.size() == 0) buffer_.shrink_to_fit();  // an idle connection keeps no large buffer
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.path = req.target.substr(0, req.target.find('?'));
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req.headers[name] = std::string(field.value());
    }
    req.body = std::move(msg.body());
    server_->prepare(req);
    if (server_->on_handler_thread(req)) {
      // Handlers run one at a time, in the order requests were read; this thread reads on meanwhile.
      asio::post(*server_->handler_io,
                 [self = this->shared_from_this(), req = std::move(req), keep_alive = msg.keep_alive(),
                  version = msg.version()] { self->handle(req, keep_alive, version, false); });
      return;
    }
    handle(req, msg.keep_alive(), msg.version(), true);
  }

  // Runs the handler and the reply gate, then writes the response on this connection's io thread
  // (posted there unless this is it).
  void handle(const Request& req, bool keep_alive, unsigned version, bool on_io_thread) {
    Response response = server_->dispatch(req);
    if (!server_->gate) {
      if (on_io_thread) return reply(std::move(response), keep_alive, version);
      return post_reply(std::move(response), keep_alive, version, true);
    }
    server_->gate([self = this->shared_from_this(), response = std::move(response), keep_alive, version](
                      bool ok) mutable { self->post_reply(std::move(response), keep_alive, version, ok); });
  }

  void post_reply(Response response, bool keep_alive, unsigned version, bool ok) {
    auto executor = stream_.get_executor();
    asio::post(executor, [self = this->shared_from_this(), response = std::move(response), keep_alive,
                          version, ok]() mutable {
      if (!ok) {
        response =
            error_response(503, "unavailable", "the server could not store this request's outcome durably");
      }
      self->reply(std::move(response), keep_alive, version);
    });
  }

  void reply(Response r, bool keep_alive, unsigned version) {
    auto res =
        std::make_shared<bhttp::response<bhttp::string_body>>(static_cast<bhttp::status>(r.status), version);
    res->set(bhttp::field::server, server_->options.server_name);
    res->set(bhttp::field::content_type, r.content_type);
    res->set(bhttp::field::cache_control, "no-store");
    for (const auto& [name, value] : r.headers) res->set(name, value);
    res->keep_alive(keep_alive);
    res->body() = std::move(r.body);
    res->prepare_payload();
    bhttp::async_write(stream_, *res,
                       [self = this->shared_from_this(), res](beast::error_code ec, std::size_t) {
                         if (!ec && self->draining_) return self->drain();
                         if (ec) return self->close();
                         if (!res->keep_alive()) return self->finish();
                         self->read();
                       });
  }

  // After refusing a body the client is still sending: stop sending, read and discard what arrives
  // (bounded in bytes and time) so that the client finishes its write and reads the 413 instead of
  // seeing its connection reset.
  void drain() {
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_send, ignored);
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    drain_next();
  }

  void drain_next() {
    stream_.async_read_some(asio::buffer(scratch_),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kMaxDrainBytes) return self->close();
                              self->drain_next();
                            });
  }

  static constexpr std::size_t kMaxDrainBytes = 64u << 20;
  std::shared_ptr<asio::ssl::context> tls_;  // declared before stream_: outlives it
  Stream stream_;
  std::array<char, 16384> scratch_{};
  std::size_t drained_ = 0;
  bool draining_ = false;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::size_t limit_ = 0;  // the body limit of the request being read
  std::shared_ptr<Server::Impl> server_;
};

}  // namespace

void Server::Impl::accept() {
  acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
    if (self->stopped) return;
    if (!ec) {
      self->sessions.remove_if([](const auto& w) { return w.expired(); });
      if (self->tls) {
        auto session = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
            self, self->tls, std::move(socket), *self->tls);
        self->sessions.push_back(session);
        session->start();
      } else {
        auto session = std::make_shared<Session<beast::tcp_stream>>(self, nullptr, std::move(socket));
        self->sessions.push_back(session);
        session->start();
      }
    }
    self->accept();
  });
}

Response Server::Impl::dispatch(const Request& req) const {
  auto it = routes.find({req.method, req.path});
  if (it != routes.end()) {
    try {
      return it->second(req);
    } catch (const std::exception& e) {
      return error_response(500, "internal", e.what());
    }
  }
  for (const auto& [key, _] : routes) {
    if (key.second == req.path) {
      return error_response(405, "method_not_allowed", req.method + " is not allowed on " + req.path);
    }
  }
  return error_response(404, "not_found", "no such endpoint: " + req.path);
}

namespace {

// The newest OpenSSL error on this thread as text (the queue is cleared); `ec`'s message when none.
std::string openssl_reason(const beast::error_code& ec) {
  unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return ec.message();
  char text[256] = {};
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

// A readable file, so a missing one is reported as such and not as an OpenSSL parse error.
Status check_readable(const std::filesystem::path& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return fail(Errc::config,
                "TLS " + std::string(what) + " file " + path.string() + ": " + std::strerror(err), err);
  }
  return {};
}

// A server context: TLS 1.2 or newer, the certificate chain and the key that matches it.
Result<asio::ssl::context> make_tls_context(const TlsFiles& files) {
  if (auto s = check_readable(files.cert_file, "certificate"); !s) return fail(s.error());
  if (auto s = check_readable(files.key_file, "key"); !s) return fail(s.error());
  asio::ssl::context ctx(asio::ssl::context::tls_server);
  ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                  asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                  asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
  if (SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION) != 1) {
    return fail(Errc::internal, "cannot require TLS 1.2: " + openssl_reason({}));
  }
  beast::error_code ec;
  ERR_clear_error();
  ctx.use_certificate_chain_file(files.cert_file.string(), ec);
  if (ec) {
    return fail(Errc::config, "TLS certificate file " + files.cert_file.string() +
                                  " is not a PEM certificate: " + openssl_reason(ec));
  }
  ctx.use_private_key_file(files.key_file.string(), asio::ssl::context::pem, ec);
  // Asio takes the OpenSSL error off the queue into `ec`: a key of another certificate shows there.
  const auto code = static_cast<unsigned long>(ec.value());
  const bool mismatch = ec && ec.category() == asio::error::get_ssl_category() &&
                        ERR_GET_LIB(code) == ERR_LIB_X509 &&
                        ERR_GET_REASON(code) == X509_R_KEY_VALUES_MISMATCH;
  if (mismatch || (!ec && SSL_CTX_check_private_key(ctx.native_handle()) != 1)) {
    return fail(Errc::config, "TLS key file " + files.key_file.string() +
                                  " does not match the certificate in " + files.cert_file.string() + ": " +
                                  openssl_reason(ec));
  }
  if (ec) {
    return fail(Errc::config, "TLS key file " + files.key_file.string() +
                                  " is not a PEM private key: " + openssl_reason(ec));
  }
  return ctx;
}

// Subject, expiry and SHA-256 fingerprint of the certificate `ctx` serves.
TlsCertificateInfo describe_certificate(asio::ssl::context& ctx) {
  TlsCertificateInfo info;
  X509* cert = SSL_CTX_get0_certificate(ctx.native_handle());
  if (cert == nullptr) return info;
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (bio && X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) >= 0) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    if (n > 0) info.subject.assign(data, static_cast<std::size_t>(n));
  }
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) == 1) {
    char text[32] = {};
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    info.not_after = text;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md.data(), &len) == 1) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (unsigned int i = 0; i < len; ++i) {
      if (i > 0) info.sha256 += ':';
      info.sha256 += kHex[md[i] >> 4];
      info.sha256 += kHex[md[i] & 0xF];
    }
  }
  return info;
}

}  // namespace

Server::Server(asio::io_context& io, ServerOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {}

Server::~Server() {
  stop();
}

void Server::route(std::string method, std::string path, Handler handler, std::size_t max_body_bytes) {
  if (max_body_bytes != 0) {
    impl_->body_limits[{method, path}] = max_body_bytes;
    impl_->largest_body_limit = std::max(impl_->largest_body_limit, max_body_bytes);
  }
  impl_->routes[{std::move(method), std::move(path)}] = std::move(handler);
}

void Server::route_on_io_thread(std::string method, std::string path, Handler handler) {
  impl_->io_thread_routes.insert({method, path});
  route(std::move(method), std::move(path), std::move(handler));
}

void Server::prepare(std::string method, std::string path, Preparer preparer) {
  impl_->preparers[{std::move(method), std::move(path)}] = std::move(preparer);
}

void Server::set_reply_gate(ReplyGate gate) {
  impl_->gate = std::move(gate);
}

Result<std::uint16_t> Server::start() {
  if (impl_->options.tls) {
    if (auto s = reload_tls(*impl_->options.tls); !s) return fail(s.error());
  }
  beast::error_code ec;
  const auto address = asio::ip::make_address(impl_->options.address, ec);
  if (ec)
    return fail(Errc::config, "invalid listen address \"" + impl_->options.address + "\": " + ec.message());
  const tcp::endpoint endpoint(address, impl_->options.port);
  const std::string where = impl_->options.address + ":" + std::to_string(impl_->options.port);
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail(Errc::io, "cannot listen on " + where + ": " + ec.message(), ec.value());
  if (impl_->options.handler_thread && !impl_->handler_io) {
    impl_->handler_io = std::make_unique<asio::io_context>(1);
    impl_->handler_work.emplace(impl_->handler_io->get_executor());
    try {
      impl_->handler_worker = std::thread([io = impl_->handler_io.get()] { io->run(); });
    } catch (const std::system_error& e) {
      impl_->handler_work.reset();
      impl_->handler_io.reset();
      impl_->acceptor.close(ec);
      return fail(Errc::internal, std::string("cannot start the handler thread: ") + e.what());
    }
  }
  impl_->accept();
  return impl_->acceptor.local_endpoint().port();
}

Status Server::reload_tls(const TlsFiles& files) {
  if (!impl_->options.tls) {
    return fail(Errc::invalid_argument, "this server was started without TLS: serving HTTPS needs a restart");
  }
  auto ctx = make_tls_context(files);
  if (!ctx) return fail(ctx.error());
  auto next = std::make_shared<asio::ssl::context>(std::move(*ctx));
  impl_->tls_info = describe_certificate(*next);
  impl_->tls = std::move(next);
  impl_->options.tls = files;
  return {};
}

std::optional<TlsCertificateInfo> Server::tls_certificate() const {
  return impl_->tls_info;
}

void Server::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  beast::error_code ec;
  impl_->acceptor.close(ec);
  for (auto& w : impl_->sessions) {
    if (auto s = w.lock()) s->close();
  }
  impl_->sessions.clear();
  if (impl_->handler_io) {
    // The handler at work finishes (its reply finds the connection closed); those still queued are
    // dropped with the context, which releases their connections.
    impl_->handler_work.reset();
    impl_->handler_io->stop();
    if (impl_->handler_worker.joinable()) impl_->handler_worker.join();
    impl_->handler_io.reset();
  }
}

}  // namespace storeedge::http
