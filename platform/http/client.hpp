#pragma once
// A blocking HTTP/1.1 client for loopback use: storectl talking to the local daemon, and tests.
// Every call has a deadline; nothing waits forever.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "platform/error.hpp"

namespace storeedge::http {

struct ClientResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

Result<ClientResponse> request(const std::string& host, std::uint16_t port, const std::string& method,
                               const std::string& target, const std::string& body = {},
                               std::chrono::milliseconds timeout = std::chrono::seconds(5),
                               const std::string& content_type = "application/json",
                               const std::map<std::string, std::string>& headers = {});

}  // namespace storeedge::http
