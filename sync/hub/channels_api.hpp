#pragma once
// The channel API (/channels/v1, JSON; docs/channels.md): the web shop places and follows orders,
// the CRM upserts customers, the ERP loads catalog, prices, promotions and stock (JSON or CSV), and
// loyalty entries arrive from any channel, gift cards are issued, loaded, blocked and read. Every request
// carries `Authorization: Bearer <key>` with one of the configured keys; with no keys configured the API
// answers 403.
//
// Threads: the handlers run on the server's io_context thread and call the storage from there (the
// storage is not thread-safe). `storage` must outlive the server.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/http/server.hpp"
#include "sync/hub/storage.hpp"

namespace storeedge::sync::hub {

struct ChannelOptions {
  std::vector<std::string> api_keys{};     // empty: disabled (403)
  std::size_t max_load_bytes = 64u << 20;  // body limit of the ERP bulk loads; others keep the server's
  std::size_t max_customer_orders = 100;   // orders listed with a customer, newest first
  // gift_cards.default_offline_limit_cents: what every store may take from a newly issued card
  // offline unless an allowance says otherwise.
  std::int64_t gift_card_default_offline_limit_cents = 5000;
};

void add_channel_routes(http::Server& server, HubStorage& storage, ChannelOptions options);

namespace channels {

// The key of an `Authorization: Bearer <key>` (or, with `allow_basic`, the password of
// `Basic base64(user:key)`) header, compared with every configured key in constant time.
[[nodiscard]] bool authorized(const http::Request& req, const std::vector<std::string>& keys,
                              bool allow_basic = false);
// The decoded value of a query parameter of `target`, nullopt when absent.
[[nodiscard]] std::optional<std::string> query_param(std::string_view target, std::string_view name);
// The HTTP status for an error kind: invalid_argument 400, not_found 404, already_exists and
// conflict 409, anything else 500.
int http_status(Errc kind);
http::Response error_reply(const Error& e);

}  // namespace channels
}  // namespace storeedge::sync::hub
