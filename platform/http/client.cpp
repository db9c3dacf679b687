#include "platform/http/client.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace storeedge::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

Result<ClientResponse> request(const std::string& host, std::uint16_t port, const std::string& method,
                               const std::string& target, const std::string& body,
                               std::chrono::milliseconds timeout, const std::string& content_type,
                               const std::map<std::string, std::string>& headers) {
  const std::string where = method + " http://" + host + ":" + std::to_string(port) + target;
  asio::io_context io;
  beast::tcp_stream stream(io);
  ClientResponse out;
  beast::error_code result;
  asio::ip::tcp::resolver resolver(io);

  bhttp::request<bhttp::string_body> req(bhttp::string_to_verb(method), target, 11);
  req.set(bhttp::field::host, host);
  req.set(bhttp::field::user_agent, "storeedge");
  if (!body.empty()) req.set(bhttp::field::content_type, content_type);
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = body;
  req.prepare_payload();
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;

  stream.expires_after(timeout);
  resolver.async_resolve(host, std::to_string(port), [&](beast::error_code ec, auto results) {
    if (ec) return void(result = ec);
    stream.async_connect(results, [&](beast::error_code ec2, auto) {
      if (ec2) return void(result = ec2);
      bhttp::async_write(stream, req, [&](beast::error_code ec3, std::size_t) {
        if (ec3) return void(result = ec3);
        bhttp::async_read(stream, buffer, res, [&](beast::error_code ec4, std::size_t) { result = ec4; });
      });
    });
  });
  io.run();
  if (result == beast::error::timeout) return fail(Errc::unavailable, where + ": timed out");
  if (result) return fail(Errc::unavailable, where + ": " + result.message(), result.value());
  out.status = static_cast<int>(res.result_int());
  out.content_type = std::string(res[bhttp::field::content_type]);
  out.body = std::move(res.body());
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  return out;
}

}  // namespace storeedge::http
