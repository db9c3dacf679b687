#include "tests/support/fault_proxy.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace storeedge::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

// Requests one client connection may carry; libcurl reuses its connection for every round.
constexpr int kMaxRequestsPerConnection = 100'000;
constexpr auto kToken = asio::as_tuple(asio::use_awaitable);

// An RST instead of a FIN: what a crashed peer or a middlebox dropping the flow looks like.
void reset(beast::tcp_stream& stream) {
  boost::system::error_code ec;
  stream.socket().set_option(asio::socket_base::linger(true, 0), ec);
  stream.socket().close(ec);
}

void close_gracefully(beast::tcp_stream& stream) {
  boost::system::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.socket().close(ec);
}

}  // namespace

struct FaultProxy::Impl {
  FaultProxy& owner;
  std::size_t open = 0;  // client connections; only touched on the proxy's thread
  asio::io_context io{1};
  tcp::acceptor acceptor{io};

  explicit Impl(FaultProxy& o) : owner(o) {}

  asio::awaitable<void> accept_loop() {
    while (true) {
      auto [ec, socket] = co_await acceptor.async_accept(kToken);
      if (ec) co_return;  // closed by the destructor
      if (open >= kMaxConnections) {
        boost::system::error_code ignored;
        socket.close(ignored);
        continue;
      }
      asio::co_spawn(io, session(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    ++open;
    struct Leave {
      std::size_t& n;
      ~Leave() { --n; }
    } leave{open};
    beast::tcp_stream client(std::move(socket));
    std::optional<beast::tcp_stream> hub;
    beast::flat_buffer client_buffer;
    beast::flat_buffer hub_buffer;
    for (int i = 0; i < kMaxRequestsPerConnection; ++i) {
      bhttp::request_parser<bhttp::string_body> request_parser;
      request_parser.body_limit(kMaxBodyBytes);
      client.expires_after(kIoDeadline);
      auto [read_ec, read_n] = co_await bhttp::async_read(client, client_buffer, request_parser, kToken);
      if (read_ec) co_return;
      auto request = request_parser.release();
      ++owner.requests_;
      {
        std::lock_guard lock(owner.mutex_);
        ++owner.codings_[std::string(request[bhttp::field::content_encoding])];
      }
      std::chrono::milliseconds delay{0};
      const ProxyFault fault = owner.take_rule(std::string(request.target()), delay);
      ++owner.applied_[static_cast<std::size_t>(fault)];
      if (fault == ProxyFault::reset) co_return reset(client);
      if (fault == ProxyFault::delay_request) {
        asio::steady_timer timer(io);
        timer.expires_after(std::min<std::chrono::milliseconds>(delay, kMaxDelay));
        co_await timer.async_wait(kToken);
      }

      if (!hub) {
        hub.emplace(io);
        hub->expires_after(kIoDeadline);
        const tcp::endpoint upstream(asio::ip::address_v4::loopback(), owner.upstream_port_.load());
        auto [connect_ec] = co_await hub->async_connect(upstream, kToken);
        if (connect_ec) co_return reset(client);  // the hub is down: the client sees a dead connection
      }
      hub->expires_after(kIoDeadline);
      auto [write_ec, write_n] = co_await bhttp::async_write(*hub, request, kToken);
      if (write_ec) co_return reset(client);
      bhttp::response_parser<bhttp::string_body> response_parser;
      response_parser.body_limit(kMaxBodyBytes);
      auto [reply_ec, reply_n] = co_await bhttp::async_read(*hub, hub_buffer, response_parser, kToken);
      if (reply_ec) co_return reset(client);  // the hub died mid-request
      auto response = response_parser.release();
      const bool keep_alive = request.keep_alive() && response.keep_alive();

      switch (fault) {
        case ProxyFault::drop_reply: co_return reset(client);
        case ProxyFault::truncate_reply: {
          std::ostringstream out;
          out << response;
          std::string wire = out.str();
          const std::size_t body = response.body().size();
          const std::size_t head = wire.size() - body;
          wire.resize(body == 0 ? head / 2 : head + body / 2);
          client.expires_after(kIoDeadline);
          co_await asio::async_write(client, asio::buffer(wire), kToken);
          co_return close_gracefully(client);
        }
        case ProxyFault::corrupt_reply:
          std::fill(response.body().begin(), response.body().end(), '\xFF');
          break;
        case ProxyFault::delay_reply: {
          asio::steady_timer timer(io);
          timer.expires_after(std::min<std::chrono::milliseconds>(delay, kMaxDelay));
          co_await timer.async_wait(kToken);
          break;
        }
        case ProxyFault::pass:
        case ProxyFault::reset:
        case ProxyFault::delay_request: break;
      }
      client.expires_after(kIoDeadline);
      auto [send_ec, send_n] = co_await bhttp::async_write(client, response, kToken);
      if (send_ec) co_return reset(client);
      if (!keep_alive) co_return close_gracefully(client);
    }
  }
};

FaultProxy::FaultProxy(std::uint16_t upstream_port)
    : upstream_port_(upstream_port), impl_(std::make_unique<Impl>(*this)) {
  const tcp::endpoint local(asio::ip::address_v4::loopback(), 0);
  impl_->acceptor.open(local.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(local);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  thread_ = std::thread([this] { impl_->io.run(); });
}

FaultProxy::~FaultProxy() {
  impl_->io.stop();
  if (thread_.joinable()) thread_.join();
  impl_.reset();  // destroys the sessions' frames, closing every socket
}

void FaultProxy::add_rule(ProxyRule rule) {
  std::lock_guard lock(mutex_);
  rules_.push_back(std::move(rule));
}

void FaultProxy::clear_rules() {
  std::lock_guard lock(mutex_);
  rules_.clear();
}

std::size_t FaultProxy::rules_left() const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(rules_.begin(), rules_.end(), [](const ProxyRule& r) { return r.times != 0; }));
}

std::int64_t FaultProxy::requests_in(const std::string& coding) const {
  std::lock_guard lock(mutex_);
  auto it = codings_.find(coding);
  return it == codings_.end() ? 0 : it->second;
}

ProxyFault FaultProxy::take_rule(const std::string& target, std::chrono::milliseconds& delay) {
  const std::string path = target.substr(0, target.find('?'));
  std::lock_guard lock(mutex_);
  for (auto& rule : rules_) {
    if (rule.times == 0 || path.rfind(rule.path, 0) != 0) continue;
    if (rule.times > 0) --rule.times;
    delay = rule.delay;
    return rule.fault;
  }
  return ProxyFault::pass;
}

}  // namespace storeedge::test
