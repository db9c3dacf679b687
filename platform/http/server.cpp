#include "platform/http/server.hpp"

#include <array>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <list>

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

class Session;
}  // namespace

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(asio::io_context& io_, ServerOptions o) : io(io_), options(std::move(o)), acceptor(io_) {}

  asio::io_context& io;
  ServerOptions options;
  tcp::acceptor acceptor;
  std::map<std::pair<std::string, std::string>, Handler> routes;
  std::map<std::pair<std::string, std::string>, std::size_t> body_limits;  // routes with their own limit
  std::size_t largest_body_limit = 0;
  std::list<std::weak_ptr<Session>> sessions;
  bool stopped = false;

  void accept();
  Response dispatch(const Request& req) const;
  std::size_t body_limit(const std::string& method, std::string_view target) const {
    auto it = body_limits.find({method, std::string(target.substr(0, target.find('?')))});
    return it == body_limits.end() ? options.max_body_bytes : it->second;
  }
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<Server::Impl> server)
      : stream_(std::move(socket)), server_(std::move(server)) {}

  void start() { read(); }
  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

 private:
  // The header first: the body limit depends on the route.
  void read() {
    parser_.emplace();
    limit_ = std::max(server_->options.max_body_bytes, server_->largest_body_limit);
    parser_->body_limit(limit_);
    stream_.expires_after(kIdleTimeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
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
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec2, std::size_t) { self->on_read(ec2); });
  }

  void on_read(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted) return close();
    if (ec == bhttp::error::body_limit) {
      draining_ = true;
      return reply(
          error_response(413, "body_too_large", "request body exceeds " + std::to_string(limit_) + " bytes"),
          false, 11);
    }
    if (ec) return close();
    auto msg = parser_->release();
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
    reply(server_->dispatch(req), msg.keep_alive(), msg.version());
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
    bhttp::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
      if (!ec && self->draining_) return self->drain();
      if (ec || !res->keep_alive()) return self->close();
      self->read();
    });
  }

  // After refusing a body the client is still sending: stop sending, read and discard what arrives
  // (bounded in bytes and time) so that the client finishes its write and reads the 413 instead of
  // seeing its connection reset.
  void drain() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(5));
    drain_next();
  }

  void drain_next() {
    stream_.async_read_some(asio::buffer(scratch_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kMaxDrainBytes) return self->close();
                              self->drain_next();
                            });
  }

  static constexpr std::size_t kMaxDrainBytes = 64u << 20;
  beast::tcp_stream stream_;
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
      auto session = std::make_shared<Session>(std::move(socket), self);
      self->sessions.remove_if([](const auto& w) { return w.expired(); });
      self->sessions.push_back(session);
      session->start();
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

Result<std::uint16_t> Server::start() {
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
  impl_->accept();
  return impl_->acceptor.local_endpoint().port();
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
}

}  // namespace storeedge::http
